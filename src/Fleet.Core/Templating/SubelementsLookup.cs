namespace Fleet.Core.Templating;

/// <summary>
/// <c>with_subelements: [records, 'key.path', {skip_missing: bool}]</c>: a <c>(record, element)</c> pair for each element of each
/// record's list at the path; as in Ansible, the record in the pair no longer holds that list.
/// </summary>
internal sealed class SubelementsLookup : ILookupPlugin
{
    /// <inheritdoc />
    public string Name => "subelements";

    /// <inheritdoc />
    public List<object?> Run(IReadOnlyList<object?> terms, IReadOnlyDictionary<string, object?> keywords, LookupContext context)
    {
        static FleetInputException Wrong(string detail = "") => Filters.Error("subelements lookup expects a list of two or three items, " + detail);
        if (terms.Count is < 2 or > 3)
        {
            throw Wrong();
        }

        var records = terms[0] is string s ? new List<object?> { s } : terms[0];
        if (records is not (IReadOnlyList<object?> or IReadOnlyDictionary<string, object?>) || terms[1] is not string path)
        {
            throw Wrong("first a dict or a list, second a string pointing to the subkey");
        }

        var flags = terms.Count == 3 ? terms[2] as IReadOnlyDictionary<string, object?> ?? throw Wrong("the optional third item must be a dict with flags skip_missing") : null;
        if (flags?.Keys.FirstOrDefault(k => k != "skip_missing") is { } unknown)
        {
            throw Wrong($"the optional third item must be a dict with flags skip_missing, not '{unknown}'");
        }

        var skipMissing = Values.ToBool(flags?.GetValueOrDefault("skip_missing")) ?? false;
        IEnumerable<object?> list;
        if (records is IReadOnlyDictionary<string, object?> map)
        {
            if (Skipped(map))
            {
                return [];
            }

            list = map.Values;
        }
        else
        {
            list = (IReadOnlyList<object?>)records;
        }

        var keys = path.Split('.');
        var result = new List<object?>();
        foreach (var element in list)
        {
            if (element is not IReadOnlyDictionary<string, object?> record)
            {
                throw Filters.Error($"subelements lookup expects a dictionary, got '{Filters.Str(element)}'");
            }

            if (Skipped(record))
            {
                continue;
            }

            var (owner, sublist) = Take(record, keys, skipMissing);
            result.AddRange(sublist.Select(x => (object?)new TupleValue([owner, x])));
        }

        return result;
    }

    private static bool Skipped(IReadOnlyDictionary<string, object?> map) => map.TryGetValue("skipped", out var s) && s is not false;

    /// <summary>The record without the list at <paramref name="keys"/> (Ansible pops it) and that list; a missing key is an error unless skipped.</summary>
    private static (IReadOnlyDictionary<string, object?> Record, IReadOnlyList<object?> List) Take(IReadOnlyDictionary<string, object?> record, string[] keys, bool skipMissing)
    {
        // Walk as Ansible does: a missing or non-mapping step with skip_missing moves on to the next key at the same level.
        var trail = new List<(IReadOnlyDictionary<string, object?> Map, string Key)>();
        var current = record;
        for (var i = 0; i < keys.Length; i++)
        {
            var key = keys[i];
            var last = i == keys.Length - 1;
            if (!current.TryGetValue(key, out var value))
            {
                if (skipMissing)
                {
                    continue;
                }

                throw Filters.Error($"could not find '{key}' key in iterated item '{Filters.Str(current)}'");
            }

            if (!last)
            {
                if (value is IReadOnlyDictionary<string, object?> inner)
                {
                    trail.Add((current, key));
                    current = inner;
                }
                else if (!skipMissing)
                {
                    throw Filters.Error($"the key {key} should point to a dictionary, got '{Filters.Str(value)}'");
                }

                continue;
            }

            var list = value as IReadOnlyList<object?> ?? throw Filters.Error($"the key {key} should point to a list, got '{Filters.Str(value)}'");
            IReadOnlyDictionary<string, object?> rebuilt = current.Where(kv => kv.Key != key).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            for (var t = trail.Count - 1; t >= 0; t--)
            {
                var (map, name) = trail[t];
                var copy = map.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
                copy[name] = rebuilt;
                rebuilt = copy;
            }

            return (rebuilt, list);
        }

        return (record, []);
    }
}
