namespace Fleet.Core.Templating;

/// <summary>
/// A parsed Jinja expression: literals (strings, numbers, true/false/none, lists, dicts), variables with <c>.key</c> /
/// <c>[index]</c> / slices, arithmetic, <c>~</c>, comparisons, <c>in</c>, <c>and</c>/<c>or</c>/<c>not</c>,
/// <c>x if c else y</c>, method calls (<c>.split()</c>, <c>.items()</c>, …), filters (<see cref="Filters"/>) and tests
/// (<see cref="Tests"/>). Values follow Python: truthiness, equality and ordering as Jinja computes them.
/// </summary>
public abstract record Expression
{
    /// <summary>The text as written, for messages.</summary>
    public required string Text { get; init; }

    /// <summary>Computes the value; throws <see cref="UndefinedVariableException"/> for an undefined variable.</summary>
    public object? Value(IVariableLookup variables)
    {
        // Every evaluation is one level of the render's budget: no nesting of macros, lookups or variables outruns the stack.
        using var level = RenderBudget.Enter();
        string failure;
        try
        {
            return Compute(variables);
        }
        catch (Exception ex) when (Filters.IsComputationFailure(ex))
        {
            // What .NET throws computing a value (64-bit overflow, a method's bad argument) is Fleet's sentence, at the innermost expression.
            failure = Filters.Failure(ex);
        }

        throw new FleetInputException($"'{Text}': {failure}");
    }

    /// <summary>The value, computed by each kind of expression (<see cref="Value"/> keeps the budget).</summary>
    private protected abstract object? Compute(IVariableLookup variables);

    /// <summary>Evaluates the expression as a condition.</summary>
    public bool Evaluate(IVariableLookup variables) => Values.Truthy(Value(variables));

    /// <summary>
    /// Root variable names that must be defined (those under <c>default</c> or <c>is defined</c> excluded, and those that a guard
    /// before them in <c>and</c>/<c>or</c> proves defined: <c>x is defined and x &gt; 1</c> needs nothing, as evaluation stops early).
    /// </summary>
    public abstract IEnumerable<string> Variables { get; }

    /// <summary>Variables that are defined whenever this expression is true (<c>x is defined</c>, conjunctions of such).</summary>
    internal virtual IEnumerable<string> DefinedWhenTrue => [];

    /// <summary>Variables that are defined whenever this expression is false (<c>x is not defined</c>, …).</summary>
    internal virtual IEnumerable<string> DefinedWhenFalse => [];
}

internal sealed record LiteralExpression(object? Constant) : Expression
{
    private protected override object? Compute(IVariableLookup variables) => Constant;

    public override IEnumerable<string> Variables => [];
}

internal sealed record ListExpression(IReadOnlyList<Expression> Items, bool Tuple = false) : Expression
{
    private protected override object? Compute(IVariableLookup variables) => Tuple
        ? new TupleValue(Items.Select(i => i.Value(variables)).ToList())
        : Items.Select(i => i.Value(variables)).ToList();

    public override IEnumerable<string> Variables => Items.SelectMany(i => i.Variables);
}

internal sealed record DictExpression(IReadOnlyList<(Expression Key, Expression Value)> Entries) : Expression
{
    private protected override object? Compute(IVariableLookup variables)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in Entries)
        {
            map[Values.ToPython(key.Value(variables))] = value.Value(variables);
        }

        return map;
    }

    public override IEnumerable<string> Variables => Entries.SelectMany(e => e.Key.Variables.Concat(e.Value.Variables));
}

internal sealed record VariableExpression(string Name) : Expression
{
    private protected override object? Compute(IVariableLookup variables) =>
        !variables.TryGet(Name, out var value) ? throw new UndefinedVariableException(Name)
        : value is UndefinedValue undefined ? throw undefined.Raise() : value;

    public override IEnumerable<string> Variables => [Name];
}

internal sealed record MemberExpression(Expression Target, Expression Key) : Expression
{
    private protected override object? Compute(IVariableLookup variables) => Values.Item(Target.Value(variables), Key.Value(variables), Target.Text);

    public override IEnumerable<string> Variables => Target.Variables.Concat(Key.Variables);
}

internal sealed record SliceExpression(Expression Target, Expression? Start, Expression? Stop, Expression? Step) : Expression
{
    private protected override object? Compute(IVariableLookup variables)
    {
        var target = Target.Value(variables);
        long? Bound(Expression? e) => e?.Value(variables) is { } v ? Values.ToInteger(v) : null;
        return Values.Slice(target, Bound(Start), Bound(Stop), Bound(Step));
    }

    public override IEnumerable<string> Variables =>
        Target.Variables.Concat(new[] { Start, Stop, Step }.Where(e => e is not null).SelectMany(e => e!.Variables));
}

