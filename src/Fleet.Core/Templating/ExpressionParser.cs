namespace Fleet.Core.Templating;

/// <summary>Parses Jinja expressions (used by <c>when</c>, inside <c>{{ }}</c> and in statements), with Jinja's precedence.</summary>
public static class ExpressionParser
{
    /// <summary>Parses <paramref name="text"/>; a syntax error is a <see cref="FleetInputException"/> at <paramref name="location"/>.</summary>
    public static Expression Parse(string text, SourceLocation location)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            var parser = new TokenParser(Lexer.Tokenize(text), text);
            var expression = parser.ParseExpression();
            parser.ExpectEnd();
            return expression;
        }
        catch (FormatException) when (Template.HasTemplate(text))
        {
            // when: "{{ x }} == 1" — Ansible's hint, not the parser's "expected ':'" about a dict literal it never meant.
            throw new FleetInputException(location, $"invalid expression '{text}': conditional statements should not include jinja2 templating delimiters such as {{{{ }}}} or {{% %}} (write the expression without them: when: x == 1)");
        }
        catch (FormatException ex)
        {
            throw new FleetInputException(location, $"invalid expression '{text}': {ex.Message}");
        }
    }
}
