using System.Text;
using System.Text.RegularExpressions;

namespace Fleet.Core.Templating;

/// <summary>How a template's whitespace is handled; <see cref="Ansible"/> is what Ansible configures (and the <c>template</c> module's defaults).</summary>
/// <param name="TrimBlocks">The first newline after a block or comment tag is removed. Default true (Ansible).</param>
/// <param name="LstripBlocks">Spaces and tabs before a block tag at the start of a line are removed. Default false.</param>
/// <param name="KeepTrailingNewline">The template's final newline is kept. Default true (Ansible).</param>
public sealed record TemplateOptions(bool TrimBlocks = true, bool LstripBlocks = false, bool KeepTrailingNewline = true)
{
    /// <summary>Ansible's settings: trim_blocks, no lstrip_blocks, trailing newline kept.</summary>
    public static TemplateOptions Ansible { get; } = new();
}

/// <summary>
/// A parsed Jinja template: text, <c>{{ expression }}</c>, <c>{# comments #}</c> and the statements <c>if/elif/else</c>,
/// <c>for … in … [if …]</c> (with <c>loop.*</c> and <c>else</c>), <c>set</c> (also the block form), <c>macro</c>, <c>raw</c>,
/// <c>include</c>, <c>import</c>, <c>from … import</c>, <c>extends</c> and <c>block</c> (other templates found on a search path,
/// as Ansible's template module sets it), with whitespace control (<c>{%-</c>, <c>-%}</c>, <c>+%}</c>). Errors carry the template's file and line.
/// </summary>
public sealed partial class JinjaTemplate
{
    private readonly List<Node> _nodes;
    private readonly string _file;
    private readonly string _text;
    private readonly TemplateOptions _options;
    private readonly IReadOnlyList<string> _searchPath;

    private JinjaTemplate(List<Node> nodes, string file, string text, TemplateOptions options, IReadOnlyList<string> searchPath)
    {
        _nodes = nodes;
        _file = file;
        _text = text;
        _options = options;
        _searchPath = searchPath;
    }

    /// <summary>True when the whole template is one <c>{{ expression }}</c>: rendering it keeps the value's type.</summary>
    public Expression? SingleExpression => _nodes is [OutputNode only] ? only.Expression : null;

    /// <summary>Parses <paramref name="text"/>; a syntax error is a <see cref="FleetInputException"/> at <paramref name="file"/>:line.</summary>
    public static JinjaTemplate Parse(string text, string file, TemplateOptions options) => Parse(text, file, options, []);

