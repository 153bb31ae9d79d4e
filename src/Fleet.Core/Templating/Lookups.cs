namespace Fleet.Core.Templating;

/// <summary>
/// The lookup plugins, found by name (short, or their collection's FQCN) by both <c>with_&lt;name&gt;</c> loops and
/// <c>lookup()</c>/<c>query()</c>/<c>q()</c> in templates; a new plugin is one class added to <see cref="Plugins"/>.
/// </summary>
internal static class Lookups
{
    private static readonly ILookupPlugin[] Plugins =
    [
        new ItemsLookup(), new ListLookup(), new DictLookup(), new IndexedItemsLookup(), new TogetherLookup(), new NestedLookup(),
        new SequenceLookup(), new SubelementsLookup(), new FlattenedLookup(), new RandomChoiceLookup(), new FirstFoundLookup(),
        new FileGlobLookup(), new FileLookup(), new TemplateLookup(), new EnvLookup(), new VarsLookup(), new PipeLookup(), new LinesLookup(),
        new VarnamesLookup(),
    ];

    private static readonly Dictionary<string, ILookupPlugin> ByName = Plugins
        .SelectMany(p => new[] { (Name: p.Name, Plugin: p), (Name: p.Collection + "." + p.Name, Plugin: p) })
        .ToDictionary(x => x.Name, x => x.Plugin, StringComparer.Ordinal);

    /// <summary>Every plugin's short name, in the registry's order (for messages and "did you mean").</summary>
    public static IReadOnlyList<string> Names { get; } = Plugins.Select(p => p.Name).ToList();

    /// <summary>Whether <paramref name="name"/> (short or FQCN) names a plugin.</summary>
    public static bool Contains(string name) => ByName.ContainsKey(name);

    /// <summary>A <c>with_&lt;name&gt;</c> loop's items: the plugin run on the rendered value, made a list as Ansible does.</summary>
    public static List<object?> Loop(string name, object? value, LookupContext context) =>
        Find(name).Run(LookupTerms.Listify(value), new Dictionary<string, object?>(StringComparer.Ordinal), context);

    /// <summary>
    /// Runs <c>lookup(plugin, terms…)</c>: the plugin's list when <paramref name="wantList"/>, else as Ansible returns it — text joined
    /// by commas, or the one value, or the list when the values are not all text. <c>errors=warn|ignore</c> make a failure nothing.
    /// </summary>
    public static object? Run(IReadOnlyList<object?> a, IReadOnlyDictionary<string, object?> k, IVariableLookup variables, bool wantList)
    {
        if (a.Count == 0)
        {
            throw Filters.Error("lookup needs the name of a lookup plugin");
        }

        var plugin = Find(Filters.Str(a[0]));
        var errors = k.TryGetValue("errors", out var e) ? Filters.Str(e) : "strict";
        if (errors is not ("strict" or "warn" or "ignore"))
        {
            throw Filters.Error($"lookup's errors= is strict, warn or ignore, not '{errors}'");
        }

        var keywords = k.Where(kv => kv.Key is not ("wantlist" or "errors")).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        List<object?> values;
        try
        {
            values = plugin.Run(a.Skip(1).ToList(), keywords, new LookupContext(variables));
        }
        catch (FleetInputException ex) when (errors != "strict" && !ex.Errors.Any(RenderBudget.IsBudgetError))
        {
            return wantList ? new List<object?>() : null;
        }

        if (wantList)
        {
            return values;
        }

        return values.All(v => v is string) ? string.Join(",", values.Cast<string>()) : values.Count == 1 ? values[0] : values;
    }

    private static ILookupPlugin Find(string name) =>
        ByName.GetValueOrDefault(name)
        ?? throw Filters.Error($"lookup plugin '{name}' is not supported (supported: {string.Join(", ", Names)})");
}
