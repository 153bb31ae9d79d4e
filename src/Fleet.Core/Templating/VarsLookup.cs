namespace Fleet.Core.Templating;

/// <summary><c>lookup('vars', name…)</c>: the named variables' values, else the <c>default</c> keyword; an unknown name without one is an error.</summary>
internal sealed class VarsLookup : ILookupPlugin
{
    /// <inheritdoc />
    public string Name => "vars";

    /// <inheritdoc />
    public List<object?> Run(IReadOnlyList<object?> terms, IReadOnlyDictionary<string, object?> keywords, LookupContext context)
    {
        LookupTerms.Only(keywords, Name, "default");
        return terms.Select(term =>
        {
            var name = term as string ?? throw Filters.Error($"Invalid setting identifier, \"{Filters.Str(term)}\" is not a string, its a {Values.TypeName(term)}");
            return context.Variables.TryGet(name, out var value) ? value
                : keywords.TryGetValue("default", out var d) && d is not null ? d
                : throw Filters.Error($"No variable found with this name: {name}");
        }).ToList();
    }
}
