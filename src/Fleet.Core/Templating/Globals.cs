namespace Fleet.Core.Templating;

/// <summary>Functions every template can call: <c>range</c>, <c>dict</c>, <c>lookup</c>/<c>query</c> (<c>file</c>, <c>env</c>, <c>template</c>).</summary>
internal static class Globals
{
    private delegate object? Global(IReadOnlyList<object?> arguments, IReadOnlyDictionary<string, object?> keywords, IVariableLookup variables);

    private static readonly Dictionary<string, Global> Catalog = new(StringComparer.Ordinal)
    {
        ["range"] = (a, _, _) => Range(a),
        ["dict"] = (_, k, _) => k.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
        ["lookup"] = (a, k, v) => Lookups.Run(a, k, v, wantList: Values.Truthy(k.GetValueOrDefault("wantlist", false))),
        ["query"] = (a, k, v) => Lookups.Run(a, k, v, wantList: true),
        ["q"] = (a, k, v) => Lookups.Run(a, k, v, wantList: true),
    };

    public static readonly IReadOnlySet<string> Names = Catalog.Keys.ToHashSet(StringComparer.Ordinal);

    public static bool TryCall(string name, IReadOnlyList<object?> a, IReadOnlyDictionary<string, object?> k, IVariableLookup variables, out object? result)
    {
        var global = Catalog.GetValueOrDefault(name);
        result = global?.Invoke(a, k, variables);
        return global is not null;
    }

    private static List<object?> Range(IReadOnlyList<object?> a)
    {
        var numbers = a.Select(x => x is long n ? n : throw Filters.Error($"range() takes integers, not {Values.TypeName(x)}")).ToList();
        var (start, stop, step) = numbers.Count switch
        {
            1 => (0L, numbers[0], 1L),
            2 => (numbers[0], numbers[1], 1L),
            3 => (numbers[0], numbers[1], numbers[2]),
            _ => throw Filters.Error("range() takes 1 to 3 arguments"),
        };
        // The count in 128 bits: in 64 it wraps (range(-2**63, 2**63-1) looked small) and the limit was bypassed.
        if (step == 0 || Int128.Abs(((Int128)stop - start) / step) > 100_000)
        {
            throw Filters.Error(step == 0 ? "range() arg 3 must not be zero" : "range() is limited to 100000 items");
        }

        var result = new List<object?>();
        for (Int128 i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            result.Add((long)i);
        }

        return result;
    }
}
