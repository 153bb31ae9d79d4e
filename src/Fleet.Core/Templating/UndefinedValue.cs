namespace Fleet.Core.Templating;

/// <summary>
/// Jinja's undefined value held by a name: a macro's argument or a <c>set</c> whose expression was undefined. Using the name
/// fails as the original use would have; <c>is defined</c> is false and <c>default</c> applies, as with Ansible's undefined.
/// </summary>
internal sealed class UndefinedValue(UndefinedVariableException cause)
{
    /// <summary>The failure a use of the name raises: the original one's name and message.</summary>
    public UndefinedVariableException Raise() => new(cause.Name, cause.Message);

    /// <summary>The value of <paramref name="expression"/>, or an undefined value where Jinja passes one on without failing (a name, <c>x.key</c>, <c>x['key']</c>).</summary>
    public static object? Of(Expression expression, IVariableLookup variables)
    {
        if (!IsReference(expression))
        {
            return expression.Value(variables);
        }

        try
        {
            return expression.Value(variables);
        }
        catch (UndefinedVariableException ex)
        {
            return new UndefinedValue(ex);
        }
    }

    /// <summary>Whether <paramref name="expression"/> only names a value (<c>x</c>, <c>x.key</c>, <c>x['key']</c>): undefined, it is passed on as undefined.</summary>
    public static bool IsReference(Expression expression) =>
        expression is VariableExpression || (expression is MemberExpression { Target: var target, Key: LiteralExpression } && IsReference(target));

    /// <summary>Fails with the first undefined value among <paramref name="values"/>: only a macro takes one as it is.</summary>
    public static void Require(IEnumerable<object?> values)
    {
        if (values.OfType<UndefinedValue>().FirstOrDefault() is { } undefined)
        {
            throw undefined.Raise();
        }
    }
}
