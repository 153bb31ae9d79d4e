namespace Fleet.Core;

/// <summary>A module argument as written in YAML, with where it was written (templates not yet rendered).</summary>
public abstract record ArgValue(SourceLocation Location);

/// <summary>A YAML scalar. <paramref name="Quoted"/> is true for '…' or "…" (then it is never read as a number or boolean).</summary>
public sealed record ScalarArg(string? Value, bool Quoted, SourceLocation Location) : ArgValue(Location);

/// <summary>A YAML sequence.</summary>
public sealed record ListArg(IReadOnlyList<ArgValue> Items, SourceLocation Location) : ArgValue(Location);

/// <summary>A YAML mapping, in file order.</summary>
public sealed record MapArg(IReadOnlyList<KeyValuePair<string, ArgValue>> Entries, SourceLocation Location) : ArgValue(Location)
{
    /// <summary>The value under a key, or null.</summary>
    public ArgValue? this[string key] => Entries.FirstOrDefault(e => e.Key == key).Value;
}
