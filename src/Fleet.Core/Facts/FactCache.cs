namespace Fleet.Core.Facts;

/// <summary>Facts known for one host; a change invalidates what it touched so the next read is fresh.</summary>
public sealed class FactCache : IFactSource
{
    private readonly Dictionary<Fact, object> _values = [];

    /// <summary>Number of facts held.</summary>
    public int Count => _values.Count;

    /// <summary>True when the fact has a current value.</summary>
    public bool Contains(Fact fact) => _values.ContainsKey(fact);

    /// <summary>Stores a freshly read value.</summary>
    public void Set(Fact fact, object value) => _values[fact] = value;

    /// <inheritdoc />
    public T Get<T>(Fact<T> fact)
        where T : notnull =>
        _values.TryGetValue(fact, out var value)
            ? (T)value
            : throw new InvalidOperationException($"fact not gathered: {fact}");

    /// <summary>Forgets facts a change touched; null means the change may have touched anything.</summary>
    public void Invalidate(IReadOnlyList<Fact>? touched)
    {
        if (touched is null)
        {
            _values.Clear();
            return;
        }

        foreach (var fact in touched)
        {
            _values.Remove(fact);
        }
    }

    /// <summary>Forgets every fact that matches a predicate (e.g. every fact about one path).</summary>
    public void InvalidateWhere(Func<Fact, bool> predicate)
    {
        foreach (var fact in _values.Keys.Where(predicate).ToList())
        {
            _values.Remove(fact);
        }
    }
}
