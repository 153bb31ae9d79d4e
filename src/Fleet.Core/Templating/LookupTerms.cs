namespace Fleet.Core.Templating;

/// <summary>The helpers Ansible's lookup base class gives its plugins: one-level flattening, "listify", Python iteration.</summary>
internal static class LookupTerms
{
    /// <summary>A <c>with_</c> value as Ansible hands it to the plugin: text (and any non-collection) becomes a list of one.</summary>
    public static IReadOnlyList<object?> Listify(object? value) => value switch
    {
        IReadOnlyList<object?> list => list,
        _ => [value],
    };

    /// <summary>One of <c>with_together</c>'s or <c>with_nested</c>'s lists, as Python walks it: a mapping gives its keys, a scalar is a list of one.</summary>
    public static IReadOnlyList<object?> Sequence(object? value) => value switch
    {
        IReadOnlyList<object?> list => list,
        IReadOnlyDictionary<string, object?> map => map.Keys.Select(k => (object?)k).ToList(),
        _ => [value],
    };

    /// <summary>Lists spliced into their parent, one level (Ansible's <c>_flatten</c>).</summary>
    public static List<object?> Flatten(IEnumerable<object?> terms) =>
        terms.SelectMany(t => t is IReadOnlyList<object?> inner ? inner : [t]).ToList();

    /// <summary>What Python's <c>for x in value</c> walks: a list's items, a mapping's keys, a text's characters.</summary>
    public static IEnumerable<object?> Iterate(object? value, string lookup) => value switch
    {
        IReadOnlyList<object?> list => list,
        IReadOnlyDictionary<string, object?> map => map.Keys,
        string text => text.Select(c => (object?)c.ToString()),
        _ => throw Filters.Error($"{lookup}: '{Values.TypeName(value)}' object is not iterable"),
    };

    /// <summary>The terms as text, lists spliced in (the plugins that take names, paths and commands).</summary>
    public static IEnumerable<string> Texts(IReadOnlyList<object?> terms) => Flatten(terms).Select(Filters.Str);

    /// <summary>A value's kind in a message: "a list", "a mapping", "'text'".</summary>
    public static string Describe(object? value) => value switch
    {
        null => "nothing",
        IReadOnlyList<object?> => "a list",
        IReadOnlyDictionary<string, object?> => "a mapping",
        _ => $"'{Values.ToText(value)}'",
    };

    /// <summary>Refuses keywords the plugin does not have, naming them.</summary>
    public static void Only(IReadOnlyDictionary<string, object?> keywords, string lookup, params string[] known)
    {
        if (keywords.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
        {
            throw Filters.Error(known.Length == 0
                ? $"lookup '{lookup}' takes no keyword arguments, not '{unknown}'"
                : $"lookup '{lookup}' has no option '{unknown}' (it has: {string.Join(", ", known)})");
        }
    }
}
