namespace Fleet.Core.Templating;

/// <summary>The lookup plugins templates may call, found by name; a new plugin is one class added to <see cref="Plugins"/>.</summary>
internal static class Lookups
{
    private static readonly ILookupPlugin[] Plugins = [new FileLookup(), new EnvLookup(), new TemplateLookup(), new PipeLookup()];

    private static readonly Dictionary<string, ILookupPlugin> ByName = Plugins
        .SelectMany(p => new[] { (Name: p.Name, Plugin: p), (Name: "ansible.builtin." + p.Name, Plugin: p) })
        .ToDictionary(x => x.Name, x => x.Plugin, StringComparer.Ordinal);

    /// <summary>Runs <c>lookup(plugin, terms…)</c>: a list of values, or (<paramref name="wantList"/> false) their text joined by commas.</summary>
    public static object? Run(IReadOnlyList<object?> a, IReadOnlyDictionary<string, object?> k, IVariableLookup variables, bool wantList)
    {
        if (a.Count == 0)
        {
            throw Filters.Error("lookup needs the name of a lookup plugin");
        }

        var plugin = Filters.Str(a[0]);
        var terms = a.Skip(1).SelectMany(t => t is IReadOnlyList<object?> l ? l : [t]).Select(Filters.Str).ToList();
        var lookup = ByName.GetValueOrDefault(plugin)
            ?? throw Filters.Error($"lookup plugin '{plugin}' is not supported (supported: {string.Join(", ", Plugins.Where(p => p is not PipeLookup).Select(p => p.Name))})");
        var values = lookup.Run(terms, k, variables);
        return wantList ? values : string.Join(",", values.Select(Filters.Str));
    }
}
