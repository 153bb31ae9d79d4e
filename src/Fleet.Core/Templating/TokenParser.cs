namespace Fleet.Core.Templating;

/// <summary>Recursive descent over tokens, following Jinja's parser (<c>parse_condexpr</c> … <c>parse_unary</c>, filters and tests bind tightest).</summary>
internal sealed class TokenParser(List<Token> tokens, string source)
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

    private Expression ParsePrimary()
    {
        var start = _position;
        var token = Next();
        switch (token.Kind)
        {
            case TokenKind.Integer:
            case TokenKind.Float:
                return new LiteralExpression(token.Value) { Text = token.Text };
            case TokenKind.String:
                var text = (string)token.Value!;
                while (Peek.Kind == TokenKind.String)
                {
                    text += (string)Next().Value!;
                }

                return At(start, new LiteralExpression(text) { Text = "" });
            case TokenKind.Name:
                return token.Text switch
                {
                    "true" or "True" => new LiteralExpression(true) { Text = token.Text },
                    "false" or "False" => new LiteralExpression(false) { Text = token.Text },
                    "none" or "None" => new LiteralExpression(null) { Text = token.Text },
                    _ => new VariableExpression(token.Text) { Text = token.Text },
                };
            case TokenKind.Operator when token.Text == "(":
                if (SkipSymbol(")"))
                {
                    return At(start, new ListExpression([]) { Text = "" });
                }

                var inner = ParseExpression();
                if (IsSymbol(","))
                {
                    var tuple = new List<Expression> { inner };
                    while (SkipSymbol(",") && !IsSymbol(")"))
                    {
                        tuple.Add(ParseExpression());
                    }

                    Expect(")");
                    return At(start, new ListExpression(tuple, Tuple: true) { Text = "" });
                }

                Expect(")");
                return inner;
            case TokenKind.Operator when token.Text == "[":
                var items = new List<Expression>();
                while (!SkipSymbol("]"))
                {
                    if (items.Count > 0)
                    {
                        Expect(",");
                        if (SkipSymbol("]"))
                        {
                            break;
                        }
                    }

                    items.Add(ParseExpression());
                }

                return At(start, new ListExpression(items) { Text = "" });
            case TokenKind.Operator when token.Text == "{":
                var entries = new List<(Expression, Expression)>();
                while (!SkipSymbol("}"))
                {
                    if (entries.Count > 0)
                    {
                        Expect(",");
                        if (SkipSymbol("}"))
                        {
                            break;
                        }
                    }

                    var key = ParseExpression();
                    Expect(":");
                    entries.Add((key, ParseExpression()));
                }

                return At(start, new DictExpression(entries) { Text = "" });
            default:
                throw new FormatException($"unexpected {Describe(token)}");
        }
    }

    private Expression ParsePostfix(int start, Expression node)
    {
        while (true)
        {
            if (SkipSymbol("."))
            {
                var key = Next();
                node = key.Kind switch
                {
                    TokenKind.Name => At(start, new MemberExpression(node, new LiteralExpression(key.Text) { Text = key.Text }) { Text = "" }),
                    TokenKind.Integer => At(start, new MemberExpression(node, new LiteralExpression(key.Value) { Text = key.Text }) { Text = "" }),
                    _ => throw new FormatException($"expected a name after '.' but found {Describe(key)}"),
                };
            }
            else if (SkipSymbol("["))
            {
                Expression? first = IsSymbol(":") ? null : ParseExpression();
                if (SkipSymbol(":"))
                {
                    var stop = IsSymbol("]") || IsSymbol(":") ? null : ParseExpression();
                    var step = SkipSymbol(":") && !IsSymbol("]") ? ParseExpression() : null;
                    Expect("]");
                    node = At(start, new SliceExpression(node, first, stop, step) { Text = "" });
                }
                else
                {
                    Expect("]");
                    node = At(start, new MemberExpression(node, first!) { Text = "" });
                }
            }
            else if (IsSymbol("("))
            {
                var (arguments, keywords) = ParseArguments();
                node = At(start, new CallExpression(node, arguments, keywords) { Text = "" });
            }
            else
            {
                return node;
            }
        }
    }

    private (List<Expression>, List<(string, Expression)>) ParseArguments()
    {
        Expect("(");
        var arguments = new List<Expression>();
        var keywords = new List<(string, Expression)>();
        while (!SkipSymbol(")"))
        {
            if (arguments.Count + keywords.Count > 0)
            {
                Expect(",");
                if (SkipSymbol(")"))
                {
                    break;
                }
            }

            if (Peek.Kind == TokenKind.Name && PeekAt(1) is { Kind: TokenKind.Operator, Text: "=" })
            {
                var name = Next().Text;
                _position++;
                keywords.Add((name, ParseExpression()));
            }
            else
            {
                arguments.Add(ParseExpression());
            }
        }

        return (arguments, keywords);
    }

    private Expression ParseFilters(int start, Expression node)
    {
        while (true)
        {
            if (SkipSymbol("|"))
            {
                var name = ExpectName();
                while (SkipSymbol("."))
                {
                    name = ExpectName(); // ansible.builtin.x → x
                }

                if (!Filters.Known(name))
                {
                    throw new FormatException($"unknown filter '{name}'");
                }

                var (arguments, keywords) = IsSymbol("(") ? ParseArguments() : ([], []);
                node = At(start, new FilterExpression(node, name, arguments, keywords) { Text = "" });
            }
            else if (SkipName("is"))
            {
                var negated = SkipName("not");
                var name = ExpectName();
                while (SkipSymbol("."))
                {
                    name = ExpectName();
                }

                if (!Tests.Known(name))
                {
                    throw new FormatException($"unknown test '{name}'");
                }

                if (name is "defined" or "undefined")
                {
                    node = At(start, new DefinedExpression(node, negated != (name == "undefined")) { Text = "" });
                    continue;
                }

                List<Expression> arguments = [];
                List<(string, Expression)> keywords = [];
                if (IsSymbol("("))
                {
                    (arguments, keywords) = ParseArguments();
                }
                else if (Peek.Kind is TokenKind.Name or TokenKind.String or TokenKind.Integer or TokenKind.Float || IsSymbol("[") || IsSymbol("{"))
                {
                    if (!(Peek.Kind == TokenKind.Name && Peek.Text is "else" or "or" or "and" or "if" or "is" or "in" or "not"))
                    {
                        arguments = [ParsePostfix(_position, ParsePrimary())];
                    }
                }

                node = At(start, new TestExpression(node, name, arguments, keywords, negated) { Text = "" });
            }
            else if (IsSymbol("("))
            {
                var (arguments, keywords) = ParseArguments();
                node = At(start, new CallExpression(node, arguments, keywords) { Text = "" });
            }
            else
            {
                return node;
            }
        }
    }
}
