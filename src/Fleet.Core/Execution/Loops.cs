using Fleet.Core.Playbooks;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution;

/// <summary>
/// A task's loop items, as Ansible computes them: <c>loop</c> (the list) or <c>with_&lt;name&gt;</c> (the lookup plugin of that name,
/// see <see cref="Lookups"/>), and the loop variables of each item.
/// </summary>
internal static class Loops
{
    /// <summary>Marks "no loop": the task runs once.</summary>
    public static readonly object NoItem = new();

    /// <summary>The items a task runs for: its loop's, or <see cref="NoItem"/> alone for a task without a loop.</summary>
    public static IReadOnlyList<object?> Of(TaskDefinition task, IVariableLookup scope, IReadOnlyList<string> searchDirectories) =>
        task.Keywords.Loop is { } loop ? Items(loop, scope, searchDirectories) : [NoItem];

    /// <summary>The loop variables of one item (null for <see cref="NoItem"/>): the loop var, the index var, <c>ansible_loop</c>, <c>ansible_loop_var</c>.</summary>
    public static Dictionary<string, object?>? Variables(TaskDefinition task, object? item, int index, int count)
    {
        if (task.Keywords.Loop is not { } loop || item == NoItem)
        {
            return null;
        }

        var vars = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            [loop.LoopVar] = item,
            ["ansible_loop_var"] = loop.LoopVar,
            ["ansible_loop"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["index"] = (long)index + 1,
                ["index0"] = (long)index,
                ["first"] = index == 0,
                ["last"] = index == count - 1,
                ["length"] = (long)count,
                ["revindex"] = (long)(count - index),
                ["revindex0"] = (long)(count - index - 1),
            },
        };
        if (loop.IndexVar is { } indexVar)
        {
            vars[indexVar] = (long)index;
        }

        return vars;
    }

    /// <summary>
    /// The items: <c>loop</c>'s list, or the lookup plugin <c>with_&lt;name&gt;</c> names run on the rendered value (the same plugins
    /// <c>query()</c> calls); a value of the wrong shape is a <see cref="FleetInputException"/> at the loop.
    /// </summary>
    public static IReadOnlyList<object?> Items(LoopSpec loop, IVariableLookup scope, IReadOnlyList<string> searchDirectories)
    {
        var value = IsFirstFound(loop.Kind) ? RenderDefined(loop.Items, scope, loop.Location) : Render(loop.Items, scope, loop.Location);
        if (loop.Kind == "loop")
        {
            return value as IReadOnlyList<object?> ?? throw new FleetInputException(loop.Location, $"loop takes a list, not {LookupTerms.Describe(value)}");
        }

        try
        {
            return Lookups.Loop(loop.Kind, value, new LookupContext(scope, searchDirectories));
        }
        catch (FleetInputException ex) when (ex.Errors.Any(e => e.Location is null))
        {
            throw Template.WithLocation(ex, loop.Location);
        }
    }

    private static bool IsFirstFound(string kind) => kind is "first_found" or "ansible.builtin.first_found";

    /// <summary>
    /// As <see cref="Render"/>, but a text whose template uses an undefined variable is left out of its list (or is null): Ansible's
    /// <c>with_first_found</c> passes over such a candidate. In a <c>{files, paths, skip}</c> mapping Ansible finds nothing instead,
    /// whatever its <c>skip</c> (ansible-core 2.14 does so), so the mapping is left empty.
    /// </summary>
    private static object? RenderDefined(object? value, IVariableLookup scope, SourceLocation at, bool strict = false)
    {
        try
        {
            return value switch
            {
                string s when Template.HasTemplate(s) => Template.RenderUnchecked(s, scope, at),
                IReadOnlyList<object?> list => list.Select(i => (Item: i, Value: RenderDefined(i, scope, at, strict))).Where(x => x.Value is not null || x.Item is null).Select(x => x.Value).ToList(),
                IReadOnlyDictionary<string, object?> map when strict => map.ToDictionary(kv => kv.Key, kv => RenderDefined(kv.Value, scope, at, strict), StringComparer.Ordinal),
                IReadOnlyDictionary<string, object?> map => RenderMapping(map, scope, at),
                _ => value,
            };
        }
        catch (UndefinedVariableException) when (!strict)
        {
            return null;
        }
    }

    private static Dictionary<string, object?> RenderMapping(IReadOnlyDictionary<string, object?> map, IVariableLookup scope, SourceLocation at)
    {
        try
        {
            return (Dictionary<string, object?>)RenderDefined(map, scope, at, strict: true)!;
        }
        catch (UndefinedVariableException)
        {
            return new Dictionary<string, object?>(StringComparer.Ordinal);
        }
    }

    /// <summary>Renders every template inside a value (lists and mappings too), keeping types.</summary>
    public static object? Render(object? value, IVariableLookup scope, SourceLocation at) => value switch
    {
        string s when Template.HasTemplate(s) => Template.Render(s, scope, at),
        IReadOnlyList<object?> list => list.Select(i => Render(i, scope, at)).ToList(),
        IReadOnlyDictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => Render(kv.Value, scope, at), StringComparer.Ordinal),
        _ => value,
    };
}
