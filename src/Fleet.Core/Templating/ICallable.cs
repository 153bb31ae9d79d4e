namespace Fleet.Core.Templating;

/// <summary>A value that templates can call: a macro, a loop's <c>cycle</c>.</summary>
public interface ICallable
{
    /// <summary>Calls with positional and keyword arguments.</summary>
    object? Call(IReadOnlyList<object?> arguments, IReadOnlyDictionary<string, object?> keywords);
}
