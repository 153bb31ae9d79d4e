using System.Globalization;
using Fleet.Core.Remote;

namespace Fleet.Core.Templating;

/// <summary>
/// A parsed expression of the small template language: literals (strings, numbers, true/false/none, lists),
/// variables with <c>.key</c> / <c>[index]</c>, <c>==</c>, <c>!=</c>, <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>,
/// <c>in</c>, <c>not in</c>, <c>and</c>, <c>or</c>, <c>not</c>, parentheses, <c>is [not] defined</c>, and filters
/// <c>default(x)</c>/<c>d</c>, <c>lower</c>, <c>upper</c>, <c>join(sep)</c>, <c>int</c>, <c>string</c>, <c>bool</c>,
/// <c>length</c>, <c>trim</c>, <c>quote</c>. Truthiness follows Jinja: empty text or list, 0, false and none are false.
/// </summary>
public abstract record Expression
{
    /// <summary>The text as written, for messages.</summary>
    public required string Text { get; init; }

    /// <summary>Computes the value; throws <see cref="UndefinedVariableException"/> for an undefined variable.</summary>
    public abstract object? Value(IVariableLookup variables);

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
    public override object? Value(IVariableLookup variables) => Constant;

    public override IEnumerable<string> Variables => [];
}

internal sealed record ListExpression(IReadOnlyList<Expression> Items) : Expression
{
    public override object? Value(IVariableLookup variables) => Items.Select(i => i.Value(variables)).ToList();

    public override IEnumerable<string> Variables => Items.SelectMany(i => i.Variables);
}

internal sealed record VariableExpression(string Name) : Expression
{
    public override object? Value(IVariableLookup variables) =>
        variables.TryGet(Name, out var value) ? value : throw new UndefinedVariableException(Name);

    public override IEnumerable<string> Variables => [Name];
}

internal sealed record MemberExpression(Expression Target, Expression Key) : Expression
{
    public override object? Value(IVariableLookup variables)
    {
        var target = Target.Value(variables);
        var key = Key.Value(variables);
        switch (target)
        {
            case IReadOnlyDictionary<string, object?> map when key is not null && map.TryGetValue(Values.ToText(key), out var found):
                return found;
            case IReadOnlyList<object?> list when key is long index && index >= 0 && index < list.Count:
                return list[(int)index];
            case IReadOnlyList<object?> list when key is long index && index < 0 && -index <= list.Count:
                return list[list.Count + (int)index];
            default:
                throw new UndefinedVariableException($"{Target.Text}[{Values.ToText(key)}]");
        }
    }

    public override IEnumerable<string> Variables => Target.Variables.Concat(Key.Variables);
}

internal sealed record NotExpression(Expression Operand) : Expression
{
    public override object? Value(IVariableLookup variables) => !Values.Truthy(Operand.Value(variables));

    public override IEnumerable<string> Variables => Operand.Variables;

    internal override IEnumerable<string> DefinedWhenTrue => Operand.DefinedWhenFalse;

    internal override IEnumerable<string> DefinedWhenFalse => Operand.DefinedWhenTrue;
}

internal sealed record LogicalExpression(string Operator, Expression Left, Expression Right) : Expression
{
    public override object? Value(IVariableLookup variables)
    {
        var left = Values.Truthy(Left.Value(variables));
        return Operator == "and" ? left && Values.Truthy(Right.Value(variables)) : left || Values.Truthy(Right.Value(variables));
    }

    // The right side runs only when the left is true (and) or false (or): what the left proves defined is not required there.
    public override IEnumerable<string> Variables =>
        Left.Variables.Concat(Right.Variables.Except(Operator == "and" ? Left.DefinedWhenTrue : Left.DefinedWhenFalse, StringComparer.Ordinal));

    internal override IEnumerable<string> DefinedWhenTrue => Operator == "and" ? Left.DefinedWhenTrue.Concat(Right.DefinedWhenTrue) : [];

    internal override IEnumerable<string> DefinedWhenFalse => Operator == "or" ? Left.DefinedWhenFalse.Concat(Right.DefinedWhenFalse) : [];
}

internal sealed record CompareExpression(string Operator, Expression Left, Expression Right) : Expression
{
    public override object? Value(IVariableLookup variables)
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

internal sealed record DefinedExpression(Expression Operand, bool Negated) : Expression
{
    public override object? Value(IVariableLookup variables)
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

/// <summary>Ansible's task result tests: <c>is changed</c>, <c>is failed</c>, <c>is succeeded</c> (<c>success</c>), <c>is skipped</c>, on a registered result.</summary>
internal sealed record ResultTestExpression(Expression Operand, string Test, bool Negated) : Expression
{
    public override object? Value(IVariableLookup variables)
    {
        if (Operand.Value(variables) is not IReadOnlyDictionary<string, object?> result)
        {
            throw new FleetInputException($"the '{Test}' test takes a registered task result, not {Values.ToText(Operand.Value(variables))}");
        }

        bool Flag(string key) => result.TryGetValue(key, out var v) && Values.Truthy(v);
        var value = Test switch
        {
            "changed" or "change" => Flag("changed"),
            "failed" or "failure" => Flag("failed"),
            "skipped" or "skip" => Flag("skipped"),
            _ => !Flag("failed"),
        };
        return value != Negated;
    }