    /// <summary>
    /// Parses <paramref name="text"/>; <c>include</c>, <c>import</c> and <c>extends</c> find other templates in the directories of
    /// <paramref name="searchPath"/>, in order (Jinja's FileSystemLoader).
    /// </summary>
    public static JinjaTemplate Parse(string text, string file, TemplateOptions options, IReadOnlyList<string> searchPath)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.KeepTrailingNewline && text.EndsWith('\n'))
        {
            text = text[..^(text.EndsWith("\r\n", StringComparison.Ordinal) ? 2 : 1)];
        }

        // Jinja joins the source's lines with \n before lexing: \r\n and \r never reach the output, and trim_blocks sees \n.
        text = Lexer.NormalizeNewlines(text);
        var pieces = Scan(text, file, options);
        var position = 0;
        var nodes = new Builder(pieces, text, file).Block(ref position, [], out _);
        return new JinjaTemplate(nodes, file, text, options, searchPath);
    }

    /// <summary>Renders to text; an undefined variable or a failed filter is a <see cref="FleetInputException"/> at the template's file:line.</summary>
    public string Render(IVariableLookup variables)
    {
        var output = new StringBuilder();
        RenderRoot(new Scope(variables), output);
        return output.ToString();
    }

    /// <summary>Renders, letting <see cref="UndefinedVariableException"/> through (for variables that refer to variables).</summary>
    internal string RenderUnchecked(IVariableLookup variables)
    {
        var output = new StringBuilder();
        _unchecked = true;
        try
        {
            RenderRoot(new Scope(variables), output);
        }
        finally
        {
            _unchecked = false;
        }

        return output.ToString();
    }

    [ThreadStatic]
    private static bool _unchecked;

    /// <summary>Root variables the template reads that it does not set itself (for validation).</summary>
    public IEnumerable<string> Variables
    {
        get
        {
            var bound = new HashSet<string>(StringComparer.Ordinal);
            var used = new List<string>();
            Collect(_nodes, bound, used);
            return used.Where(v => !bound.Contains(v)).Distinct();
        }
    }

    private static void Collect(List<Node> nodes, HashSet<string> bound, List<string> used)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case OutputNode o: used.AddRange(o.Expression.Variables); break;
                case IfNode i:
                    foreach (var (condition, body) in i.Branches)
                    {
                        used.AddRange(condition.Variables);
                        Collect(body, bound, used);
                    }

                    Collect(i.Else ?? [], bound, used);
                    break;
                case ForNode f:
                    used.AddRange(f.Items.Variables);
                    bound.UnionWith(f.Targets);
                    bound.Add("loop");
                    used.AddRange(f.Filter?.Variables ?? []);
                    Collect(f.Body, bound, used);
                    Collect(f.Else ?? [], bound, used);
                    break;
                case SetNode s:
                    used.AddRange(s.Value?.Variables ?? []);
                    bound.UnionWith(s.Targets);
                    Collect(s.Body ?? [], bound, used);
                    break;
                case MacroNode m:
                    bound.Add(m.Name);
                    bound.UnionWith(m.Parameters.Select(p => p.Name));
                    Collect(m.Body, bound, used);
                    break;
                case IncludeNode i:
                    used.AddRange(i.Name.Variables);
                    break;
                case ImportNode i:
                    used.AddRange(i.Name.Variables);
                    bound.UnionWith(i.Names.Select(n => n.Alias));
                    break;
                case ExtendsNode e:
                    used.AddRange(e.Name.Variables);
                    break;
                case BlockNode b:
                    Collect(b.Body, bound, used);
                    break;
            }
        }
    }

    private abstract record Node(int Offset);

    private sealed record TextNode(string Text) : Node(0);

    private sealed record OutputNode(Expression Expression, int At) : Node(At);

    private sealed record IfNode(List<(Expression Condition, List<Node> Body)> Branches, List<Node>? Else, int At) : Node(At);

    private sealed record ForNode(List<string> Targets, Expression Items, Expression? Filter, List<Node> Body, List<Node>? Else, int At) : Node(At);

    private sealed record SetNode(List<string> Targets, Expression? Value, List<Node>? Body, int At) : Node(At);

    private sealed record MacroNode(string Name, List<(string Name, Expression? Default)> Parameters, List<Node> Body, int At) : Node(At);

    private sealed record IncludeNode(Expression Name, bool IgnoreMissing, bool WithContext, int At) : Node(At);

    /// <summary><c>import … as alias</c> (one name, <see cref="Module"/> true) or <c>from … import a, b as c</c>.</summary>
    private sealed record ImportNode(Expression Name, List<(string Name, string Alias)> Names, bool Module, bool WithContext, int At) : Node(At);

    private sealed record ExtendsNode(Expression Name, int At) : Node(At);

    private sealed record BlockNode(string Name, List<Node> Body, int At) : Node(At);

    // A scanned piece: text, or a tag's tokens (Kind "{{" or "{%").
    private sealed record Piece(string Kind, string Text, List<Token> Tokens, int Offset);

    private static List<Piece> Scan(string text, string file, TemplateOptions options)
    {
        var pieces = new List<Piece>();
        var position = 0;
        var stripNext = false;
        var trimNewline = false;
        var lineStarting = true;
        while (true)
        {
            var open = NextTag(text, position);
            var data = text[position..(open < 0 ? text.Length : open)];
            if (stripNext)
            {
                data = data.TrimStart();
            }
            else if (trimNewline && data.StartsWith('\n'))
            {
                data = data[1..];
            }

            if (open < 0)
            {
                AddText(pieces, data, position);
                return pieces;
            }

            var kind = text.Substring(open, 2);
            var i = open + 2;
            var sign = i < text.Length && text[i] is '-' or '+' ? text[i] : '\0';
            if (sign == '-')
            {
                data = data.TrimEnd();
            }
            else if (sign != '+' && options.LstripBlocks && kind != "{{")
            {
                var lineStart = data.LastIndexOf('\n') + 1;
                if ((lineStart > 0 || lineStarting) && data[lineStart..].All(char.IsWhiteSpace))
                {
                    data = data[..lineStart];
                }
            }

            AddText(pieces, data, position);
            if (sign != '\0')
            {
                i++;
            }

            try
            {
                char close;
                int end;
                if (kind == "{#")
                {
                    var commentEnd = text.IndexOf("#}", i, StringComparison.Ordinal);
                    if (commentEnd < 0)
                    {
                        throw new FormatException("missing '#}'");
                    }

                    close = commentEnd > i && text[commentEnd - 1] is '-' or '+' ? text[commentEnd - 1] : '\0';
                    end = commentEnd + 2;
                }
                else
                {
                    var tokens = Lexer.Tokenize(text, i, kind == "{{" ? "}}" : "%}", out end, out close);
                    if (kind == "{%" && tokens is [{ Kind: TokenKind.Name, Text: "raw" }, { Kind: TokenKind.End }])
                    {
                        var endRaw = EndRaw().Match(text, end);
                        if (!endRaw.Success)
                        {
                            throw new FormatException("missing '{% endraw %}'");
                        }

                        var raw = text[end..endRaw.Index];
                        raw = close == '-' ? raw.TrimStart() : options.TrimBlocks && close != '+' && raw.StartsWith('\n') ? raw[1..] : raw;
                        raw = endRaw.Groups[1].Value == "-" ? raw.TrimEnd() : raw;
                        AddText(pieces, raw, end);
                        close = endRaw.Groups[2].Value is { Length: 1 } s ? s[0] : '\0';
                        end = endRaw.Index + endRaw.Length;
                    }
                    else
                    {
                        pieces.Add(new Piece(kind, "", tokens, open));
                    }
                }

                stripNext = close == '-';
                trimNewline = kind != "{{" && close != '+' && options.TrimBlocks;
                position = end;
                var after = text[end..];
                var consumed = stripNext ? after[..(after.Length - after.TrimStart().Length)] : trimNewline && after.StartsWith('\n') ? "\n" : "";
                lineStarting = consumed.EndsWith('\n');
            }
            catch (FormatException ex)
            {
                throw new FleetInputException(Location(text, file, open), $"template syntax error: {ex.Message}");
            }
        }
    }

    private static void AddText(List<Piece> pieces, string data, int offset)
    {
        if (data.Length > 0)
        {
            pieces.Add(new Piece("text", Lexer.NormalizeNewlines(data), [], offset));
        }
    }

    private static int NextTag(string text, int from)
    {
        var i = from;
        while ((i = text.IndexOf('{', i)) >= 0 && i + 1 < text.Length)
        {
            if (text[i + 1] is '{' or '%' or '#')
            {
                return i;
            }

            i++;
        }

        return -1;
    }

    [GeneratedRegex(@"\{%([-+]?)\s*endraw\s*([-+]?)%\}")]
    private static partial Regex EndRaw();

    private static SourceLocation Location(string text, string file, int offset)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return new SourceLocation(file, line, offset - lineStart + 1);
    }

    private sealed class Builder(List<Piece> pieces, string text, string file)
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

                var parser = new TokenParser(piece.Tokens, text);
                try
                {
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

        private Node Statement(string keyword, TokenParser parser, Piece piece, ref int position)
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

    /// <summary>Variables without the innermost <c>for</c>'s <c>loop</c> (an included template does not see it).</summary>
    private sealed class WithoutLoop(IVariableLookup inner) : IVariableLookup
    {
        public bool TryGet(string name, out object? value)
        {
            value = null;
            return name != "loop" && inner.TryGet(name, out value);
        }
    }

    private sealed class Scope(IVariableLookup parent, bool ownBlocks = false) : IVariableLookup
    {
        public Dictionary<string, object?> Locals { get; } = new(StringComparer.Ordinal);

        /// <summary>The most derived body of each block name (a child template's overrides its parent's); one set per template render.</summary>
        public Dictionary<string, (JinjaTemplate Template, BlockNode Node)> Blocks { get; } =
            parent is Scope outer && !ownBlocks ? outer.Blocks : new(StringComparer.Ordinal);

        public bool TryGet(string name, out object? value) => Locals.TryGetValue(name, out value) || parent.TryGet(name, out value);
    }

    /// <summary>Renders the whole template: a template that extends another registers its blocks and renders its parent.</summary>
    private void RenderRoot(Scope scope, StringBuilder output)
    {
        var extends = _nodes.FindIndex(n => n is ExtendsNode);
        if (extends < 0)
        {
            Render(_nodes, scope, output);
            return;
        }

        RegisterBlocks(_nodes, scope);

        // As Jinja: what comes before extends is output; after it only assignments, macros and imports take effect.
        Render(_nodes[..extends], scope, output);
        Render(_nodes[(extends + 1)..].Where(n => n is SetNode or MacroNode or ImportNode).ToList(), scope, new StringBuilder());
        var node = (ExtendsNode)_nodes[extends];
        JinjaTemplate parent;
        try
        {
            parent = Load(node.Name.Value(scope), ignoreMissing: false)!;
        }
        catch (FleetInputException ex) when (ex.Errors.All(e => e.Location is null))
        {
            throw new FleetInputException(Location(_text, _file, node.Offset), ex.Message);
        }

        parent.RenderRoot(scope, output);
    }

    private void RegisterBlocks(List<Node> nodes, Scope scope)
    {
        foreach (var node in nodes)
        {
            if (node is BlockNode block)
            {
                scope.Blocks.TryAdd(block.Name, (this, block));
                RegisterBlocks(block.Body, scope);
            }
        }
    }

    /// <summary>The template <paramref name="name"/> (or the first found of a list of names) on the search path; null when missing and allowed.</summary>
    private JinjaTemplate? Load(object? name, bool ignoreMissing)
    {
        var names = name is IReadOnlyList<object?> list ? list.Select(Values.ToText).ToList() : [Values.ToText(name)];
        foreach (var candidate in names)
        {
            foreach (var directory in _searchPath)
            {
                var path = Path.Combine(directory, candidate);
                if (!candidate.Split('/').Contains("..") && File.Exists(path))
                {
                    return Parse(File.ReadAllText(path), path, _options, _searchPath);
                }
            }
        }

        return ignoreMissing ? null : throw new FleetInputException($"template not found: {string.Join(", ", names)} (looked in {(_searchPath.Count == 0 ? "no directory" : string.Join(", ", _searchPath))})");
    }

    private void Render(List<Node> nodes, Scope scope, StringBuilder output)
    {
        foreach (var node in nodes)
        {
            try
            {
                RenderNode(node, scope, output);
            }
            catch (UndefinedVariableException ex) when (!_unchecked)
            {
                throw new FleetInputException(Location(_text, _file, node.Offset), ex.Message);
            }
            catch (FleetInputException ex) when (ex.Errors.Any(e => e.Location is null or { File: null }))
            {
                throw new FleetInputException(ex.Errors.Select(e => e.Location is null or { File: null } ? e with { Location = Location(_text, _file, node.Offset) } : e).ToList());
            }
        }
    }

    private void RenderNode(Node node, Scope scope, StringBuilder output)
    {
        switch (node)
        {
            case TextNode t:
                output.Append(t.Text);
                break;
            case OutputNode o:
                output.Append(Print(o.Expression.Value(scope)));
                break;
            case IfNode i:
                foreach (var (condition, body) in i.Branches)
                {
                    if (condition.Evaluate(scope))
                    {
                        Render(body, scope, output);
                        return;
                    }
                }

                Render(i.Else ?? [], scope, output);
                break;
            case ForNode f:
                RenderFor(f, scope, output);
                break;
            case SetNode s:
                var value = s.Value is not null ? s.Value.Value(scope) : RenderBlock(s.Body!, scope);
                Assign(scope, s.Targets, value);
                break;
            case MacroNode m:
                scope.Locals[m.Name] = new Macro(this, m, scope);
                break;
            case IncludeNode i:
                // As Jinja: the included template sees the variables where it is included, loop variables too, but not `loop`.
                Load(i.Name.Value(scope), i.IgnoreMissing)?.RenderRoot(new Scope(i.WithContext ? new WithoutLoop(scope) : VariableScope.Of(), ownBlocks: true), output);
                break;
            case ImportNode i:
                Import(i, scope);
                break;
            case BlockNode b:
                var (template, block) = scope.Blocks.TryGetValue(b.Name, out var derived) ? derived : (this, b);
                template.Render(block.Body, scope, output);
                break;
        }
    }

    /// <summary>Renders the imported template for its top-level names (macros and sets), as Jinja's template module.</summary>
    private void Import(ImportNode node, Scope scope)
    {
        var imported = Load(node.Name.Value(scope), ignoreMissing: false)!;
        var module = new Scope(node.WithContext ? scope : VariableScope.Of(), ownBlocks: true);
        imported.RenderRoot(module, new StringBuilder());
        var exported = module.Locals.Where(kv => !kv.Key.StartsWith('_')).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        foreach (var (name, alias) in node.Names)
        {
            // As Jinja: a name the template does not export stays undefined (an error only where it is used).
            if (node.Module || exported.ContainsKey(name))
            {
                scope.Locals[alias] = node.Module ? exported : exported[name];
            }
        }
    }

    private string RenderBlock(List<Node> body, Scope scope)
    {
        var output = new StringBuilder();
        Render(body, scope, output);
        return output.ToString();
    }

    /// <summary>Text of a printed value: Python's <c>str()</c>, none as empty text (Ansible's finalize).</summary>
    internal static string Print(object? value) => value is null ? "" : Values.ToPython(value);

    private static void Assign(Scope scope, List<string> targets, object? value)
    {
        if (targets.Count == 1)
        {
            scope.Locals[targets[0]] = value;
            return;
        }

        var items = Values.Iterate(value);
        if (items.Count != targets.Count)
        {
            throw new FleetInputException($"cannot unpack {items.Count} values into {targets.Count} names");
        }

        for (var i = 0; i < targets.Count; i++)
        {
            scope.Locals[targets[i]] = items[i];
        }
    }

    private void RenderFor(ForNode f, Scope scope, StringBuilder output)
    {
        var items = Values.Iterate(f.Items.Value(scope)).ToList();
        if (f.Filter is not null)
        {
            items = items.Where(item =>
            {
                var test = new Scope(scope);
                Assign(test, f.Targets, item);
                return f.Filter.Evaluate(test);
            }).ToList();
        }

        if (items.Count == 0)
        {
            Render(f.Else ?? [], scope, output);
            return;
        }

        for (var i = 0; i < items.Count; i++)
        {
            var iteration = new Scope(scope);
            Assign(iteration, f.Targets, items[i]);
            iteration.Locals["loop"] = new LoopContext(items, i);
            Render(f.Body, iteration, output);
        }
    }

    private sealed class Macro(JinjaTemplate template, MacroNode node, Scope closure) : ICallable
    {
        public object? Call(IReadOnlyList<object?> arguments, IReadOnlyDictionary<string, object?> keywords)
        {
            if (arguments.Count > node.Parameters.Count)
            {
                throw new FleetInputException($"macro '{node.Name}' takes at most {node.Parameters.Count} arguments ({arguments.Count} given)");
            }

            var scope = new Scope(closure);
            for (var i = 0; i < node.Parameters.Count; i++)
            {
                var (name, fallback) = node.Parameters[i];
                if (i < arguments.Count)
                {
                    scope.Locals[name] = arguments[i];
                }
                else if (keywords.TryGetValue(name, out var given))
                {
                    scope.Locals[name] = given;
                }
                else if (fallback is not null)
                {
                    scope.Locals[name] = fallback.Value(scope);
                }
            }

            var unknown = keywords.Keys.Except(node.Parameters.Select(p => p.Name)).FirstOrDefault();
            return unknown is not null
                ? throw new FleetInputException($"macro '{node.Name}' takes no keyword argument '{unknown}'")
                : template.RenderBlock(node.Body, scope);
        }
    }
}

