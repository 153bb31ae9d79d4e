namespace Fleet.Core.Templating;

/// <summary>A root variable a template file reads, where, and whether a statement around it may skip it (an if, a for, a macro body).</summary>
public readonly record struct TemplateVariableUse(string Name, SourceLocation Location, bool Guarded);

/// <summary>
/// A template another one includes, imports or extends by a literal name, where, whether a statement around it may skip it, and
/// whether it is imported (its top level then does not see the importing template's variables, as in Jinja).
/// </summary>
public readonly record struct TemplateReference(string Name, SourceLocation Location, bool Guarded, bool Imported = false);

/// <summary>A file a template reads by a literal path through <c>lookup('file'|'template', …)</c> (or <c>query</c>/<c>q</c>), where, and whether a statement may skip it.</summary>
public readonly record struct TemplateFileLookup(string Kind, string Path, SourceLocation Location, bool Guarded);

// What validation reads from a template file without rendering it: the variables it needs, the templates it names, the files it looks up.
public sealed partial class JinjaTemplate
{
    // A lookup of a controller file by literal path, as written in an expression's text: lookup('file', 'motd.txt').
    [System.Text.RegularExpressions.GeneratedRegex("""\b(?:lookup|query|q)\(\s*(['"])(?<kind>file|template)\1\s*,\s*(['"])(?<path>[^'"{}\\]+)\2\s*[,)]""")]
    private static partial System.Text.RegularExpressions.Regex LiteralLookup();

    /// <summary>Root variables the template sets or binds itself (set, for, macro, import): an included template sees them.</summary>
    public IReadOnlySet<string> BoundNames
    {
        get
        {
            var bound = new HashSet<string>(StringComparer.Ordinal);
            Uses(_nodes, bound, new HashSet<string>(StringComparer.Ordinal), guarded: false, []);
            return bound;
        }
    }

    /// <summary>The controller files the template looks up by a literal path (a path with a variable is only known when it renders).</summary>
    public IEnumerable<TemplateFileLookup> FileLookups
    {
        get
        {
            var found = new List<TemplateFileLookup>();
            Expressions(_nodes, guarded: false, (expression, offset, guarded) =>
            {
                foreach (System.Text.RegularExpressions.Match match in LiteralLookup().Matches(expression.Text))
                {
                    found.Add(new TemplateFileLookup(match.Groups["kind"].Value, match.Groups["path"].Value, Location(_text, _file, offset), guarded));
                }
            });
            return found;
        }
    }

    // Every expression of the nodes with the offset of its tag, and whether a statement around it may skip it.
    private static void Expressions(List<Node> nodes, bool guarded, Action<Expression, int, bool> visit)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case OutputNode o:
                    visit(o.Expression, o.Offset, guarded);
                    break;
                case IfNode i:
                    foreach (var (condition, body) in i.Branches)
                    {
                        visit(condition, i.Offset, guarded);
                        Expressions(body, guarded: true, visit);
                    }

                    Expressions(i.Else ?? [], guarded: true, visit);
                    break;
                case ForNode f:
                    visit(f.Items, f.Offset, guarded);
                    Expressions(f.Body, guarded: true, visit);
                    Expressions(f.Else ?? [], guarded: true, visit);
                    break;
                case SetNode s:
                    if (s.Value is { } value)
                    {
                        visit(value, s.Offset, guarded);
                    }

