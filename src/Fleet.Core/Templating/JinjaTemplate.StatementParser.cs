namespace Fleet.Core.Templating;

// Statement parsing: the scanned pieces built into a node tree (if, for, set, macro, include, import, from, extends, block).
public sealed partial class JinjaTemplate
{
    private sealed class StatementParser(List<Piece> pieces, string text, string file)
    {
        public List<Node> Block(ref int position, string[] ends, out (string Keyword, TokenParser Parser, Piece Piece)? stop)
        {
            var nodes = new List<Node>();
            while (position < pieces.Count)
            {
                var piece = pieces[position++];
                if (piece.Kind == "text")
                {
                    nodes.Add(new TextNode(piece.Text));
                    continue;
                }

                try
                {
                    // Inside the try: a tag past the token limit is a located syntax error.
                    var parser = new TokenParser(piece.Tokens, text);
                    if (piece.Kind == "{{")
                    {
                        var expression = parser.ParseExpression();
                        parser.ExpectEnd();
                        nodes.Add(new OutputNode(expression, piece.Offset));
                        continue;
                    }

                    var keyword = parser.ExpectName();
                    if (ends.Contains(keyword))
                    {
                        stop = (keyword, parser, piece);
                        return nodes;
                    }

                    nodes.Add(Statement(keyword, parser, piece, ref position));
                }
                catch (FormatException ex)
                {
                    throw new FleetInputException(Location(text, file, piece.Offset), $"template syntax error: {ex.Message}");
                }
            }

            if (ends.Length > 0)
            {
                throw new FleetInputException(Location(text, file, text.Length), $"template syntax error: missing '{{% {ends[^1]} %}}'");
            }

            stop = null;
            return nodes;
        }

        // Statements nest by recursion here: a limit keeps 10,000 nested ifs a located error, not a stack overflow.
        private const int MaxNesting = 100;

        private int _nesting;

        private Node Statement(string keyword, TokenParser parser, Piece piece, ref int position)
        {
            if (_nesting >= MaxNesting)
            {
                throw new FormatException($"statements nested more than {MaxNesting} levels deep");
            }

            _nesting++;
            try
            {
                return NestedStatement(keyword, parser, piece, ref position);
            }
            finally
            {
                _nesting--;
            }
        }

