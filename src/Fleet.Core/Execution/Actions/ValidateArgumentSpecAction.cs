using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Fleet.Core.Templating;
using Fleet.Core.Yaml;

namespace Fleet.Core.Execution.Actions;

/// <summary>
/// <c>validate_argument_spec</c>, as Ansible puts it at the start of a role with an argument spec: the task's variables of the spec's
/// names (and its <c>provided_arguments</c> over them) are checked by <see cref="ArgumentSpecValidator"/>; defaults take part in the
/// checks and are not set as variables, as in Ansible 2.14.
/// </summary>
internal sealed class ValidateArgumentSpecAction : TaskAction
{
    public override ActionSpec Spec => ActionSpec.ValidateArgumentSpec;

    public override TaskResult Run(ActionCall call)
    {
        var options = call.Task.Args["argument_spec"] is MapArg map ? map : new MapArg([], call.Task.Args.Location);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, option) in options.Entries)
        {
            if (call.Scope.TryGet(name, out _))
            {
                values[name] = Template.Render("{{ " + name + " }}", call.Scope, option.Location);
            }
        }

        if (call.Value("provided_arguments") is IReadOnlyDictionary<string, object?> provided)
        {
            foreach (var (name, value) in provided)
            {
                values[name] = value;
            }
        }

        var errors = ArgumentSpecValidator.Validate(PlainSpec(call, options), values);
        var context = new Dictionary<string, object?>(StringComparer.Ordinal) { ["validate_args_context"] = call.Value("validate_args_context") };
        return errors.Count == 0
            ? call.Done(TaskOutcome.Ok, "The arg spec validation passed", context)
            : call.Done(TaskOutcome.Failed, "Validation of arguments failed:\n" + string.Join("\n", errors), context);
    }

    /// <summary>The spec as plain values; a <c>default</c> with a template is rendered, as Ansible renders the task's arguments.</summary>
    private static Dictionary<string, object?> PlainSpec(ActionCall call, MapArg options) =>
        options.Entries.ToDictionary(e => e.Key, e => Option(call, e.Value), StringComparer.Ordinal);

    private static object? Option(ActionCall call, ArgValue option) => option is MapArg map
        ? map.Entries.ToDictionary(e => e.Key, e => e.Key switch
        {
            "default" => call.ToValue(e.Value),
            "options" when e.Value is MapArg nested => PlainSpec(call, nested),
            _ => Literal(e.Value),
        }, StringComparer.Ordinal)
        : Literal(option);

    private static object? Literal(ArgValue arg) => arg switch
    {
        ScalarArg { Quoted: true } s => s.Value ?? "",
        ScalarArg s => YamlFile.Scalar(s.Value),
        ListArg list => list.Items.Select(Literal).ToList(),
        MapArg map => map.Entries.ToDictionary(e => e.Key, e => Literal(e.Value), StringComparer.Ordinal),
        _ => null,
    };
}
