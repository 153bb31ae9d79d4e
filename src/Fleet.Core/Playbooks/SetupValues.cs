using Fleet.Core.Facts;
using Fleet.Core.Templating;

namespace Fleet.Core.Playbooks;

/// <summary>The values of <c>setup</c>'s arguments (and the play's <c>gather_subset</c>): lists as Ansible reads them, checked where written.</summary>
public static class SetupValues
{
    /// <summary>The message for <c>fact_path</c>, which Fleet refuses rather than ignores.</summary>
    public const string FactPathRefused = "fact_path is not supported: Fleet reads local facts (ansible_local) from /etc/ansible/facts.d only; move the .fact files there";

    /// <summary>A list argument as Ansible's <c>type='list'</c> reads it: a list as is, text split at commas, nothing for null.</summary>
    public static IReadOnlyList<string> List(object? value) => value switch
    {
        null => [],
        string text => text.Length == 0 ? [] : text.Split(','),
        IReadOnlyList<object?> items => items.Select(Values.ToText).ToList(),
        _ => [Values.ToText(value)],
    };

    /// <summary>The validator's check of a setup task: <c>fact_path</c> refused, a literal subset name Ansible does not know.</summary>
    public static IEnumerable<InputError> Check(MapArg args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args["fact_path"] is { } factPath)
        {
            yield return new InputError(factPath.Location, "setup: " + FactPathRefused);
        }

        if (args["gather_subset"] is { } subset && Literal(subset) is { } names && GatherSubset.Check(names) is { } error)
        {
            yield return new InputError(subset.Location, "setup: " + error);
        }
    }

    // The names written without a template, or null when any is templated (checked when the task runs).
    private static List<string>? Literal(ArgValue value) => value switch
    {
        ScalarArg { Value: var text } when !Template.HasTemplate(text) => [.. List(text)],
        ListArg list when list.Items.All(i => i is ScalarArg { Value: var v } && !Template.HasTemplate(v)) => list.Items.Select(i => ((ScalarArg)i).Value ?? "").ToList(),
        _ => null,
    };
}
