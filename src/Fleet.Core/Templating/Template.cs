using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Fleet.Core.Vault;

namespace Fleet.Core.Templating;

/// <summary>
/// Renders Jinja text (module parameters, variables, <c>when</c>'s templates) with <see cref="JinjaTemplate"/>. A text that is
/// only one <c>{{ x }}</c> renders to x's value with its type (a list stays a list); other text renders to a string.
/// </summary>
public static partial class Template
{
    private static readonly ConcurrentDictionary<string, JinjaTemplate> Parsed = new(StringComparer.Ordinal);

    /// <summary>True when the text contains a <c>{{ … }}</c> or <c>{% … %}</c> part.</summary>
    public static bool HasTemplate(string? text) =>
        text is not null && (text.Contains("{{", StringComparison.Ordinal) || text.Contains("{%", StringComparison.Ordinal));

    /// <summary>Renders the text; an undefined variable or a syntax error is a <see cref="FleetInputException"/> at <paramref name="location"/>.</summary>
    public static object? Render(string text, IVariableLookup vars, SourceLocation location)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!HasTemplate(text))
        {
            return text;
        }

        try
        {
            return RenderUnchecked(text, vars, location);
        }
        catch (UndefinedVariableException ex)
        {
            throw new FleetInputException(location, $"{ex.Message} in '{text}'");
        }
        catch (FleetInputException ex) when (ex.Errors.Any(e => e.Location is null or { File: null }))
        {
            throw WithLocation(ex, location);
        }
    }

    /// <summary>The errors of <paramref name="ex"/>, those without a place of their own put at <paramref name="location"/> (where a variable was used).</summary>
    public static FleetInputException WithLocation(FleetInputException ex, SourceLocation location)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return new FleetInputException(ex.Errors.Select(e => e.Location is null or { File: null } ? e with { Location = location } : e).ToList());
    }

    /// <summary>Renders, letting <see cref="UndefinedVariableException"/> through (for variables that refer to variables).</summary>
    internal static object? RenderUnchecked(string text, IVariableLookup vars, SourceLocation location) =>
        RenderBudget.WithEnoughStack(() => RenderOnStack(text, vars));

    private static object? RenderOnStack(string text, IVariableLookup vars)
    {
        var template = Parse(text);
        var secrets = VaultKeyring.Current.Secrets;
        if (secrets.IsEmpty)
        {
            return PreserveTrailingNewlines(text, template.SingleExpression is { } only ? only.Value(vars) : template.RenderUnchecked(vars));
        }

        // A text rendered from a secret that no longer holds it (a filter changed it: b64encode, password_hash…) is a secret too.
        var reads = new SecretReads(vars, secrets);
        var result = PreserveTrailingNewlines(text, template.SingleExpression is { } single ? single.Value(reads) : template.RenderUnchecked(reads));
        if (reads.ReadSecret && result is string { Length: >= SecretReads.MinDerivedLength } derived && !secrets.Contains(derived))
        {
            secrets.Add(derived);
        }

        return result;
    }

    /// <summary>Renders the text to a string.</summary>
    public static string RenderString(string text, IVariableLookup vars, SourceLocation location) => Values.ToText(Render(text, vars, location));

    /// <summary>Root variables the text needs defined (those guarded by <c>default</c> or <c>is defined</c>, or set by the text, excluded).</summary>
    public static IEnumerable<string> Variables(string text, SourceLocation location)
    {
        if (!HasTemplate(text))
        {
            return [];
        }

        try
        {
            return Parse(text).Variables;
        }
        catch (FleetInputException ex) when (ex.Errors.Any(e => e.Location is null or { File: null }))
        {
            throw WithLocation(ex, location);
        }
    }

    /// <summary>Renders a template file's text (the <c>template</c> module, <c>lookup('template')</c>); errors name <paramref name="file"/>:line.</summary>
    public static string RenderFile(string text, string file, IVariableLookup vars, TemplateOptions options) => RenderFile(text, file, vars, options, []);

    /// <summary>Renders a template file whose include, import and extends find templates in <paramref name="searchPath"/>; a <c>#jinja2:</c> first line sets its options.</summary>
    public static string RenderFile(string text, string file, IVariableLookup vars, TemplateOptions options, IReadOnlyList<string> searchPath)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (own, body) = options.WithHeader(text, file);
        return PreserveTrailingNewlines(text, RenderBudget.WithEnoughStack(() => JinjaTemplate.Parse(body, file, own, searchPath).Render(vars)));
    }

    /// <summary>
    /// Ansible's preserve_trailing_newlines: Jinja drops a template's last newline, so a rendered text that ends with fewer newlines
    /// than <paramref name="template"/> gets the missing ones back (never more: <c>"{{ x }}\n"</c> with x ending in a newline is x).
    /// </summary>
    public static string PreserveTrailingNewlines(string template, string rendered)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(rendered);
        var missing = Trailing(template) - Trailing(rendered);
        return missing > 0 ? rendered + new string('\n', missing) : rendered;
    }

    /// <summary>
    /// A value rendered from an inline template, its trailing newlines preserved as Ansible does for a text result: a whole-template
    /// <c>{{ x }}</c> that is a list, a mapping or a bool stays one (Ansible's literal_eval of the single output), and so does a bare
    /// variable's number or null (Ansible's SINGLE_VAR shortcut, whose <c>$</c> also matches before one final newline); any other is text.
    /// </summary>
    private static object? PreserveTrailingNewlines(string template, object? rendered) =>
        Trailing(template) == 0 ? rendered : rendered switch
        {
            string text => PreserveTrailingNewlines(template, text),
            bool => rendered,
            null or IConvertible when BareVariable().IsMatch(template) => rendered,
            null => PreserveTrailingNewlines(template, ""),
            IConvertible scalar => PreserveTrailingNewlines(template, JinjaTemplate.Print(scalar)),
            _ => rendered,
        };

    /// <summary>Ansible's SINGLE_VAR: the template is one variable name in <c>{{ }}</c>.</summary>
    [GeneratedRegex(@"^\{\{\s*(\w*)\s*\}\}$", RegexOptions.CultureInvariant)]
    private static partial Regex BareVariable();

    private static int Trailing(string text) => text.Length - text.TrimEnd('\n').Length;

    // Inline templates (parameters, variables) parse once per distinct text; errors get the caller's location (the file is null).
    private static JinjaTemplate Parse(string text)
    {
        if (Parsed.TryGetValue(text, out var template))
        {
            return template;
        }

        template = JinjaTemplate.Parse(text, null!, TemplateOptions.Inline);
        if (Parsed.Count < 10_000)
        {
            Parsed.TryAdd(text, template);
        }

        return template;
    }
}
