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
        catch (FormatException ex)
        {
            throw new FleetInputException(location, $"invalid expression '{text}': {ex.Message}");
        }
    }
}
