using System.Text;

namespace Fleet.Core.Templating;

// Rendering: the node tree walked against the variables, with extends, include, import and loops.
public sealed partial class JinjaTemplate
{
    /// <summary>Renders the whole template: a template that extends another registers its blocks and renders its parent.</summary>
    private void RenderRoot(Scope scope, StringBuilder output)
    {
        // A template that extends or includes itself recurses here: one level of the render's budget.
        using var level = RenderBudget.Enter();
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
        JinjaTemplate? parent = null;
        string? missing = null;
        try
        {
            parent = Load(node.Name.Value(scope), ignoreMissing: false)!;
        }
        catch (FleetInputException ex) when (ex.Errors.All(e => e.Location is null))
        {
            missing = ex.Message;
        }

        if (parent is null)
        {
            throw new FleetInputException(Location(_text, _file, node.Offset), missing!);
        }

        // A parent's error without a place of its own (the budget's, past a chain of extends) is at this extends.
        FleetInputException? located = null;
        try
        {
            parent.RenderRoot(scope, output);
        }
        catch (FleetInputException ex) when (ex.Errors.Any(e => e.Location is null))
        {
            located = new FleetInputException(ex.Errors.Select(e => e.Location is null ? e with { Location = Location(_text, _file, node.Offset) } : e).ToList());
        }

        if (located is not null)
        {
            throw located;
        }
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
                    return Parse(InputFile.ReadText(path, "included template"), path, _options, _searchPath);
                }
            }
        }

        return ignoreMissing ? null : throw new FleetInputException($"template not found: {string.Join(", ", names)} (looked in {(_searchPath.Count == 0 ? "no directory" : string.Join(", ", _searchPath))})");
    }

    private void Render(List<Node> nodes, Scope scope, StringBuilder output)
    {
        foreach (var node in nodes)
        {
            FleetInputException? located = null;
            try
            {
                using (RenderBudget.Enter())
                {
                    RenderNode(node, scope, output);
                }

                RenderBudget.CheckText(output.Length);
            }
            catch (UndefinedVariableException ex) when (!_unchecked)
            {
                located = new FleetInputException(Location(_text, _file, node.Offset), ex.Message);
            }
            catch (FleetInputException ex) when (ex.Errors.Any(e => e.Location is null or { File: null }))
            {
                located = new FleetInputException(ex.Errors.Select(e => e.Location is null or { File: null } ? e with { Location = Location(_text, _file, node.Offset) } : e).ToList());
            }

            // Thrown once the catch has unwound: a throw inside a catch runs on top of the failed frames, and at each of a
            // thousand nested levels (a macro calling itself) that overflows the stack.
            if (located is not null)
            {
                throw located;
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
                // As Jinja: `set x = undefined_name` fails only where x is used.
                var value = s.Value is null ? RenderBlock(s.Body!, scope) : s.Targets.Count == 1 ? UndefinedValue.Of(s.Value, scope) : s.Value.Value(scope);
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
                RenderBudget.Iterate();
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
            RenderBudget.Iterate();
            var iteration = new Scope(scope);
            Assign(iteration, f.Targets, items[i]);
            iteration.Locals["loop"] = new LoopContext(items, i);
            Render(f.Body, iteration, output);
        }
    }
}
