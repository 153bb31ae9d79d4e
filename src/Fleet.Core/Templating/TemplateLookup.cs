namespace Fleet.Core.Templating;

/// <summary><c>lookup('template', path)</c>: a controller template rendered with the current variables.</summary>
internal sealed class TemplateLookup : ILookupPlugin
{
    /// <inheritdoc />
    public string Name => "template";

    /// <inheritdoc />
    public List<object?> Run(IReadOnlyList<string> terms, IReadOnlyDictionary<string, object?> keywords, IVariableLookup variables) =>
        terms.Select(t =>
        {
            var path = TemplateFiles.Find(t, "templates", variables);
            return (object?)JinjaTemplate.Parse(File.ReadAllText(path), path, TemplateOptions.Ansible).Render(variables);
        }).ToList();
}
