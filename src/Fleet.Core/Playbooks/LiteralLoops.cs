using Fleet.Core.Templating;

namespace Fleet.Core.Playbooks;

/// <summary>
/// A loop written out in the playbook (no template in it) is checked when the playbook loads: what fails on every host
/// (<c>loop: 5</c>, <c>with_dict: [1, 2]</c>, a bad <c>with_sequence</c>) is refused at its place, as Ansible fails it at run time.
/// </summary>
internal static class LiteralLoops
{
    /// <summary>Lookups that only compute from their terms (no file, command or environment), cheap on a literal: run now.</summary>
    private static readonly HashSet<string> Computed = new(StringComparer.Ordinal) { "dict", "sequence", "subelements" };

    /// <summary>The problem of <paramref name="loop"/>, or none when it is templated or fine.</summary>
    public static IEnumerable<InputError> Check(LoopSpec loop)
    {
        if (HasTemplate(loop.Items))
        {
            return [];
        }

        if (loop.Kind == "loop")
        {
            return loop.Items is IReadOnlyList<object?>
                ? []
                : [new InputError(loop.Location, $"loop requires a list, got {Describe(loop.Items)}{(loop.Items is IReadOnlyDictionary<string, object?> ? " (loop over a mapping's entries with \"{{ x | dict2items }}\")" : "")}")];
        }

        if (!Computed.Contains(loop.Kind))
        {
            return [];
        }

        try
        {
            _ = Lookups.Loop(loop.Kind, loop.Items, new LookupContext(VariableScope.Of()));
            return [];
        }
        catch (FleetInputException ex)
        {
            return ex.Errors.Select(e => e with { Location = e.Location ?? loop.Location, Message = $"with_{loop.Kind}: {e.Message}" });
        }
    }

    private static string Describe(object? value) => value switch
    {
        null => "nothing",
        IReadOnlyDictionary<string, object?> => "a mapping",
        string text => $"the text '{text}'",
        _ => $"{Values.TypeName(value)} {Values.ToText(value)}",
    };

    private static bool HasTemplate(object? value) => value switch
    {
        string text => Template.HasTemplate(text),
        IReadOnlyList<object?> list => list.Any(HasTemplate),
        IReadOnlyDictionary<string, object?> map => map.Any(e => Template.HasTemplate(e.Key) || HasTemplate(e.Value)),
        _ => false,
    };
}
