using System.Globalization;
using Fleet.Core.Playbooks;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution;

/// <summary>
/// A task's loop items, as Ansible computes them: <c>loop</c>/<c>with_list</c> (the list), <c>with_items</c> (flattened one level),
/// <c>with_dict</c> (<c>{key, value}</c> items), <c>with_indexed_items</c>, <c>with_together</c> (zipped), <c>with_nested</c> (every
/// combination), <c>with_sequence</c>, and the controller lookups <c>with_first_found</c> and <c>with_fileglob</c>.
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

    /// <summary>The items; a value of the wrong shape is a <see cref="FleetInputException"/> at the loop.</summary>
    public static IReadOnlyList<object?> Items(LoopSpec loop, IVariableLookup scope, IReadOnlyList<string> searchDirectories)
    {
        var value = Render(loop.Items, scope, loop.Location);
        var name = loop.Kind == "loop" ? "loop" : "with_" + loop.Kind;
        FleetInputException Wrong(string expected) => new(loop.Location, $"{name} takes {expected}, not {Describe(value)}");
        switch (loop.Kind)
        {
            case "loop" or "list":
                return value as IReadOnlyList<object?> ?? throw Wrong("a list");
            case "items":
                return value switch
                {
                    IReadOnlyList<object?> list => list.SelectMany(i => i is IReadOnlyList<object?> inner ? inner : [i]).ToList(),
                    null => [],
                    _ => [value],
                };
            case "dict":
                return value is IReadOnlyDictionary<string, object?> map
                    ? map.Select(kv => (object?)new Dictionary<string, object?>(StringComparer.Ordinal) { ["key"] = kv.Key, ["value"] = kv.Value }).ToList()
                    : throw Wrong("a mapping");
            case "indexed_items":
                return (value as IReadOnlyList<object?> ?? throw Wrong("a list")).Select((x, i) => (object?)new List<object?> { (long)i, x }).ToList();
            case "together":
            {
                var lists = Lists(value) ?? throw Wrong("a list of lists");
                var length = lists.Count == 0 ? 0 : lists.Max(l => l.Count);
                return Enumerable.Range(0, length).Select(i => (object?)lists.Select(l => i < l.Count ? l[i] : null).ToList()).ToList();
            }

            case "nested":
            {
                var lists = Lists(value) ?? throw Wrong("a list of lists");
                IEnumerable<List<object?>> product = [[]];
                foreach (var list in lists)
                {
                    product = product.SelectMany(prefix => list.Select(x => new List<object?>(prefix) { x }));
                }

                return lists.Count == 0 ? [] : product.Select(p => (object?)p).ToList();
            }

            case "sequence":
                return Sequence(Values.ToText(value), loop);
            case "first_found":
                return FirstFound(value, searchDirectories, loop);
            case "fileglob":
                return FileGlob(value, searchDirectories);
            default:
                throw new FleetInputException(loop.Location, $"{name} is not supported");
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

    private static List<IReadOnlyList<object?>>? Lists(object? value) =>
        value is IReadOnlyList<object?> outer ? outer.Select(i => i as IReadOnlyList<object?> ?? [i]).ToList() : null;

    private static string Describe(object? value) => value switch
    {
        null => "nothing",
        IReadOnlyList<object?> => "a list",
        IReadOnlyDictionary<string, object?> => "a mapping",
        _ => $"'{Values.ToText(value)}'",
    };

    private static List<object?> Sequence(string text, LoopSpec loop)
    {
        var args = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        long Get(string key, long fallback) => args.TryGetValue(key, out var v) ? long.Parse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : fallback;
        try
        {
            var start = Get("start", 1);
            var stride = Get("stride", 1);
            var end = args.ContainsKey("count") ? start + ((Get("count", 0) - 1) * stride) : Get("end", start);
            var format = args.GetValueOrDefault("format", "%d");
            var items = new List<object?>();
            for (var i = start; stride > 0 ? i <= end : i >= end; i += stride)
            {
                items.Add(format.Replace("%d", i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("%02d", i.ToString("00", CultureInfo.InvariantCulture), StringComparison.Ordinal));
                if (items.Count > 100_000 || stride == 0)
                {
                    break;
                }
            }

            return items;
        }
        catch (FormatException)
        {
            throw new FleetInputException(loop.Location, $"with_sequence: cannot read '{text}' (start=N end=N stride=N format=%d, or count=N)");
        }
    }

    private static List<object?> FirstFound(object? value, IReadOnlyList<string> searchDirectories, LoopSpec loop)
    {
        var files = new List<string>();
        var paths = new List<string>();
        var skip = false;
        void Add(object? term)
        {
            switch (term)
            {
                case IReadOnlyDictionary<string, object?> map:
                    foreach (var f in Names(map.GetValueOrDefault("files")))
                    {
                        files.Add(f);
                    }

                    paths.AddRange(Names(map.GetValueOrDefault("paths")));
                    skip |= Values.ToBool(map.GetValueOrDefault("skip")) ?? false;
                    break;
                case IReadOnlyList<object?> list:
                    foreach (var item in list)
                    {
                        Add(item);
                    }

                    break;
                case null:
                    break;
                default:
                    files.AddRange(Values.ToText(term).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
            }
        }

        Add(value);
        // As Ansible's first_found: a relative path joins each file name, and the result is looked up in the search path (the role's
        // and the playbook's directories) like a bare name.
        var candidates = files.SelectMany(f => Path.IsPathRooted(f)
            ? [f]
            : (paths.Count > 0 ? paths.Select(p => Path.Combine(p, f)) : [f])
                .SelectMany(name => Path.IsPathRooted(name) ? [name] : searchDirectories.Select(d => Path.Combine(d, name))));
        if (candidates.FirstOrDefault(File.Exists) is { } found)
        {
            return [Path.GetFullPath(found)];
        }

        return skip ? [] : throw new FleetInputException(loop.Location, $"with_first_found: none of {string.Join(", ", files)} was found (looked in {string.Join(", ", paths.Count > 0 ? paths : searchDirectories)})");

        static IEnumerable<string> Names(object? v) => v switch
        {
            IReadOnlyList<object?> l => l.Select(Values.ToText),
            null => [],
            _ => Values.ToText(v).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };
    }

    private static List<object?> FileGlob(object? value, IReadOnlyList<string> searchDirectories)
    {
        var patterns = value is IReadOnlyList<object?> list ? list.Select(Values.ToText) : [Values.ToText(value)];
        var found = new List<object?>();
        foreach (var pattern in patterns)
        {
            var directories = Path.IsPathRooted(pattern) ? [Path.GetDirectoryName(pattern) ?? "/"] : searchDirectories.Select(d => Path.Combine(d, Path.GetDirectoryName(pattern) ?? "")).ToList();
            var directory = directories.FirstOrDefault(Directory.Exists);
            if (directory is null)
            {
                continue;
            }

            found.AddRange(Directory.EnumerateFiles(directory, Path.GetFileName(pattern)).Order(StringComparer.Ordinal).Select(f => (object?)Path.GetFullPath(f)));
        }

        return found;
    }
}
