namespace Fleet.Core.Templating;

/// <summary>How a template's whitespace is handled; <see cref="Ansible"/> is what Ansible configures (and the <c>template</c> module's defaults).</summary>
/// <param name="TrimBlocks">The first newline after a block or comment tag is removed. Default true (Ansible).</param>
/// <param name="LstripBlocks">Spaces and tabs before a block tag at the start of a line are removed. Default false.</param>
/// <param name="KeepTrailingNewline">
/// Jinja keeps the template's final newline. Default false (Ansible's environment): Jinja drops it, and <see cref="Template"/> then
/// gives back as many trailing newlines as the template had and the output lacks (Ansible's preserve_trailing_newlines).
/// </param>
public sealed record TemplateOptions(bool TrimBlocks = true, bool LstripBlocks = false, bool KeepTrailingNewline = false)
{
    /// <summary>Ansible's settings: trim_blocks, no lstrip_blocks, no keep_trailing_newline (the newlines are preserved after rendering).</summary>
    public static TemplateOptions Ansible { get; } = new();

    /// <summary>Ansible's settings for a template in a playbook's values (parameters, variables), whose <c>{{ }}</c> string literals keep their backslashes.</summary>
    public static TemplateOptions Inline { get; } = new() { EscapeBackslashes = true };

    /// <summary>
    /// Backslashes in string literals inside <c>{{ }}</c> are characters, as Ansible makes them by doubling them before Jinja reads a
    /// playbook's value (<c>regex_replace('(\d)', '')</c> needs no second escape); template files and <c>{% %}</c> are not touched. The default is false.
    /// </summary>
    public bool EscapeBackslashes { get; init; }

    /// <summary>
    /// A template file's first line <c>#jinja2: trim_blocks: True, lstrip_blocks: False</c> overrides these settings, as Ansible's
    /// templating reads it; the line itself is not rendered. Returns the settings and the text after the line (the whole text without one).
    /// </summary>
    public (TemplateOptions Options, string Text) WithHeader(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        const string Header = "#jinja2:";
        if (!text.StartsWith(Header, StringComparison.Ordinal))
        {
            return (this, text);
        }

        var eol = text.IndexOf('\n', StringComparison.Ordinal);
        var line = eol < 0 ? text[Header.Length..] : text[Header.Length..eol];
        var options = this;
        foreach (var pair in line.Split(','))
        {
            var parts = pair.Split(':', 2);
            if (parts.Length != 2)
            {
                throw new FleetInputException(new SourceLocation(file, 1, 1), $"failed to parse jinja2 override '{pair.Trim()}'. Did you use something different from colon as key-value separator?");
            }

            var key = parts[0].Trim();
            if (key is not ("trim_blocks" or "lstrip_blocks" or "keep_trailing_newline"))
            {
                throw new FleetInputException(new SourceLocation(file, 1, 1), $"jinja2 override '{key}' is not supported by Fleet (it takes trim_blocks, lstrip_blocks, keep_trailing_newline)");
            }

            var value = parts[1].Trim();
            var flag = LiteralTruth(value)
                ?? throw new FleetInputException(new SourceLocation(file, 1, 1), $"jinja2 override '{key}': '{value}' is not a Python literal (write True or False)");
            options = key switch
            {
                "trim_blocks" => options with { TrimBlocks = flag },
                "lstrip_blocks" => options with { LstripBlocks = flag },
                _ => options with { KeepTrailingNewline = flag },
            };
        }

        return (options, eol < 0 ? "" : text[(eol + 1)..]);
    }

    /// <summary>
    /// How Jinja reads an override's value: Ansible takes it with Python's literal_eval and Jinja tests it for truth, so True, a
    /// non-zero number and a non-empty quoted string ("true", and "false" too) are true; False, None, 0 and '' false; null when
    /// the value is no literal (Ansible's error).
    /// </summary>
    private static bool? LiteralTruth(string value) => value switch
    {
        "True" => true,
        "False" or "None" => false,
        [var open, .. var inner, var close] when open == close && open is '"' or '\'' => inner.Length > 0,
        _ when double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number) => number != 0,
        _ => null,
    };
}
