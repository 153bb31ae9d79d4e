namespace Fleet.Core.Templating;

/// <summary><c>with_dict</c> / <c>lookup('dict', mapping)</c>: one <c>{key, value}</c> item per entry, in the mapping's order.</summary>
internal sealed class DictLookup : ILookupPlugin
{
    /// <inheritdoc />
    public string Name => "dict";

    /// <inheritdoc />
    public List<object?> Run(IReadOnlyList<object?> terms, IReadOnlyDictionary<string, object?> keywords, LookupContext context) =>
        terms.SelectMany(term => term is IReadOnlyDictionary<string, object?> map
                ? map.Select(kv => (object?)new Dictionary<string, object?>(StringComparer.Ordinal) { ["key"] = kv.Key, ["value"] = kv.Value })
                : throw Filters.Error($"with_dict expects a dict, not {LookupTerms.Describe(term)}"))
            .ToList();
}
