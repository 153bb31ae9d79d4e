namespace Fleet.Core.Facts;

/// <summary>A list of names compared by its items, so two facts over the same names are the same fact (records compare lists by reference).</summary>
public sealed class NameList : IReadOnlyList<string>, IEquatable<NameList>
{
    private readonly string[] _names;

    /// <summary>Creates the list.</summary>
    public NameList(IEnumerable<string> names) => _names = [.. names];

    /// <inheritdoc />
    public string this[int index] => _names[index];

    /// <inheritdoc />
    public int Count => _names.Length;

    /// <inheritdoc />
    public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)_names).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => _names.GetEnumerator();

    /// <inheritdoc />
    public bool Equals(NameList? other) => other is not null && _names.AsSpan().SequenceEqual(other._names);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as NameList);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var name in _names)
        {
            hash.Add(name, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(", ", _names);
}
