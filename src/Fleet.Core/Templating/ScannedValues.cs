namespace Fleet.Core.Templating;

/// <summary>
/// Maps and lists built once from values nobody changes afterwards (the fact cache's variables): what a walk through one finds —
/// a template to render, a number to convert — is kept, so a variable looked up by every task's <c>when</c> (a host's
/// <c>ansible_facts</c> with its package list) is not walked again at each lookup.
/// </summary>
internal static class ScannedValues
{
    /// <summary>The value with a scanned copy of its top level (its items are shared); a scalar as it is.</summary>
    public static object? Keep(object? value) => value switch
    {
        ScannedMap or ScannedList => value,
        IReadOnlyDictionary<string, object?> map => new ScannedMap(map),
        IReadOnlyList<object?> list => new ScannedList(list),
        _ => value,
    };

    /// <summary>What a walk found, kept once computed: 0 not yet known, 1 no, 2 yes (an int, so a racing write is never torn).</summary>
    internal struct Found
    {
        private int _state;

        public bool Get(Func<bool> walk)
        {
            var state = Volatile.Read(ref _state);
            if (state == 0)
            {
                state = walk() ? 2 : 1;
                Volatile.Write(ref _state, state);
            }

            return state == 2;
        }
    }
}

/// <summary>A map of <see cref="ScannedValues"/>: never changed after it is built.</summary>
internal sealed class ScannedMap(IEnumerable<KeyValuePair<string, object?>> entries) : Dictionary<string, object?>(entries, StringComparer.Ordinal)
{
    /// <summary>Whether a text in it holds a template.</summary>
    public ScannedValues.Found Template;

    /// <summary>Whether a number in it needs converting to the engine's own types.</summary>
    public ScannedValues.Found Foreign;
}

/// <summary>A list of <see cref="ScannedValues"/>: never changed after it is built.</summary>
internal sealed class ScannedList(IEnumerable<object?> items) : List<object?>(items)
{
    /// <summary>Whether a text in it holds a template.</summary>
    public ScannedValues.Found Template;

    /// <summary>Whether a number in it needs converting to the engine's own types.</summary>
    public ScannedValues.Found Foreign;
}
