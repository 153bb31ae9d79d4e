using System.Text;

namespace Fleet.Core.Templating;

/// <summary>
/// Renders <c>{{ expression }}</c> templates (the language of <see cref="Expression"/>). A text that is only one
/// <c>{{ x }}</c> renders to x's value with its type (a list stays a list); mixed text renders to a string.
/// </summary>
public static class Template
{
    /// <summary>True when the text contains a <c>{{ … }}</c> part.</summary>
    public static bool HasTemplate(string? text) => text is not null && text.Contains("{{", StringComparison.Ordinal);

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
    internal static object? RenderUnchecked(string text, IVariableLookup vars, SourceLocation location)
    {
        var parts = Split(text, location);
        if (parts.Count == 1 && parts[0].Expression is { } only)
        {
            return only.Value(vars);
        }

        var result = new StringBuilder();
        foreach (var (literal, expression) in parts)
        {
            result.Append(expression is null ? literal : Values.ToText(expression.Value(vars)));
        }

        return result.ToString();
    }

    /// <summary>Renders the text to a string.</summary>
    public static string RenderString(string text, IVariableLookup vars, SourceLocation location) => Values.ToText(Render(text, vars, location));

    /// <summary>Root variables the text needs defined (those guarded by <c>default</c> or <c>is defined</c> excluded).</summary>
    public static IEnumerable<string> Variables(string text, SourceLocation location) =>
        HasTemplate(text) ? Split(text, location).Where(p => p.Expression is not null).SelectMany(p => p.Expression!.Variables) : [];

    private static List<(string Literal, Expression? Expression)> Split(string text, SourceLocation location)
    {
        var parts = new List<(string, Expression?)>();
        var position = 0;
        while (position < text.Length)
        {
            var open = text.IndexOf("{{", position, StringComparison.Ordinal);
            if (open < 0)
            {
                parts.Add((text[position..], null));
                break;
            }

            if (open > position)
            {
                parts.Add((text[position..open], null));
            }

            var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new FleetInputException(location, $"unterminated '{{{{' in '{text}'");
            }

            var inner = text[(open + 2)..close].Trim();
            parts.Add(("", ExpressionParser.Parse(inner, location)));
            position = close + 2;
        }

        return parts;
    }
}