/// <summary>The <c>loop</c> variable of a <c>for</c>: index, index0, revindex, revindex0, first, last, length, previtem, nextitem, cycle().</summary>
internal sealed class LoopContext(IReadOnlyList<object?> items, int index) : IReadOnlyDictionary<string, object?>
{
    private Dictionary<string, object?> Fields
    {
        get
        {
            var fields = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["index"] = (long)index + 1, ["index0"] = (long)index, ["revindex"] = (long)(items.Count - index),
                ["revindex0"] = (long)(items.Count - index - 1), ["first"] = index == 0, ["last"] = index == items.Count - 1,
                ["length"] = (long)items.Count, ["depth"] = 1L, ["depth0"] = 0L,
            };
            if (index > 0)
            {
                fields["previtem"] = items[index - 1];
            }

            if (index < items.Count - 1)
            {
                fields["nextitem"] = items[index + 1];
            }

            return fields;
        }
    }

    public object? Cycle(IReadOnlyList<object?> values) =>
        values.Count == 0 ? throw new FleetInputException("no items for cycling given") : values[index % values.Count];

    public object? this[string key] => Fields[key];

    public IEnumerable<string> Keys => Fields.Keys;

    public IEnumerable<object?> Values => Fields.Values;

    public int Count => Fields.Count;

    public bool ContainsKey(string key) => Fields.ContainsKey(key);

    public bool TryGetValue(string key, out object? value) => Fields.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => Fields.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
