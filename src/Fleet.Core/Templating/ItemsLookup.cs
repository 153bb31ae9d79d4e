namespace Fleet.Core.Templating;

/// <summary><c>with_items</c> / <c>lookup('items', …)</c>: the terms, lists among them spliced in one level.</summary>
internal sealed class ItemsLookup : ILookupPlugin
{
    /// <inheritdoc />
    public string Name => "items";

    /// <inheritdoc />
    public List<object?> Run(IReadOnlyList<object?> terms, IReadOnlyDictionary<string, object?> keywords, LookupContext context) => LookupTerms.Flatten(terms);
}
