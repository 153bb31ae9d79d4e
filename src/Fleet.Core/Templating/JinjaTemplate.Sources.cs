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

    /// <summary>
    /// The controller files the template looks up by a literal path, found in the parsed expressions (so a path with quotes or
    /// braces is read as Jinja reads it); a path with a variable, or a template in its text, is only known when it renders.
    /// </summary>
    public IEnumerable<TemplateFileLookup> FileLookups
    {
        get
        {
            var found = new List<TemplateFileLookup>();
            Expressions(_nodes, (expression, offset, guarded) =>
            {
                foreach (var (kind, path) in ExpressionTree.Descendants(expression).SelectMany(LiteralFileLookups))
                {
                    found.Add(new TemplateFileLookup(kind, path, Location(_text, _file, offset), guarded));
                }
            });
            return found;
        }
    }

    // lookup|query|q('file'|'template', 'a', 'b', …): each literal path term; Ansible templates the terms, so one with a template is left to run time.
    private static IEnumerable<(string Kind, string Path)> LiteralFileLookups(Expression expression)
    {
        if (expression is not CallExpression { Callee: VariableExpression { Name: "lookup" or "query" or "q" }, Arguments: [LiteralExpression { Constant: "file" or "template" } kind, ..] } call)
        {
            yield break;
        }

        foreach (var term in call.Arguments.Skip(1))
        {
            if (term is LiteralExpression { Constant: string { Length: > 0 } path } && !path.Contains("{{", StringComparison.Ordinal) && !path.Contains("{%", StringComparison.Ordinal))
            {
                yield return ((string)kind.Constant!, path);
            }
        }
    }

    // Every expression of the nodes (a tag's and the names of include, import and extends) with its tag's offset and whether a statement may skip it.
    private static void Expressions(List<Node> nodes, Action<Expression, int, bool> visit) => Walk(nodes, guarded: false, (node, guarded) =>
    {
        switch (node)
        {
            case OutputNode o:
                visit(o.Expression, o.Offset, guarded);
                break;
            case IfNode i:
                foreach (var (condition, _) in i.Branches)
                {
                    visit(condition, i.Offset, guarded);
                }

                break;
            case ForNode f:
                visit(f.Items, f.Offset, guarded);
                if (f.Filter is { } filter)
                {
                    visit(filter, f.Offset, true);
                }

                break;
            case SetNode { Value: { } value } s:
                visit(value, s.Offset, guarded);
                break;
            case IncludeNode i:
                visit(i.Name, i.Offset, guarded);
                break;
            case ImportNode i:
                visit(i.Name, i.Offset, guarded);
                break;
            case ExtendsNode e:
                visit(e.Name, e.Offset, guarded);
                break;
        }
    });

    /// <summary>
    /// Every node of the tree with whether a statement around it may skip it: an if's branches, a for's body and else and a macro's
    /// body are guarded; a set block's and a block's body are as their statement is. The one walk for what needs no scope
    /// (<see cref="Uses"/> threads the names bound through if, for and set, so it keeps its own).
    /// </summary>
    private static void Walk(List<Node> nodes, bool guarded, Action<Node, bool> visit)
    {
        foreach (var node in nodes)
        {
            visit(node, guarded);
            switch (node)
            {
                case IfNode i:
                    foreach (var (_, body) in i.Branches)
                    {
                        Walk(body, guarded: true, visit);
                    }

                    Walk(i.Else ?? [], guarded: true, visit);
                    break;
                case ForNode f:
                    Walk(f.Body, guarded: true, visit);
                    Walk(f.Else ?? [], guarded: true, visit);
                    break;
                case SetNode s:
                    Walk(s.Body ?? [], guarded, visit);
                    break;
                case MacroNode m:
                    Walk(m.Body, guarded: true, visit);
                    break;
                case BlockNode b:
                    Walk(b.Body, guarded, visit);
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
            void Add(Expression name, int offset, bool guarded, bool imported = false)
            {
                if (name is LiteralExpression { Constant: string literal })
                {
                    found.Add(new TemplateReference(literal, Location(_text, _file, offset), guarded, imported));
                }
            }

            Walk(_nodes, guarded: false, (node, guarded) =>
            {
                switch (node)
                {
                    case IncludeNode i:
                        Add(i.Name, i.Offset, guarded, imported: !i.WithContext);
                        break;
                    case ImportNode i:
                        Add(i.Name, i.Offset, guarded, imported: !i.WithContext);
                        break;
                    case ExtendsNode e:
                        Add(e.Name, e.Offset, guarded);
                        break;
                }
            });
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
                    // `set x = name` holds an undefined name as undefined (the renderer's UndefinedValue): only a use of x fails.
                    if (s.Value is { } value && !(s.Targets.Count == 1 && UndefinedValue.IsReference(value)))
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
}
