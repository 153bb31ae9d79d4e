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
internal sealed partial class ValidateArgumentSpecAction : TaskAction
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

        var errors = ArgumentSpecValidator.Validate(PlainSpec(call, options), values).Select(e => Computed(call.Scope, values, e)).ToList();
        var context = new Dictionary<string, object?>(StringComparer.Ordinal) { ["validate_args_context"] = call.Value("validate_args_context") };
        return errors.Count == 0
            ? call.Done(TaskOutcome.Ok, "The arg spec validation passed", context)
            : call.Done(TaskOutcome.Failed, "Validation of arguments failed:\n" + string.Join("\n", errors), context);
    }

    /// <summary>
    /// Ansible names text a template computed <c>str</c> and text read from YAML <c>AnsibleUnicode</c> (a bare <c>{{ var }}</c>
    /// of YAML text keeps it; a list through a template has <c>str</c> items), as ansible-playbook's messages show.
    /// </summary>
    private static string Computed(IVariableLookup scope, IReadOnlyDictionary<string, object?> values, string error)
    {
        const string YamlText = "<class 'ansible.parsing.yaml.objects.AnsibleUnicode'>";
        var name = values.Keys.FirstOrDefault(n => error.StartsWith($"argument '{n}' is of type", StringComparison.Ordinal) || error.StartsWith($"Elements value for option '{n}' ", StringComparison.Ordinal));
        return name is not null && IsComputed(scope, name, values[name], depth: 0) ? error.Replace(YamlText, "<class 'str'>", StringComparison.Ordinal) : error;
    }

    private static bool IsComputed(IVariableLookup scope, string name, object? value, int depth) =>
        scope is VariableScope variables && variables.TryGetRaw(name, out var raw) && raw is string text && Template.HasTemplate(text)
        && (value is not string || depth > 20 || BareVariable().Match(text) is not { Success: true } bare || IsComputed(scope, bare.Groups[1].Value, value, depth + 1));

    [System.Text.RegularExpressions.GeneratedRegex(@"^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$")]
    private static partial System.Text.RegularExpressions.Regex BareVariable();

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
