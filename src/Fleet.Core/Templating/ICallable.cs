namespace Fleet.Core.Templating;

/// <summary>A value that templates can call: a macro, a loop's <c>cycle</c>.</summary>
public interface ICallable
{
    /// <summary>Calls with positional and keyword arguments.</summary>
    object? Call(IReadOnlyList<object?> arguments, IReadOnlyDictionary<string, object?> keywords);

    /// <summary>Whether an undefined argument is passed as an undefined value (a macro, as in Jinja) rather than failing the call.</summary>
    bool TakesUndefined => false;
}
