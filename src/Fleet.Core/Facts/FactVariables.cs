namespace Fleet.Core.Facts;

/// <summary>The fact variables the engine defines at connect time, so validation does not call them undefined.</summary>
public static class FactVariables
{
    /// <summary>
    /// Stand-ins for the facts while validating without hosts: every <c>ansible_x</c> with a value of its type (empty text, 0,
    /// empty lists), and <c>ansible_facts</c> (and the maps in it) answering any key, as facts that modules like package_facts
    /// add at run time cannot be known before.
    /// </summary>
    public static IReadOnlyDictionary<string, object?> Placeholders { get; } = Build();

    /// <summary>Every fact variable name (Ansible's names).</summary>
    public static IReadOnlySet<string> Names { get; } = Placeholders.Keys.ToHashSet(StringComparer.Ordinal);

    /// <summary>The facts with Ansible's <c>playbook_dir</c> (where <c>lookup('file')</c> and <c>template</c> look for relative paths).</summary>
    public static IReadOnlyDictionary<string, object?> WithPlaybookDir(IReadOnlyDictionary<string, object?>? facts, string playbookDirectory) =>
        new Dictionary<string, object?>(facts ?? new Dictionary<string, object?>(), StringComparer.Ordinal) { ["playbook_dir"] = playbookDirectory };

    private static Dictionary<string, object?> Build()
    {
        var facts = new SystemInfo("", "", "", "", "", "", "", "", "", "", "") { MinorVersion = "", Account = new UserAccount(0, 0, "", "", "", 0, 0, 0) }.ToFacts();
        foreach (var key in facts.Keys.ToList())
        {
            facts[key] = facts[key] is IReadOnlyDictionary<string, object?> map ? new AnyKey(map) : facts[key];
        }

        var variables = facts.ToDictionary(kv => "ansible_" + kv.Key, kv => kv.Value, StringComparer.Ordinal);
        variables["ansible_facts"] = new AnyKey(SystemInfo.Namespaced(facts));
        return variables;
    }

    /// <summary>A map that has every key (another such map where it has no value of its own).</summary>
    private sealed class AnyKey(IReadOnlyDictionary<string, object?> known) : IReadOnlyDictionary<string, object?>
    {
        public object? this[string key] => known.TryGetValue(key, out var value) ? value : new AnyKey(new Dictionary<string, object?>());

        public IEnumerable<string> Keys => known.Keys;

        public IEnumerable<object?> Values => known.Values;

        public int Count => known.Count;

        public bool ContainsKey(string key) => true;

        public bool TryGetValue(string key, out object? value)
        {
            value = this[key];
            return true;
        }

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => known.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