/// <summary>A call: a method of a value (<c>s.split(',')</c>), a macro, or a global (<c>range</c>, <c>lookup</c>, <c>dict</c>).</summary>
internal sealed record CallExpression(Expression Callee, IReadOnlyList<Expression> Arguments, IReadOnlyList<(string Name, Expression Value)> Keywords) : Expression
{
    private protected override object? Compute(IVariableLookup variables)
    {
        // As Jinja: an undefined argument reaches a macro as an undefined value (its `is defined` is false); anything else fails on it.
        var arguments = Arguments.Select(a => UndefinedValue.Of(a, variables)).ToList();
        var keywords = Keywords.ToDictionary(k => k.Name, k => UndefinedValue.Of(k.Value, variables), StringComparer.Ordinal);
        var callee = Callee is MemberExpression || (Callee is VariableExpression { Name: var named } && !variables.TryGet(named, out _)) ? null : Callee.Value(variables);
        if (callee is not ICallable { TakesUndefined: true })
        {
            UndefinedValue.Require(arguments.Concat(keywords.Values));
        }

        if (Callee is MemberExpression { Key: LiteralExpression { Constant: string method } } member)
        {
            var target = member.Target.Value(variables);
            if (Methods.TryCall(target, method, arguments, keywords, out var result))
            {
                return result;
            }
        }

        if (Callee is VariableExpression { Name: var name } && !variables.TryGet(name, out _) && Globals.TryCall(name, arguments, keywords, variables, out var global))
        {
            return global;
        }

        return (callee ?? Callee.Value(variables)) switch
        {
            ICallable callable => callable.Call(arguments, keywords),
            var other => throw new FleetInputException($"'{Callee.Text}' is not callable ({Values.TypeName(other)})"),
        };
    }

    // A macro (a called name that is no global) takes an undefined name as an undefined value: that argument requires nothing.
    public override IEnumerable<string> Variables => Callee is VariableExpression { Name: var name }
        ? (Globals.Names.Contains(name) ? [] : Callee.Variables)
            .Concat(Arguments.Concat(Keywords.Select(k => k.Value)).Where(a => Globals.Names.Contains(name) || !UndefinedValue.IsReference(a)).SelectMany(a => a.Variables))
        : Callee.Variables.Concat(Arguments.SelectMany(a => a.Variables)).Concat(Keywords.SelectMany(k => k.Value.Variables));
}

internal sealed record NotExpression(Expression Operand) : Expression
{
    private protected override object? Compute(IVariableLookup variables) => !Values.Truthy(Operand.Value(variables));

    public override IEnumerable<string> Variables => Operand.Variables;

    internal override IEnumerable<string> DefinedWhenTrue => Operand.DefinedWhenFalse;

    internal override IEnumerable<string> DefinedWhenFalse => Operand.DefinedWhenTrue;
}

internal sealed record LogicalExpression(string Operator, Expression Left, Expression Right) : Expression
{
    // Python's and/or return an operand, not a boolean: {{ a or 'x' }} prints a or x.
    private protected override object? Compute(IVariableLookup variables)
    {
        var left = Left.Value(variables);
        return Operator == "and"
            ? Values.Truthy(left) ? Right.Value(variables) : left
            : Values.Truthy(left) ? left : Right.Value(variables);
    }

    // The right side runs only when the left is true (and) or false (or): what the left proves defined is not required there.
    public override IEnumerable<string> Variables =>
        Left.Variables.Concat(Right.Variables.Except(Operator == "and" ? Left.DefinedWhenTrue : Left.DefinedWhenFalse, StringComparer.Ordinal));

    internal override IEnumerable<string> DefinedWhenTrue => Operator == "and" ? Left.DefinedWhenTrue.Concat(Right.DefinedWhenTrue) : [];

    internal override IEnumerable<string> DefinedWhenFalse => Operator == "or" ? Left.DefinedWhenFalse.Concat(Right.DefinedWhenFalse) : [];
}

internal sealed record CompareExpression(string Operator, Expression Left, Expression Right) : Expression
{
    private protected override object? Compute(IVariableLookup variables)
    {
        var left = Left.Value(variables);
        var right = Right.Value(variables);
        return Operator switch
        {
            "==" => Values.Equal(left, right),
            "!=" => !Values.Equal(left, right),
            "in" => Values.Contains(right, left),
            "not in" => !Values.Contains(right, left),
            _ => Values.Order(left, right, Operator),
        };
    }

    public override IEnumerable<string> Variables => Left.Variables.Concat(Right.Variables);
}

/// <summary>Arithmetic: <c>+ - * / // % **</c> with Python's rules (<c>/</c> is always a float, <c>//</c> and <c>%</c> floor).</summary>
internal sealed record BinaryExpression(string Operator, Expression Left, Expression Right) : Expression
{
    private protected override object? Compute(IVariableLookup variables) => Values.Arithmetic(Operator, Left.Value(variables), Right.Value(variables));

    public override IEnumerable<string> Variables => Left.Variables.Concat(Right.Variables);
}