                    Expressions(s.Body ?? [], guarded, visit);
                    break;
                case MacroNode m:
                    Expressions(m.Body, guarded: true, visit);
                    break;
                case BlockNode b:
                    Expressions(b.Body, guarded, visit);
                    break;
            }
        }
    }

    /// <summary>Where include, import and extends look for other templates.</summary>
    public IReadOnlyList<string> SearchPath => _searchPath;

    /// <summary>
    /// Every use of a root variable the template does not set itself; a use inside an if whose condition proves the name defined
    /// (<c>{% if x is defined %}</c>) is left out.
    /// </summary>
    public IEnumerable<TemplateVariableUse> VariableUses
    {
        get
        {
            var bound = new HashSet<string>(StringComparer.Ordinal);
            var uses = new List<TemplateVariableUse>();
            Uses(_nodes, bound, new HashSet<string>(StringComparer.Ordinal), guarded: false, uses);
            return uses.Where(u => !bound.Contains(u.Name)).DistinctBy(u => u.Name);
        }
    }

    /// <summary>The templates named by a literal string in include, import, from … import and extends.</summary>
    public IEnumerable<TemplateReference> References
    {
        get
        {
            var found = new List<TemplateReference>();
            CollectReferences(_nodes, guarded: false, found);
            return found;
        }
    }

    private void Uses(List<Node> nodes, HashSet<string> bound, IReadOnlySet<string> proven, bool guarded, List<TemplateVariableUse> uses)
    {
        void Add(Expression expression, int offset, bool inner) =>
            uses.AddRange(expression.Variables.Where(v => !proven.Contains(v)).Select(v => new TemplateVariableUse(v, Location(_text, _file, offset), inner)));

        foreach (var node in nodes)
        {
            switch (node)
            {
                case OutputNode o:
                    Add(o.Expression, o.Offset, guarded);
                    break;
                case IfNode i:
                    var excluded = new HashSet<string>(proven, StringComparer.Ordinal);
                    foreach (var (condition, body) in i.Branches)
                    {
                        Add(condition, i.Offset, guarded);
                        Uses(body, bound, new HashSet<string>(excluded.Concat(condition.DefinedWhenTrue), StringComparer.Ordinal), guarded: true, uses);
                        excluded.UnionWith(condition.DefinedWhenFalse);
                    }

                    Uses(i.Else ?? [], bound, excluded, guarded: true, uses);
                    break;
                case ForNode f:
                    Add(f.Items, f.Offset, guarded);
                    bound.UnionWith(f.Targets);
                    bound.Add("loop");
                    if (f.Filter is { } filter)
                    {
                        Add(filter, f.Offset, inner: true);
                    }

                    Uses(f.Body, bound, proven, guarded: true, uses);
                    Uses(f.Else ?? [], bound, proven, guarded: true, uses);
                    break;
                case SetNode s:
                    if (s.Value is { } value)
                    {
                        Add(value, s.Offset, guarded);
                    }

                    bound.UnionWith(s.Targets);
                    Uses(s.Body ?? [], bound, proven, guarded, uses);
                    break;
                case MacroNode m:
                    bound.Add(m.Name);
                    bound.UnionWith(m.Parameters.Select(p => p.Name));
                    bound.UnionWith(["varargs", "kwargs", "caller"]);
                    Uses(m.Body, bound, proven, guarded: true, uses);
                    break;
                case IncludeNode i:
                    Add(i.Name, i.Offset, guarded);
                    break;
                case ImportNode i:
                    Add(i.Name, i.Offset, guarded);
                    bound.UnionWith(i.Names.Select(n => n.Alias));
                    break;
                case ExtendsNode e:
                    Add(e.Name, e.Offset, guarded);
                    break;
                case BlockNode b:
                    Uses(b.Body, bound, proven, guarded, uses);
                    break;
            }
        }
    }

    private void CollectReferences(List<Node> nodes, bool guarded, List<TemplateReference> found)
    {
        void Add(Expression name, int offset, bool skippable, bool imported = false)
        {
            if (name is LiteralExpression { Constant: string literal })
            {
                found.Add(new TemplateReference(literal, Location(_text, _file, offset), skippable, imported));
            }
        }

        foreach (var node in nodes)
        {
            switch (node)
            {
                case IfNode i:
                    foreach (var (_, body) in i.Branches)
                    {
                        CollectReferences(body, guarded: true, found);
                    }

                    CollectReferences(i.Else ?? [], guarded: true, found);
                    break;
                case ForNode f:
                    CollectReferences(f.Body, guarded: true, found);
                    CollectReferences(f.Else ?? [], guarded: true, found);
                    break;
                case SetNode s:
                    CollectReferences(s.Body ?? [], guarded, found);
                    break;
                case MacroNode m:
                    CollectReferences(m.Body, guarded: true, found);
                    break;
                case IncludeNode i:
                    Add(i.Name, i.Offset, guarded, imported: !i.WithContext);
                    break;
                case ImportNode i:
                    Add(i.Name, i.Offset, guarded, imported: !i.WithContext);
                    break;
                case ExtendsNode e:
                    Add(e.Name, e.Offset, guarded);
                    break;
                case BlockNode b:
                    CollectReferences(b.Body, guarded, found);
                    break;
            }
        }
    }
}
