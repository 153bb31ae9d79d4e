namespace Fleet.Core.Templating;

/// <summary><c>with_lines</c> / <c>lookup('lines', command)</c>: each line a shell command prints on the controller.</summary>
internal sealed class LinesLookup : ILookupPlugin
{
    /// <inheritdoc />
    public string Name => "lines";

    /// <inheritdoc />
    public List<object?> Run(IReadOnlyList<object?> terms, IReadOnlyDictionary<string, object?> keywords, LookupContext context)
    {
        LookupTerms.Only(keywords, Name);
        return LookupTerms.Texts(terms)
            .SelectMany(t => ControllerCommand.Run(Name, t, context.Variables).ReplaceLineEndings("\n").TrimEnd('\n') is { Length: > 0 } text ? text.Split('\n') : [])
            .Select(l => (object?)l)
            .ToList();
    }
}
