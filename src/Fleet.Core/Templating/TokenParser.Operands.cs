namespace Fleet.Core.Templating;

// Operands: literals, names, lists and dicts, then attribute, item, slice and call postfixes, filters and tests.
internal sealed partial class TokenParser
{
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
                    // Ansible 2.9 removed tests written as filters (`r | skipped`); 2.14 fails such a task when it runs.
                    throw new FormatException(!RefusedPlugins.Filters.ContainsKey(name) && Tests.Known(name)
                        ? $"unknown filter '{name}': {name} is a test, write 'is {name}' (Ansible 2.9 removed tests used as filters)"
                        : RefusedPlugins.Unknown("filter", name));
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
                    throw new FormatException(RefusedPlugins.Unknown("test", name));
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
