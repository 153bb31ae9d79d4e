namespace Fleet.Core.Templating;

/// <summary>
/// <c>with_community.general.flattened</c> (also <c>with_flattened</c>): the terms flattened at every depth; a list of one list is its item,
/// and the text <c>None</c> or <c>null</c> ends the walk of its list, as community.general's plugin does.
/// </summary>
internal sealed class FlattenedLookup : ILookupPlugin
{
    /// <inheritdoc />
    public string Name => "flattened";

    /// <inheritdoc />
    public string Collection => "community.general";

    /// <inheritdoc />
    public List<object?> Run(IReadOnlyList<object?> terms, IReadOnlyDictionary<string, object?> keywords, LookupContext context)
    {
        LookupTerms.Only(keywords, Name);
        var result = new List<object?>();
        Flatten(terms, result);
        return result;
    }

    private static void Flatten(IReadOnlyList<object?> terms, List<object?> into)
    {
        foreach (var item in terms)
        {
            var term = item;
            while (term is IReadOnlyList<object?> { Count: 1 } one)
            {
                term = one[0];
            }

            if (term is "None" or "null")
            {
                break;
            }

            if (term is IReadOnlyList<object?> list)
            {
                Flatten(list, into);
            }
            else
            {
                into.Add(term);
            }
        }
    }
}
