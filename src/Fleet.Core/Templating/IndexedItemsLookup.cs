namespace Fleet.Core.Templating;

/// <summary><c>with_indexed_items</c>: the items (flattened one level) as <c>(index, item)</c> pairs.</summary>
internal sealed class IndexedItemsLookup : ILookupPlugin
{
    /// <inheritdoc />
    public string Name => "indexed_items";

    /// <inheritdoc />
    public List<object?> Run(IReadOnlyList<object?> terms, IReadOnlyDictionary<string, object?> keywords, LookupContext context) =>
        LookupTerms.Flatten(terms).Select((x, i) => (object?)new TupleValue([(long)i, x])).ToList();
}
