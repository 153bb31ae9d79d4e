namespace Fleet.Core.Templating;

/// <summary>The sub-expressions of a parsed expression, for what validation reads from the tree rather than from the text.</summary>
internal static class ExpressionTree
{
    /// <summary><paramref name="root"/> and every expression inside it, parents before children.</summary>
    public static IEnumerable<Expression> Descendants(Expression root)
    {
        var pending = new Stack<Expression>([root]);
        while (pending.Count > 0)
        {
            var expression = pending.Pop();
            yield return expression;
            foreach (var child in Children(expression).Reverse())
            {
                pending.Push(child);
            }
        }
    }

    private static IEnumerable<Expression> Children(Expression expression) => expression switch
    {
        ListExpression l => l.Items,
        DictExpression d => d.Entries.SelectMany(e => new[] { e.Key, e.Value }),
        MemberExpression m => [m.Target, m.Key],
        SliceExpression s => new[] { s.Target, s.Start, s.Stop, s.Step }.OfType<Expression>(),
        CallExpression c => [c.Callee, .. c.Arguments, .. c.Keywords.Select(k => k.Value)],
        NotExpression n => [n.Operand],
        LogicalExpression l => [l.Left, l.Right],
        CompareExpression c => [c.Left, c.Right],
        BinaryExpression b => [b.Left, b.Right],
        UnaryExpression u => [u.Operand],
        ConcatExpression c => c.Parts,
        ConditionalExpression c => new[] { c.Then, c.Condition, c.Else }.OfType<Expression>(),
        DefinedExpression d => [d.Operand],
        TestExpression t => [t.Operand, .. t.Arguments, .. t.Keywords.Select(k => k.Value)],
        FilterExpression f => [f.Input, .. f.Arguments, .. f.Keywords.Select(k => k.Value)],
        _ => [],
    };
}
