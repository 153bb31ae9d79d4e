namespace Fleet.Core.Templating;

/// <summary><c>with_nested</c>: every combination of the lists' items, each combination flattened one level as Ansible does.</summary>
internal sealed class NestedLookup : ILookupPlugin
{
    /// <inheritdoc />
    public string Name => "nested";

    /// <inheritdoc />
    public List<object?> Run(IReadOnlyList<object?> terms, IReadOnlyDictionary<string, object?> keywords, LookupContext context)
    {
        var lists = terms.Select(LookupTerms.Sequence).ToList();
        if (lists.Count == 0)
        {
            throw Filters.Error("with_nested requires at least one element in the nested list");
        }

        // As Ansible's _combine: each pair [x, y] is flattened one level, so earlier combinations grow instead of nesting.
        IEnumerable<object?> result = lists[0];
        foreach (var next in lists.Skip(1))
        {
            var current = result.ToList();
            result = current.SelectMany(x => next.Select(y => (object?)LookupTerms.Flatten([x, y]))).ToList();
        }

        return result.Select(x => (object?)LookupTerms.Flatten(LookupTerms.Iterate(x, Name))).ToList();
    }
}
