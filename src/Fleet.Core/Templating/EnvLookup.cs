namespace Fleet.Core.Templating;

/// <summary><c>lookup('env', name)</c>: a controller environment variable, else the <c>default</c> keyword, else empty text.</summary>
internal sealed class EnvLookup : ILookupPlugin
{
    /// <inheritdoc />
    public string Name => "env";

    /// <inheritdoc />
    public List<object?> Run(IReadOnlyList<object?> terms, IReadOnlyDictionary<string, object?> keywords, LookupContext context)
    {
        LookupTerms.Only(keywords, Name, "default");
        return LookupTerms.Texts(terms).Select(t => Environment.GetEnvironmentVariable(t) ?? (keywords.TryGetValue("default", out var d) ? Filters.Str(d) : "")).Select(v => (object?)v).ToList();
    }
}