        private Node NestedStatement(string keyword, TokenParser parser, Piece piece, ref int position)
        {
            switch (keyword)
            {
                case "if":
                {
                    var branches = new List<(Expression, List<Node>)>();
                    var condition = parser.ParseExpression();
                    parser.ExpectEnd();
                    while (true)
                    {
                        var body = Block(ref position, ["elif", "else", "endif"], out var stop);
                        branches.Add((condition, body));
                        var (end, endParser, _) = stop!.Value;
                        if (end == "elif")
                        {
                            condition = endParser.ParseExpression();
                            endParser.ExpectEnd();
                            continue;
                        }

                        List<Node>? otherwise = null;
                        if (end == "else")
                        {
                            endParser.ExpectEnd();
                            otherwise = Block(ref position, ["endif"], out var endIf);
                            endIf!.Value.Parser.ExpectEnd();
                        }
                        else
                        {
                            endParser.ExpectEnd();
                        }

                        return new IfNode(branches, otherwise, piece.Offset);
                    }
                }

                case "for":
                {
                    var targets = new List<string> { parser.ExpectName() };
                    while (parser.SkipSymbol(","))
                    {
                        targets.Add(parser.ExpectName());
                    }

                    if (!parser.SkipName("in"))
                    {
                        throw new FormatException("expected 'in' in the for loop");
                    }

                    var items = parser.ParseExpression(withCondition: false);
                    var filter = parser.SkipName("if") ? parser.ParseExpression(withCondition: false) : null;
                    if (parser.IsName("recursive"))
                    {
                        throw new FormatException("recursive loops are not supported");
                    }

                    parser.ExpectEnd();
                    var body = Block(ref position, ["else", "endfor"], out var stop);
                    List<Node>? otherwise = null;
                    if (stop!.Value.Keyword == "else")
                    {
                        otherwise = Block(ref position, ["endfor"], out _);
                    }

                    return new ForNode(targets, items, filter, body, otherwise, piece.Offset);
                }

                case "set":
                {
                    var targets = new List<string> { parser.ExpectName() };
                    while (parser.SkipSymbol(","))
                    {
                        targets.Add(parser.ExpectName());
                    }

                    if (parser.IsSymbol("."))
                    {
                        throw new FormatException("assigning to an attribute (namespace) is not supported");
                    }

                    if (parser.AtEnd)
                    {
                        var body = Block(ref position, ["endset"], out _);
                        return new SetNode(targets, null, body, piece.Offset);
                    }

                    parser.Expect("=");
                    var value = parser.ParseExpression();
                    parser.ExpectEnd();
                    return new SetNode(targets, value, null, piece.Offset);
                }

                case "macro":
                {
                    var name = parser.ExpectName();
                    parser.Expect("(");
                    var parameters = new List<(string, Expression?)>();
                    while (!parser.SkipSymbol(")"))
                    {
                        if (parameters.Count > 0)
                        {
                            parser.Expect(",");
                        }

                        var parameter = parser.ExpectName();
                        parameters.Add((parameter, parser.SkipSymbol("=") ? parser.ParseExpression() : null));
                    }

                    parser.ExpectEnd();
                    var body = Block(ref position, ["endmacro"], out _);
                    return new MacroNode(name, parameters, body, piece.Offset);
                }

                case "include":
                {
                    var name = parser.ParseExpression(withCondition: false);
                    var ignoreMissing = false;
                    if (parser.SkipName("ignore"))
                    {
                        if (!parser.SkipName("missing"))
                        {
                            throw new FormatException("expected 'missing' after 'ignore'");
                        }

                        ignoreMissing = true;
                    }

                    var withContext = Context(parser, true);
                    parser.ExpectEnd();
                    return new IncludeNode(name, ignoreMissing, withContext, piece.Offset);
                }

                case "import":
                {
                    var name = parser.ParseExpression(withCondition: false);
                    if (!parser.SkipName("as"))
                    {
                        throw new FormatException("expected 'as' in the import");
                    }

                    var alias = parser.ExpectName();
                    var withContext = Context(parser, false);
                    parser.ExpectEnd();
                    return new ImportNode(name, [("", alias)], Module: true, withContext, piece.Offset);
                }

                case "from":
                {
                    var name = parser.ParseExpression(withCondition: false);
                    if (!parser.SkipName("import"))
                    {
                        throw new FormatException("expected 'import' in the from statement");
                    }

                    var names = new List<(string, string)>();
                    do
                    {
                        if (parser.IsName("with") || parser.IsName("without"))
                        {
                            break;
                        }

                        var imported = parser.ExpectName();
                        names.Add((imported, parser.SkipName("as") ? parser.ExpectName() : imported));
                    }
                    while (parser.SkipSymbol(","));

                    var withContext = Context(parser, false);
                    parser.ExpectEnd();
                    return new ImportNode(name, names, Module: false, withContext, piece.Offset);
                }

                case "extends":
                {
                    var name = parser.ParseExpression(withCondition: false);
                    parser.ExpectEnd();
                    return new ExtendsNode(name, piece.Offset);
                }

                case "block":
                {
                    var name = parser.ExpectName();
                    if (!parser.AtEnd)
                    {
                        throw new FormatException("scoped and required blocks are not supported");
                    }

                    var body = Block(ref position, ["endblock"], out var stop);
                    if (!stop!.Value.Parser.AtEnd && stop.Value.Parser.ExpectName() != name)
                    {
                        throw new FormatException($"mismatched endblock (expected '{name}')");
                    }

                    stop.Value.Parser.ExpectEnd();
                    return new BlockNode(name, body, piece.Offset);
                }

                default:
                    throw new FormatException(keyword is "elif" or "else" or "endif" or "endfor" or "endset" or "endmacro" or "endblock"
                        ? $"unexpected '{keyword}'"
                        : $"the statement '{keyword}' is not supported (supported: if, for, set, macro, raw, include, import, from, extends, block)");
            }
        }
    }

    /// <summary>The optional <c>with context</c> / <c>without context</c> of include and import.</summary>
    private static bool Context(TokenParser parser, bool fallback)
    {
        var with = parser.IsName("with");
        if (!parser.SkipName("with") && !parser.SkipName("without"))
        {
            return fallback;
        }

        return parser.SkipName("context") ? with : throw new FormatException("expected 'context'");
    }
}
