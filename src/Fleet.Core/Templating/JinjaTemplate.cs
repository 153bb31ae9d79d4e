using System.Text;

namespace Fleet.Core.Templating;

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
        var nodes = new StatementParser(pieces, text, file).Block(ref position, [], out _);
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
}
