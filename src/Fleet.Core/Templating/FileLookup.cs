namespace Fleet.Core.Templating;

/// <summary><c>lookup('file', path)</c> / <c>with_file</c>: a controller file's text (trailing whitespace stripped unless <c>rstrip=false</c>, leading with <c>lstrip=true</c>).</summary>
internal sealed class FileLookup : ILookupPlugin
{
    /// <inheritdoc />
    public string Name => "file";

    /// <inheritdoc />
    public List<object?> Run(IReadOnlyList<object?> terms, IReadOnlyDictionary<string, object?> keywords, LookupContext context)
    {
        LookupTerms.Only(keywords, Name, "rstrip", "lstrip");
        return LookupTerms.Texts(terms).Select(t =>
        {
            var text = InputFile.ReadText(context.FindFile(t, "files"), "file of lookup('file')");
            text = Values.Truthy(keywords.GetValueOrDefault("rstrip", true)) ? text.TrimEnd() : text;
            return (object?)(Values.Truthy(keywords.GetValueOrDefault("lstrip", false)) ? text.TrimStart() : text);
        }).ToList();
    }
}
