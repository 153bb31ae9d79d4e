namespace Fleet.Core.Templating;

/// <summary>The <c>loop</c> variable of a <c>for</c>: index, index0, revindex, revindex0, first, last, length, previtem, nextitem, cycle().</summary>
internal sealed class LoopContext(IReadOnlyList<object?> items, int index) : IReadOnlyDictionary<string, object?>
{
    private Dictionary<string, object?> Fields
    {
        get
        {
            var fields = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["index"] = (long)index + 1, ["index0"] = (long)index, ["revindex"] = (long)(items.Count - index),
                ["revindex0"] = (long)(items.Count - index - 1), ["first"] = index == 0, ["last"] = index == items.Count - 1,
                ["length"] = (long)items.Count, ["depth"] = 1L, ["depth0"] = 0L,
            };
            if (index > 0)
            {
                fields["previtem"] = items[index - 1];
            }

            if (index < items.Count - 1)
            {
                fields["nextitem"] = items[index + 1];
            }

            return fields;
        }
    }

    public object? Cycle(IReadOnlyList<object?> values) =>
        values.Count == 0 ? throw new FleetInputException("no items for cycling given") : values[index % values.Count];

    public object? this[string key] => Fields[key];

    public IEnumerable<string> Keys => Fields.Keys;

    public IEnumerable<object?> Values => Fields.Values;

    public int Count => Fields.Count;

    public bool ContainsKey(string key) => Fields.ContainsKey(key);

    public bool TryGetValue(string key, out object? value) => Fields.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => Fields.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
