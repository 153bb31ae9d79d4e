using System.Globalization;
using System.Text;

namespace Fleet.Core.Templating;

/// <summary>Parses the expression language of <see cref="Expression"/> (used by <c>when</c> and inside <c>{{ }}</c>).</summary>
public static class ExpressionParser
{
    /// <summary>Parses <paramref name="text"/>; a syntax error is a <see cref="FleetInputException"/> at <paramref name="location"/>.</summary>
    public static Expression Parse(string text, SourceLocation location)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            var parser = new Parser(Tokenize(text), text);
            var expression = parser.ParseOr();
            parser.ExpectEnd();
            return expression;
        }
        catch (FormatException ex)
        {
            throw new FleetInputException(location, $"invalid expression '{text}': {ex.Message}");
        }
    }

    private const int MaxTokens = 2_000;

    private const int MaxDepth = 100;

    private enum Kind { Name, Number, String, Symbol, End }

    private sealed record Token(Kind Kind, string Text, object? Value = null);

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new Token(Kind.Name, text[start..i]));
            }
            else if (char.IsDigit(c) || (c == '-' && i + 1 < text.Length && char.IsDigit(text[i + 1]) && (tokens.Count == 0 || tokens[^1].Kind == Kind.Symbol && tokens[^1].Text is not (")" or "]"))))
            {
                var start = i++;
                while (i < text.Length && (char.IsDigit(text[i]) || text[i] == '.'))
                {
                    i++;
                }

                var number = text[start..i];
                tokens.Add(number.Contains('.', StringComparison.Ordinal)
                    ? new Token(Kind.Number, number, double.Parse(number, CultureInfo.InvariantCulture))
                    : new Token(Kind.Number, number, long.TryParse(number, CultureInfo.InvariantCulture, out var whole) ? whole : throw new FormatException($"the number {number} is too large (at most {long.MaxValue})")));
            }
            else if (c is '\'' or '"')
            {
                var value = new StringBuilder();
                i++;
                while (i < text.Length && text[i] != c)
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                        value.Append(text[i] switch { 'n' => '\n', 't' => '\t', _ => text[i] });
                    }
                    else
                    {
                        value.Append(text[i]);
                    }

                    i++;
                }

                if (i >= text.Length)
                {
                    throw new FormatException("unterminated string");
                }

                i++;
                tokens.Add(new Token(Kind.String, value.ToString(), value.ToString()));
            }
            else
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : "";
                if (two is "==" or "!=" or "<=" or ">=")
                {
                    tokens.Add(new Token(Kind.Symbol, two));
                    i += 2;
                }
                else if ("<>()[].,|".Contains(c, StringComparison.Ordinal))
                {
                    tokens.Add(new Token(Kind.Symbol, c.ToString()));
                    i++;
                }
                else
                {
                    throw new FormatException($"unexpected character '{c}'");
                }
            }
        }

        tokens.Add(new Token(Kind.End, "end of expression"));
        // Parsing and evaluating recurse once per operator: a bounded expression cannot overflow the stack.
        return tokens.Count <= MaxTokens ? tokens : throw new FormatException($"longer than {MaxTokens} words and symbols");
    }

    private sealed class Parser(List<Token> tokens, string text)
    {
        private int _position;

        private Token Peek => tokens[_position];

        private bool IsName(string name) => Peek.Kind == Kind.Name && Peek.Text == name;

        private bool IsSymbol(string symbol) => Peek.Kind == Kind.Symbol && Peek.Text == symbol;

        private Token Next() => tokens[_position++];

        private void Expect(string symbol)
        {
            if (!IsSymbol(symbol))
            {
                throw new FormatException($"expected '{symbol}' but found '{Peek.Text}'");
            }

            _position++;
        }

        public void ExpectEnd()
        {
            if (Peek.Kind != Kind.End)
            {
                throw new FormatException($"unexpected '{Peek.Text}'");
            }
        }

        private int _depth;

        public Expression ParseOr()
        {
            if (++_depth > MaxDepth)
            {
                throw new FormatException($"nested more than {MaxDepth} levels deep");
            }

            var result = ParseOrUnchecked();
            _depth--;
            return result;
        }

        private Expression ParseOrUnchecked()
        {
            var left = ParseAnd();
            while (IsName("or"))
            {
                _position++;
                left = new LogicalExpression("or", left, ParseAnd()) { Text = text };
            }

            return left;
        }

        private Expression ParseAnd()
        {
            var left = ParseNot();
            while (IsName("and"))
            {
                _position++;
                left = new LogicalExpression("and", left, ParseNot()) { Text = text };
            }

            return left;
        }

        private Expression ParseNot()
        {
            if (IsName("not"))
            {
                _position++;
                return new NotExpression(ParseNot()) { Text = text };
            }

            return ParseComparison();
        }

        private Expression ParseComparison()
        {
            var left = ParseFiltered();
            if (Peek.Kind == Kind.Symbol && Peek.Text is "==" or "!=" or "<" or "<=" or ">" or ">=")
            {
                var op = Next().Text;
                return new CompareExpression(op, left, ParseFiltered()) { Text = text };
            }

            if (IsName("in"))
            {
                _position++;
                return new CompareExpression("in", left, ParseFiltered()) { Text = text };
            }

            if (IsName("not") && tokens[_position + 1] is { Kind: Kind.Name, Text: "in" })
            {
                _position += 2;
                return new CompareExpression("not in", left, ParseFiltered()) { Text = text };
            }

            if (IsName("is"))
            {
                _position++;
                var negated = false;
                if (IsName("not"))
                {
                    _position++;
                    negated = true;
                }

                var test = Next();
                return test.Text switch
                {
                    "defined" => new DefinedExpression(left, negated) { Text = text },
                    "undefined" => new DefinedExpression(left, !negated) { Text = text },
                    "none" => negated
                        ? new CompareExpression("!=", left, new LiteralExpression(null) { Text = "none" }) { Text = text }
                        : new CompareExpression("==", left, new LiteralExpression(null) { Text = "none" }) { Text = text },
                    "changed" or "failed" or "succeeded" or "success" or "skipped" or "successful" or "failure" or "change" or "skip"
                        => new ResultTestExpression(left, test.Text, negated) { Text = text },
                    _ => throw new FormatException($"unknown test 'is {test.Text}' (known: defined, undefined, none, changed, failed, succeeded, skipped)"),
                };
            }

            return left;
        }

        private Expression ParseFiltered()
        {
            var input = ParsePostfix();
            while (IsSymbol("|"))
            {
                _position++;
                var name = Next();
                if (name.Kind != Kind.Name || !FilterExpression.Known.Contains(name.Text))
                {
                    throw new FormatException($"unknown filter '{name.Text}' (known: {string.Join(", ", FilterExpression.Known.Order(StringComparer.Ordinal))})");
                }

                var arguments = new List<Expression>();
                if (IsSymbol("("))
                {
                    _position++;
                    while (!IsSymbol(")"))
                    {
                        arguments.Add(ParseOr());
                        if (!IsSymbol(")"))
                        {
                            Expect(",");
                        }
                    }

                    _position++;
                }

                input = new FilterExpression(input, name.Text, arguments) { Text = text };
            }

            return input;
        }

        private Expression ParsePostfix()
        {
            var target = ParsePrimary();
            while (true)
            {
                if (IsSymbol("."))
                {
                    _position++;
                    var key = Next();
                    if (key.Kind is not (Kind.Name or Kind.Number))
                    {
                        throw new FormatException($"expected a name after '.' but found '{key.Text}'");
                    }

                    target = new MemberExpression(target, new LiteralExpression(key.Value ?? key.Text) { Text = key.Text }) { Text = text };
                }
                else if (IsSymbol("["))
                {
                    _position++;
                    var key = ParseOr();
                    Expect("]");
                    target = new MemberExpression(target, key) { Text = text };
                }
                else
                {
                    return target;
                }
            }
        }

        private Expression ParsePrimary()
        {
            var token = Next();
            switch (token.Kind)
            {
                case Kind.Number:
                case Kind.String:
                    return new LiteralExpression(token.Value) { Text = token.Text };
                case Kind.Name:
                    return token.Text switch
                    {
                        "true" or "True" => new LiteralExpression(true) { Text = token.Text },
                        "false" or "False" => new LiteralExpression(false) { Text = token.Text },
                        "none" or "None" or "null" => new LiteralExpression(null) { Text = token.Text },
                        _ => new VariableExpression(token.Text) { Text = token.Text },
                    };
                case Kind.Symbol when token.Text == "(":
                    var inner = ParseOr();
                    Expect(")");
                    return inner;
                case Kind.Symbol when token.Text == "[":
                    var items = new List<Expression>();
                    while (!IsSymbol("]"))
                    {
                        items.Add(ParseOr());
                        if (!IsSymbol("]"))
                        {
                            Expect(",");
                        }
                    }

                    _position++;
                    return new ListExpression(items) { Text = text };
                default:
                    throw new FormatException($"unexpected '{token.Text}'");
            }
        }
    }
}
