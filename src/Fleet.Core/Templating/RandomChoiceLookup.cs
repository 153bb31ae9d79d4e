namespace Fleet.Core.Templating;

/// <summary><c>with_random_choice</c>: one of the terms, chosen at random (nothing for no terms).</summary>
internal sealed class RandomChoiceLookup : ILookupPlugin
{
    /// <inheritdoc />
    public string Name => "random_choice";

    /// <inheritdoc />
    public List<object?> Run(IReadOnlyList<object?> terms, IReadOnlyDictionary<string, object?> keywords, LookupContext context) =>
        terms.Count == 0 ? [] : [terms[Random.Shared.Next(terms.Count)]];
}
