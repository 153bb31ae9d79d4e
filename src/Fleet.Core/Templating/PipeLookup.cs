namespace Fleet.Core.Templating;

/// <summary><c>lookup('pipe', command)</c>: a shell command's output on the controller, trailing whitespace stripped.</summary>
internal sealed class PipeLookup : ILookupPlugin
{
    /// <inheritdoc />
    public string Name => "pipe";

    /// <inheritdoc />
    public List<object?> Run(IReadOnlyList<object?> terms, IReadOnlyDictionary<string, object?> keywords, LookupContext context)
    {
        LookupTerms.Only(keywords, Name);
        return LookupTerms.Texts(terms).Select(t => (object?)ControllerCommand.Run(Name, t, context.Variables).TrimEnd()).ToList();
    }
}
