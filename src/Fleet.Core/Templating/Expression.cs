namespace Fleet.Core.Templating;

/// <summary>A parsed <c>when</c> condition (the small language: literals, variables, ==, !=, in, not in, and, or, not, parentheses).</summary>
public abstract record Expression
{
    /// <summary>The text as written, for messages.</summary>
    public required string Text { get; init; }
}
