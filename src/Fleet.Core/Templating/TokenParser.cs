namespace Fleet.Core.Templating;

/// <summary>Recursive descent over tokens, following Jinja's parser (<c>parse_condexpr</c> … <c>parse_unary</c>, filters and tests bind tightest).</summary>
internal sealed partial class TokenParser(List<Token> tokens, string source)
{
    private const int MaxTokens = 5_000;

    private const int MaxDepth = 100;

    private int _position;

    private int _depth;

    private readonly bool _tooLong = tokens.Count > MaxTokens ? throw new FormatException($"more than {MaxTokens} tokens") : false;

    public Token Peek => tokens[Math.Min(_position, tokens.Count - 1)];

    public Token PeekAt(int ahead) => tokens[Math.Min(_position + ahead, tokens.Count - 1)];

    public Token Next() => tokens[Math.Min(_position++, tokens.Count - 1)];

    public bool AtEnd => Peek.Kind == TokenKind.End;

    public bool IsName(string name) => Peek is { Kind: TokenKind.Name } t && t.Text == name;

    public bool IsSymbol(string symbol) => Peek is { Kind: TokenKind.Operator } t && t.Text == symbol;

    public bool SkipName(string name)
    {
        if (!IsName(name))
        {
            return false;
        }

        _position++;
        return true;
    }

    public bool SkipSymbol(string symbol)
    {
        if (!IsSymbol(symbol))
        {
            return false;
        }

        _position++;
        return true;
    }

    public void Expect(string symbol)
    {
        if (!SkipSymbol(symbol))
        {
            throw new FormatException($"expected '{symbol}' but found {Describe(Peek)}");
        }
    }

    public string ExpectName()
    {
        var token = Next();
        return token.Kind == TokenKind.Name ? token.Text : throw new FormatException($"expected a name but found {Describe(token)}");
    }

    public void ExpectEnd()
    {
        if (!AtEnd)
        {
            throw new FormatException($"unexpected {Describe(Peek)}");
        }
    }

    private static string Describe(Token token) => token.Kind == TokenKind.End ? "the end" : $"'{token.Text}'";

    private string TextFrom(int startToken) =>
        source.Length == 0 ? "" : source[tokens[startToken].Offset..tokens[Math.Min(_position, tokens.Count - 1)].Offset].Trim();

    private T At<T>(int start, T expression) where T : Expression => expression with { Text = TextFrom(start) };

    /// <summary>An expression; <paramref name="withCondition"/> false leaves <c>if</c> to the caller (<c>for x in xs if c</c>).</summary>
    public Expression ParseExpression(bool withCondition = true)
    {
        if (++_depth > MaxDepth)
        {
            throw new FormatException($"nested more than {MaxDepth} levels deep");
        }

        var result = withCondition ? ParseConditional() : ParseOr();
        _depth--;
        return result;
    }

    private Expression ParseConditional()
    {
        var start = _position;
        var expression = ParseOr();
        while (SkipName("if"))
        {
            var condition = ParseOr();
            var otherwise = SkipName("else") ? ParseConditional() : null;
            expression = At(start, new ConditionalExpression(expression, condition, otherwise) { Text = "" });
        }

        return expression;
    }

    private Expression ParseOr()
    {
        var start = _position;
        var left = ParseAnd();
        while (SkipName("or"))
        {
            left = At(start, new LogicalExpression("or", left, ParseAnd()) { Text = "" });
        }

        return left;
    }

    private Expression ParseAnd()
    {
        var start = _position;
        var left = ParseNot();
        while (SkipName("and"))
        {
            left = At(start, new LogicalExpression("and", left, ParseNot()) { Text = "" });
        }

        return left;
    }

    private Expression ParseNot()
    {
        var start = _position;
        return SkipName("not") ? At(start, new NotExpression(ParseNot()) { Text = "" }) : ParseCompare();
    }

    private Expression ParseCompare()
    {
        var start = _position;
        var left = ParseMath1();
        Expression? chain = null;
        while (true)
        {
            string op;
            if (Peek.Kind == TokenKind.Operator && Peek.Text is "==" or "!=" or "<" or "<=" or ">" or ">=")
            {
                op = Next().Text;
            }
            else if (IsName("in"))
            {
                _position++;
                op = "in";
            }
            else if (IsName("not") && PeekAt(1) is { Kind: TokenKind.Name, Text: "in" })
            {
                _position += 2;
                op = "not in";
            }
            else
            {
                return chain ?? left;
            }

            var right = ParseMath1();
            var compare = At(start, new CompareExpression(op, left, right) { Text = "" });
            chain = chain is null ? compare : At(start, new LogicalExpression("and", chain, compare) { Text = "" });
            left = right;
        }
    }

    private Expression ParseMath1()
    {
        var start = _position;
        var left = ParseConcat();
        while (Peek.Kind == TokenKind.Operator && Peek.Text is "+" or "-")
        {
            var op = Next().Text;
            left = At(start, new BinaryExpression(op, left, ParseConcat()) { Text = "" });
        }

        return left;
    }

    private Expression ParseConcat()
    {
        var start = _position;
        var parts = new List<Expression> { ParseMath2() };
        while (SkipSymbol("~"))
        {
            parts.Add(ParseMath2());
        }

        return parts.Count == 1 ? parts[0] : At(start, new ConcatExpression(parts) { Text = "" });
    }

    private Expression ParseMath2()
    {
        var start = _position;
        var left = ParsePow();
        while (Peek.Kind == TokenKind.Operator && Peek.Text is "*" or "/" or "//" or "%")
        {
            var op = Next().Text;
            left = At(start, new BinaryExpression(op, left, ParsePow()) { Text = "" });
        }

        return left;
    }

    private Expression ParsePow()
    {
        var start = _position;
        var left = ParseUnary();
        while (SkipSymbol("**"))
        {
            left = At(start, new BinaryExpression("**", left, ParseUnary()) { Text = "" });
        }

        return left;
    }

    private Expression ParseUnary(bool withFilter = true)
    {
        var start = _position;
        Expression node;
        if (Peek.Kind == TokenKind.Operator && Peek.Text is "-" or "+")
        {
            var op = Next().Text;
            node = At(start, new UnaryExpression(op, ParseUnary(false)) { Text = "" });
        }
        else
        {
            node = ParsePrimary();
        }

        node = ParsePostfix(start, node);
        return withFilter ? ParseFilters(start, node) : node;
    }
}
