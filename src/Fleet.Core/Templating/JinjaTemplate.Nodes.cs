namespace Fleet.Core.Templating;

// The parsed template's nodes: text, output and one record per statement.
public sealed partial class JinjaTemplate
{
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
}
