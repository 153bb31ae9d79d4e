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
    public IReadOnlySet<string> BoundNames => Scan().Bound;

    /// <summary>
    /// Every use of a root variable the template does not set itself; a use inside an if whose condition proves the name defined
    /// (<c>{% if x is defined %}</c>) is left out.
    /// </summary>
    public IEnumerable<TemplateVariableUse> VariableUses
    {
        get
        {
            var (uses, bound) = Scan();
            return uses.Where(u => !bound.Contains(u.Name)).DistinctBy(u => u.Name);
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
            Walk(_nodes, WalkScope.Top, (node, expression, scope) =>
            {
                if (expression is null)
                {
                    return;
                }

                foreach (var (kind, path) in ExpressionTree.Descendants(expression).SelectMany(LiteralFileLookups))
                {
                    found.Add(new TemplateFileLookup(kind, path, Location(_text, _file, node.Offset), scope.Guarded));
                }
            });
            return found;
        }
    }

    /// <summary>Where include, import and extends look for other templates.</summary>
    public IReadOnlyList<string> SearchPath => _searchPath;

    /// <summary>The templates named by a literal string in include, import, from … import and extends.</summary>
    public IEnumerable<TemplateReference> References
    {
        get
        {
            var found = new List<TemplateReference>();
            Walk(_nodes, WalkScope.Top, (node, expression, scope) =>
            {
                // An include's, import's or extends' one expression is its name.
                var imported = node switch { IncludeNode i => !i.WithContext, ImportNode i => !i.WithContext, ExtendsNode => false, _ => (bool?)null };
                if (imported is { } withoutContext && expression is LiteralExpression { Constant: string literal })
                {
                    found.Add(new TemplateReference(literal, Location(_text, _file, node.Offset), scope.Guarded, withoutContext));
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

    /// <summary>The root variables read where no if proves them defined, in text order, and the names the template binds itself.</summary>
    private (List<TemplateVariableUse> Uses, HashSet<string> Bound) Scan()
    {
        var uses = new List<TemplateVariableUse>();
        var bound = new HashSet<string>(StringComparer.Ordinal);
        Walk(_nodes, WalkScope.Top, (node, expression, scope) =>
        {
            if (expression is not null)
            {
                uses.AddRange(expression.Variables.Where(v => !scope.Proven.Contains(v)).Select(v => new TemplateVariableUse(v, Location(_text, _file, node.Offset), scope.Guarded)));
                return;
            }

            bound.UnionWith(node switch
            {
                ForNode f => [.. f.Targets, "loop"],
                SetNode s => s.Targets,
                MacroNode m => [m.Name, .. m.Parameters.Select(p => p.Name), "varargs", "kwargs", "caller"],
                ImportNode i => i.Names.Select(n => n.Alias),
                _ => [],
            });
        });
        return (uses, bound);
    }

    /// <summary>Where the walk stands: whether a statement around may skip it, and the names the conditions of the ifs around prove defined.</summary>
    private readonly record struct WalkScope(bool Guarded, IReadOnlySet<string> Proven)
    {
        public static readonly WalkScope Top = new(false, new HashSet<string>(StringComparer.Ordinal));

        /// <summary>The scope of a body under this one that is guarded and where <paramref name="names"/> are also proven defined.</summary>
        public WalkScope Inner(IEnumerable<string> names)
        {
            var proven = Proven;
            var added = names.Where(n => !proven.Contains(n)).ToList();
            return new WalkScope(true, added.Count == 0 ? proven : new HashSet<string>(proven.Concat(added), StringComparer.Ordinal));
        }
    }

    /// <summary>
    /// The one walk of the tree, in text order: <paramref name="visit"/> sees each node on entering it (expression null), then each of
    /// its expressions (a tag's; the name of an include, import or extends) just before the body it governs, with its scope. An if's
    /// branches, a for's filter, body and else and a macro's body are guarded; a set block's and a block's body are as their
    /// statement is; an if's branch sees the names its condition proves defined, and each later branch and the else those the
    /// earlier conditions prove by being false.
    /// </summary>
    private static void Walk(List<Node> nodes, WalkScope scope, Action<Node, Expression?, WalkScope> visit)
    {
        var inner = scope.Inner([]);
        foreach (var node in nodes)
        {
            visit(node, null, scope);
            switch (node)
            {
                case OutputNode o:
                    visit(o, o.Expression, scope);
                    break;
                case IfNode i:
                    var excluded = scope.Inner([]);
                    foreach (var (condition, body) in i.Branches)
                    {
                        visit(i, condition, scope);
                        Walk(body, excluded.Inner(condition.DefinedWhenTrue), visit);
                        excluded = excluded.Inner(condition.DefinedWhenFalse);
                    }

                    Walk(i.Else ?? [], excluded, visit);
                    break;
                case ForNode f:
                    visit(f, f.Items, scope);
                    if (f.Filter is { } filter)
                    {
                        visit(f, filter, inner);
                    }

                    Walk(f.Body, inner, visit);
                    Walk(f.Else ?? [], inner, visit);
                    break;
                case SetNode s:
                    // `set x = name` holds an undefined name as undefined (the renderer's UndefinedValue): only a use of x fails.
                    if (s.Value is { } value && !(s.Targets.Count == 1 && UndefinedValue.IsReference(value)))
                    {
                        visit(s, value, scope);
                    }

                    Walk(s.Body ?? [], scope, visit);
                    break;
                case MacroNode m:
                    Walk(m.Body, inner, visit);
                    break;
                case IncludeNode i:
                    visit(i, i.Name, scope);
                    break;
                case ImportNode i:
                    visit(i, i.Name, scope);
                    break;
                case ExtendsNode e:
                    visit(e, e.Name, scope);
                    break;
                case BlockNode b:
                    Walk(b.Body, scope, visit);
                    break;
            }
        }
    }
}
