namespace Fleet.Core.Templating;

/// <summary>The evaluated arguments of a filter or test call, and the variables it ran with (for <c>map('filter')</c>, lookups).</summary>
public sealed record FilterCall(IReadOnlyList<object?> Arguments, IReadOnlyDictionary<string, object?> Keywords, IVariableLookup Variables)
{
    /// <summary>The argument at <paramref name="index"/> or named <paramref name="name"/>, else <paramref name="fallback"/>.</summary>
    public object? Get(int index, string name, object? fallback = null) =>
        index < Arguments.Count ? Arguments[index] : Keywords.TryGetValue(name, out var value) ? value : fallback;

    /// <summary>The same call without its first <paramref name="count"/> positional arguments.</summary>
    public FilterCall Skip(int count) => this with { Arguments = Arguments.Skip(count).ToList() };
}
