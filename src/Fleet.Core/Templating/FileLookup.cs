namespace Fleet.Core.Templating;

/// <summary><c>lookup('file', path)</c>: a controller file's text (trailing whitespace stripped unless <c>rstrip=false</c>), found as Ansible searches.</summary>
internal sealed class FileLookup : ILookupPlugin
{
    /// <inheritdoc />
    public string Name => "file";

    /// <inheritdoc />
    public List<object?> Run(IReadOnlyList<string> terms, IReadOnlyDictionary<string, object?> keywords, IVariableLookup variables) =>
        terms.Select(t =>
        {
            var text = File.ReadAllText(TemplateFiles.Find(t, "files", variables));
            return (object?)(Values.Truthy(keywords.GetValueOrDefault("rstrip", true)) ? text.TrimEnd() : text);
        }).ToList();
}