    public override IEnumerable<string> Variables => Operand.Variables;
}

internal sealed record FilterExpression(Expression Input, string Filter, IReadOnlyList<Expression> Arguments) : Expression
{
    /// <summary>Every filter the language knows.</summary>
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        "default", "d", "lower", "upper", "join", "int", "string", "bool", "length", "trim", "quote",
    };

    public override object? Value(IVariableLookup variables)
    {
        if (Filter is "default" or "d")
        {
            try
            {
                return Input.Value(variables) ?? Arguments.FirstOrDefault()?.Value(variables);
            }
            catch (UndefinedVariableException)
            {
                return Arguments.Count > 0 ? Arguments[0].Value(variables) : "";
            }
        }

        var input = Input.Value(variables);
        return Filter switch
        {
            "lower" => Values.ToText(input).ToLowerInvariant(),
            "upper" => Values.ToText(input).ToUpperInvariant(),
            "trim" => Values.ToText(input).Trim(),
            "string" => Values.ToText(input),
            "quote" => Sh.Quote(Values.ToText(input)),
            "int" => long.TryParse(Values.ToText(input), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0L,
            "bool" => Values.ToBool(input) ?? false,
            "length" => input switch
            {
                IReadOnlyList<object?> list => (long)list.Count,
                IReadOnlyDictionary<string, object?> map => (long)map.Count,
                _ => (long)Values.ToText(input).Length,
            },
            "join" => input is IReadOnlyList<object?> items
                ? string.Join(Arguments.Count > 0 ? Values.ToText(Arguments[0].Value(variables)) : "", items.Select(Values.ToText))
                : Values.ToText(input),
            _ => throw new InvalidOperationException($"unknown filter '{Filter}'"),
        };
    }

    public override IEnumerable<string> Variables =>
        Filter is "default" or "d" ? Arguments.SelectMany(a => a.Variables) : Input.Variables.Concat(Arguments.SelectMany(a => a.Variables));
}

/// <summary>Conversions and comparisons of template values.</summary>
public static class Values
{
    /// <summary>Jinja truthiness.</summary>
    public static bool Truthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        long n => n != 0,
        double d => d != 0,
        string s => s.Length > 0,
        IReadOnlyList<object?> list => list.Count > 0,
        IReadOnlyDictionary<string, object?> map => map.Count > 0,
        _ => true,
    };

    /// <summary>The value as text: booleans lower-case, lists comma-joined, none empty.</summary>
    public static string ToText(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        long n => n.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString(CultureInfo.InvariantCulture),
        string s => s,
        IReadOnlyList<object?> list => string.Join(",", list.Select(ToText)),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>YAML 1.1 / Ansible booleans (true/false, yes/no, on/off, 1/0), or null when not a boolean.</summary>
    public static bool? ToBool(object? value) => value switch
    {
        bool b => b,
        long n when n is 0 or 1 => n == 1,
        string s => s.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" or "1" or "y" => true,
            "false" or "no" or "off" or "0" or "n" => false,
            _ => null,
        },
        _ => null,
    };

    internal static bool Equal(object? a, object? b)
    {
        if (a is long or double && b is long or double)
        {
            return Convert.ToDouble(a, CultureInfo.InvariantCulture) == Convert.ToDouble(b, CultureInfo.InvariantCulture);
        }

        if (a is IReadOnlyList<object?> la && b is IReadOnlyList<object?> lb)
        {
            return la.Count == lb.Count && la.Zip(lb).All(p => Equal(p.First, p.Second));
        }

        return a is null || b is null ? a is null && b is null : a.GetType() == b.GetType() ? Equals(a, b) : ToText(a) == ToText(b);
    }

    internal static bool Contains(object? container, object? item) => container switch
    {
        IReadOnlyList<object?> list => list.Any(x => Equal(x, item)),
        IReadOnlyDictionary<string, object?> map => map.ContainsKey(ToText(item)),
        string s => s.Contains(ToText(item), StringComparison.Ordinal),
        _ => false,
    };

    internal static bool Order(object? a, object? b, string op)
    {
        int compare = a is long or double && b is long or double
            ? Convert.ToDouble(a, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(b, CultureInfo.InvariantCulture))
            : string.CompareOrdinal(ToText(a), ToText(b));
        return op switch
        {
            "<" => compare < 0,
            "<=" => compare <= 0,
            ">" => compare > 0,
            _ => compare >= 0,
        };
    }
}