internal sealed record UnaryExpression(string Operator, Expression Operand) : Expression
{
    private protected override object? Compute(IVariableLookup variables) => Operand.Value(variables) switch
    {
        long n => Operator == "-" ? checked(-n) : (object)n,
        double d => Operator == "-" ? -d : (object)d,
        bool b => Operator == "-" ? -(b ? 1L : 0L) : (object)(b ? 1L : 0L),
        var other => throw new FleetInputException($"bad operand type for unary {Operator}: '{Values.TypeName(other)}'"),
    };

    public override IEnumerable<string> Variables => Operand.Variables;
}

/// <summary><c>a ~ b ~ c</c>: the operands' text joined.</summary>
internal sealed record ConcatExpression(IReadOnlyList<Expression> Parts) : Expression
{
    private protected override object? Compute(IVariableLookup variables)
    {
        var parts = Parts.Select(p => Values.ToPython(p.Value(variables))).ToList();
        RenderBudget.CheckText(parts.Sum(p => (long)p.Length));
        return string.Concat(parts);
    }

    public override IEnumerable<string> Variables => Parts.SelectMany(p => p.Variables);
}

/// <summary><c>a if c else b</c>; without <c>else</c> a false condition gives an undefined value.</summary>
internal sealed record ConditionalExpression(Expression Then, Expression Condition, Expression? Else) : Expression
{
    private protected override object? Compute(IVariableLookup variables) =>
        Condition.Evaluate(variables) ? Then.Value(variables)
        : Else is null ? "" : Else.Value(variables); // Jinja gives a lenient undefined, which prints as nothing

    public override IEnumerable<string> Variables =>
        Condition.Variables.Concat(Then.Variables.Except(Condition.DefinedWhenTrue, StringComparer.Ordinal))
            .Concat(Else is null ? [] : Else.Variables.Except(Condition.DefinedWhenFalse, StringComparer.Ordinal));
}

internal sealed record DefinedExpression(Expression Operand, bool Negated) : Expression
{
    private protected override object? Compute(IVariableLookup variables)
    {
        bool defined;
        try
        {
            _ = Operand.Value(variables);
            defined = true;
        }
        catch (UndefinedVariableException)
        {
            defined = false;
        }

        return defined != Negated;
    }

    public override IEnumerable<string> Variables => [];

    internal override IEnumerable<string> DefinedWhenTrue => Negated ? [] : Operand.Variables;

    internal override IEnumerable<string> DefinedWhenFalse => Negated ? Operand.Variables : [];
}

/// <summary><c>x is test</c>, <c>x is test(args)</c>, <c>x is not test arg</c>.</summary>
internal sealed record TestExpression(Expression Operand, string Test, IReadOnlyList<Expression> Arguments, IReadOnlyList<(string Name, Expression Value)> Keywords, bool Negated) : Expression
{
    private protected override object? Compute(IVariableLookup variables)
    {
        var call = new FilterCall(Arguments.Select(a => a.Value(variables)).ToList(),
            Keywords.ToDictionary(k => k.Name, k => k.Value.Value(variables), StringComparer.Ordinal), variables);
        return Tests.Apply(Test, Operand.Value(variables), call) != Negated;
    }

    public override IEnumerable<string> Variables => Operand.Variables.Concat(Arguments.SelectMany(a => a.Variables)).Concat(Keywords.SelectMany(k => k.Value.Variables));
}

internal sealed record FilterExpression(Expression Input, string Filter, IReadOnlyList<Expression> Arguments, IReadOnlyList<(string Name, Expression Value)> Keywords) : Expression
{
    private protected override object? Compute(IVariableLookup variables)
    {
        FilterCall Call() => new(Arguments.Select(a => a.Value(variables)).ToList(),
            Keywords.ToDictionary(k => k.Name, k => k.Value.Value(variables), StringComparer.Ordinal), variables);
        if (Filter is "default" or "d")
        {
            // The fallback is evaluated only when it is used: in Jinja an undefined fallback (None.device) is an error only then.
            object? Argument(int index, string name, object? absent) =>
                index < Arguments.Count ? Arguments[index].Value(variables)
                : Keywords.FirstOrDefault(k => k.Name == name) is { Value: { } given } ? given.Value(variables) : absent;
            object? input;
            try
            {
                input = Input.Value(variables);
            }
            catch (UndefinedVariableException)
            {
                return Argument(0, "default_value", "");
            }

            return Values.Truthy(Argument(1, "boolean", false)) && !Values.Truthy(input) ? Argument(0, "default_value", "") : input;
        }

        if (Filter == "mandatory")
        {
            try
            {
                return Input.Value(variables);
            }
            catch (UndefinedVariableException ex)
            {
                var call = Call();
                throw new FleetInputException(call.Arguments.Count > 0 ? Values.ToPython(call.Arguments[0]) : $"Mandatory variable '{ex.Name}' not defined.");
            }
        }

        return Filters.Apply(Filter, Input.Value(variables), Call());
    }

    public override IEnumerable<string> Variables =>
        Filter is "default" or "d" ? Arguments.SelectMany(a => a.Variables) : Input.Variables.Concat(Arguments.SelectMany(a => a.Variables)).Concat(Keywords.SelectMany(k => k.Value.Variables));
}
