using Fleet.Core.Templating;

namespace Fleet.Core.Modules;

// Ansible's "arg splatting": module arguments given as one template (`copy: "{{ copy_args }}"`, `args: "{{ item }}"`).
public sealed partial class ModuleArguments
{
    /// <summary>The key under which a task keeps module arguments written as one template, as Ansible's ModuleArgsParser names it.</summary>
    public const string VariableParams = "_variable_params";

    /// <summary>Ansible's warning for every task whose arguments come from a variable (TaskExecutor, with facts injected as variables).</summary>
    public const string VariableParamsWarning =
        "Using a variable for a task's 'args' is unsafe in some situations (see https://docs.ansible.com/ansible/devel/reference_appendices/faq.html#argsplat-unsafe)";

    /// <summary>
    /// The arguments with <see cref="VariableParams"/> rendered and merged under those written out, as Ansible's TaskExecutor does:
    /// the template must give a mapping ("invalid or malformed argument" otherwise), and a key written in the task wins over the
    /// mapping's. Arguments without it are returned as they are.
    /// </summary>
    public static MapArg WithVariableParams(MapArg args, IVariableLookup variables)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args[VariableParams] is not { } splat)
        {
            return args;
        }

        var text = splat is ScalarArg { Value: { } value } ? value : "";
        var rendered = Template.Render(text, variables, splat.Location);
        if (rendered is not IReadOnlyDictionary<string, object?> map)
        {
            throw new FleetInputException(splat.Location, $"invalid or malformed argument: '{Values.ToText(rendered)}'");
        }

        var written = args.Entries.Where(e => e.Key != VariableParams).ToList();
        var merged = map.Where(kv => written.All(e => e.Key != kv.Key)).Select(kv => new KeyValuePair<string, ArgValue>(kv.Key, Literal(kv.Value, splat.Location)));
        return args with { Entries = [.. merged, .. written] };
    }

    /// <summary>A rendered value as an argument: text stays text (quoted), a number or bool its YAML spelling, lists and mappings item by item.</summary>
    private static ArgValue Literal(object? value, SourceLocation at) => value switch
    {
        null => new ScalarArg(null, false, at),
        string text => new ScalarArg(text, true, at),
        IReadOnlyDictionary<string, object?> map => new MapArg([.. map.Select(kv => new KeyValuePair<string, ArgValue>(kv.Key, Literal(kv.Value, at)))], at),
        IReadOnlyList<object?> list => new ListArg([.. list.Select(item => Literal(item, at))], at),
        bool flag => new ScalarArg(flag ? "true" : "false", false, at),
        _ => new ScalarArg(Values.ToText(value), false, at),
    };
}
