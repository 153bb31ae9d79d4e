namespace Fleet.Core.Templating;

/// <summary><c>lookup('template', path)</c>: a controller template rendered with the current variables.</summary>
internal sealed class TemplateLookup : ILookupPlugin
{
    /// <inheritdoc />
    public string Name => "template";

    /// <inheritdoc />
    public List<object?> Run(IReadOnlyList<object?> terms, IReadOnlyDictionary<string, object?> keywords, LookupContext context) =>
        LookupTerms.Texts(terms).Select(t =>
        {
            var path = TemplateFiles.Find(t, "templates", context.Variables);
            return (object?)Template.RenderFile(InputFile.ReadText(path, "template of lookup('template')"), path, context.Variables, TemplateOptions.Ansible);
        }).ToList();
}
