namespace Fleet.Core.Execution;

/// <summary><c>hostvars</c>: each host's variables, read when asked (so later plays see earlier set_facts).</summary>
internal sealed class HostVarsView(IReadOnlyDictionary<string, HostSession> sessions) : IReadOnlyDictionary<string, object?>
{
    public object? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => sessions.Keys;

    public IEnumerable<object?> Values => sessions.Values.Select(s => (object?)s.Snapshot());

    public int Count => sessions.Count;

    public bool ContainsKey(string key) => sessions.ContainsKey(key);

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() =>
        sessions.Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value.Snapshot())).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public bool TryGetValue(string key, out object? value)
    {
        if (sessions.TryGetValue(key, out var session))
        {
            value = session.Snapshot();
            return true;
        }

        value = null;
        return false;
    }
}
