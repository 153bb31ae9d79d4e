namespace Fleet.Core.Templating;

/// <summary><c>with_list</c> / <c>lookup('list', …)</c>: the terms as they are.</summary>
internal sealed class ListLookup : ILookupPlugin
{
    /// <inheritdoc />
    public string Name => "list";

    /// <inheritdoc />
    public List<object?> Run(IReadOnlyList<object?> terms, IReadOnlyDictionary<string, object?> keywords, LookupContext context) => terms.ToList();
}
