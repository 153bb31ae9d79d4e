namespace Fleet.Core.Templating;

/// <summary><c>with_together</c>: the lists zipped, the shorter ones padded with null, each tuple flattened one level.</summary>
internal sealed class TogetherLookup : ILookupPlugin
{
    /// <inheritdoc />
    public string Name => "together";

    /// <inheritdoc />
    public List<object?> Run(IReadOnlyList<object?> terms, IReadOnlyDictionary<string, object?> keywords, LookupContext context)
    {
        var lists = terms.Select(LookupTerms.Sequence).ToList();
        if (lists.Count == 0)
        {
            throw Filters.Error("with_together requires at least one element in each list");
        }

        var length = lists.Max(l => l.Count);
        return Enumerable.Range(0, length).Select(i => (object?)LookupTerms.Flatten(lists.Select(l => i < l.Count ? l[i] : null))).ToList();
    }
}
