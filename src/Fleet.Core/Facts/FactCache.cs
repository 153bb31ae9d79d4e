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

    /// <summary>Forgets the facts whose subjects a change touched; null means the change may have touched anything.</summary>
    public void Invalidate(IReadOnlyList<Subject>? touched)
    {
        if (touched is null || touched.Contains(Subject.Everything))
        {
            _values.Clear();
            return;
        }

        foreach (var fact in _values.Keys.Where(f => IsStaleAfter(f, touched)).ToList())
        {
            _values.Remove(fact);
        }
    }

    /// <summary>Forgets one fact (a retry re-reads what its task reads).</summary>
    public void Forget(IEnumerable<Fact> facts)
    {
        foreach (var fact in facts)
        {
            _values.Remove(fact);
        }
    }

    /// <summary>
    /// True when a change touching <paramref name="touched"/> makes <paramref name="fact"/> stale, judged by what the fact read when
    /// its value is held (a link's fact then depends on the link and its target only, not on every path).
    /// </summary>
    public bool IsStaleAfter(Fact fact, IReadOnlyList<Subject> touched)
    {
        ArgumentNullException.ThrowIfNull(fact);
        return Overlap(_values.TryGetValue(fact, out var value) ? fact.SubjectsOf(value) : fact.Subjects, touched);
    }

    private static bool Overlap(IReadOnlyList<Subject> subjects, IReadOnlyList<Subject> touched) =>
        subjects.Any(s => touched.Any(t => t.Overlaps(s)));
}
