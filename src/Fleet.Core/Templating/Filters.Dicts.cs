namespace Fleet.Core.Templating;

public static partial class Filters
{
    /// <summary>Filters over maps: <c>combine</c>, <c>dict2items</c>/<c>items2dict</c>, <c>dictsort</c>, <c>extract</c>.</summary>
    private static class Dicts
    {
        public static readonly Dictionary<string, Filter> All = new(StringComparer.Ordinal)
        {
            ["dict_kv"] = (v, c) => new Dictionary<string, object?>(StringComparer.Ordinal) { [c.Get(0, "key") as string ?? throw Error("dict_kv: the key must be a text")] = v },
            ["items"] = (v, _) => v is IReadOnlyDictionary<string, object?> map ? map.Select(kv => (object?)new TupleValue([kv.Key, kv.Value])).ToList() : throw Error("Can only get item pairs from a mapping."),
            ["combine"] = (v, c) => Combine(v, c),
            ["dict2items"] = (v, c) => Map(v, "dict2items").Select(kv => (object?)new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                [Str(c.Get(0, "key_name", "key"))] = kv.Key,
                [Str(c.Get(1, "value_name", "value"))] = kv.Value,
            }).ToList(),
            ["items2dict"] = (v, c) => Values.Iterate(v).ToDictionary(
                i => Str(Values.Item(i, c.Get(0, "key_name", "key"), "item")),
                i => Values.Item(i, c.Get(1, "value_name", "value"), "item"), StringComparer.Ordinal),
            ["dictsort"] = (v, c) => Map(v, "dictsort").OrderBy(kv => Values.Truthy(c.Get(0, "case_sensitive", false)) ? kv.Key : kv.Key.ToLowerInvariant(), StringComparer.Ordinal)
                .Select(kv => (object?)new TupleValue([kv.Key, kv.Value])).ToList(),
            ["extract"] = (v, c) => Values.Item(c.Get(0, "container"), v, "container"),
        };

        private static IReadOnlyDictionary<string, object?> Map(object? v, string filter) =>
            v as IReadOnlyDictionary<string, object?> ?? throw Error($"{filter} requires a dictionary, got {Values.TypeName(v)} instead.");

        private static Dictionary<string, object?> Combine(object? v, FilterCall call)
        {
            var recursive = Values.Truthy(call.Keywords.GetValueOrDefault("recursive", false));
            var listMerge = Str(call.Keywords.GetValueOrDefault("list_merge", "replace"));
            var unknown = call.Keywords.Keys.Except(["recursive", "list_merge"]).ToList();
            if (unknown.Count > 0)
            {
                throw Error("'recursive' and 'list_merge' are the only valid keyword arguments");
            }

            var terms = new[] { v }.Concat(call.Arguments).SelectMany(t => t is IReadOnlyList<object?> l ? l : [t]).ToList();
            var result = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var term in terms)
            {
                result = Merge(result, Map(term, "combine"), recursive, listMerge);
            }

            return result;
        }

        private static Dictionary<string, object?> Merge(IReadOnlyDictionary<string, object?> low, IReadOnlyDictionary<string, object?> high, bool recursive, string listMerge)
        {
            var result = low.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            foreach (var (key, value) in high)
            {
                if (result.TryGetValue(key, out var existing))
                {
                    if (recursive && existing is IReadOnlyDictionary<string, object?> a && value is IReadOnlyDictionary<string, object?> b)
                    {
                        result[key] = Merge(a, b, recursive, listMerge);
                        continue;
                    }

                    if (existing is IReadOnlyList<object?> la && value is IReadOnlyList<object?> lb)
                    {
                        result[key] = listMerge switch
                        {
                            "replace" => lb,
                            "keep" => la,
                            "append" => la.Concat(lb).ToList(),
                            "prepend" => lb.Concat(la).ToList(),
                            "append_rp" => la.Where(x => !lb.Any(y => Values.Equal(x, y))).Concat(lb).ToList(),
                            "prepend_rp" => lb.Concat(la.Where(x => !lb.Any(y => Values.Equal(x, y)))).ToList(),
                            _ => throw Error($"'{listMerge}' is not a valid list_merge"),
                        };
                        continue;
                    }
                }

                result[key] = value;
            }

            return result;
        }
    }
}
