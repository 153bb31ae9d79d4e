namespace Fleet.Core.Templating;

/// <summary>How a template's whitespace is handled; <see cref="Ansible"/> is what Ansible configures (and the <c>template</c> module's defaults).</summary>
/// <param name="TrimBlocks">The first newline after a block or comment tag is removed. Default true (Ansible).</param>
/// <param name="LstripBlocks">Spaces and tabs before a block tag at the start of a line are removed. Default false.</param>
/// <param name="KeepTrailingNewline">The template's final newline is kept. Default true (Ansible).</param>
public sealed record TemplateOptions(bool TrimBlocks = true, bool LstripBlocks = false, bool KeepTrailingNewline = true)
{
    /// <summary>Ansible's settings: trim_blocks, no lstrip_blocks, trailing newline kept.</summary>
    public static TemplateOptions Ansible { get; } = new();

    /// <summary>Ansible's settings for a template in a playbook's values (parameters, variables), whose <c>{{ }}</c> string literals keep their backslashes.</summary>
    public static TemplateOptions Inline { get; } = new() { EscapeBackslashes = true };

    /// <summary>
    /// Backslashes in string literals inside <c>{{ }}</c> are characters, as Ansible makes them by doubling them before Jinja reads a
    /// playbook's value (<c>regex_replace('(\d)', '')</c> needs no second escape); template files and <c>{% %}</c> are not touched. The default is false.
    /// </summary>
    public bool EscapeBackslashes { get; init; }
}
