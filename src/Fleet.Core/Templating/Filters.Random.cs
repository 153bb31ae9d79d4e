namespace Fleet.Core.Templating;

public static partial class Filters
{
    /// <summary>
    /// Ansible's random filters: <c>random</c> (an integer below the input, with <c>start</c>/<c>step</c>, or an item of a list)
    /// and <c>shuffle</c>; with <c>seed=</c> they draw what Python's <c>Random(seed)</c> draws, else they change on every render, as in Ansible.
    /// </summary>
    private static class Randoms
    {
        public static readonly Dictionary<string, Filter> All = new(StringComparer.Ordinal)
        {
            ["random"] = (v, c) => Random(v, c.Get(0, "start"), c.Get(1, "step"), c.Get(2, "seed")),
            ["shuffle"] = (v, c) => Shuffle(v, c.Get(0, "seed")),
        };

        private static PythonRandom Generator(object? seed) => seed is null ? PythonRandom.System() : PythonRandom.Seeded(seed);

        // Ansible's rand(): `if not start` and `if not step` read 0 and none alike, as Python's truth does.
        private static object? Random(object? end, object? start, object? step, object? seed)
        {
            switch (end)
            {
                case long or bool:
                    var from = Values.Truthy(start) ? ToLong(start) ?? throw Error("random: start must be an integer") : 0;
                    var by = Values.Truthy(step) ? ToLong(step) ?? throw Error("random: step must be an integer") : 1;
                    return Generator(seed).Range(from, ToLong(end)!.Value, by);
                case IReadOnlyList<object?> or string:
                    if (Values.Truthy(start) || Values.Truthy(step))
                    {
                        throw Error("start and step can only be used with integer values");
                    }

                    var items = Values.Iterate(end);
                    return items.Count > 0 ? items[(int)Generator(seed).Below(items.Count)] : throw Error("Cannot choose from an empty sequence");
                default:
                    throw Error("random can only be used on sequences and integers");
            }
        }

        // Ansible's randomize_list(): a falsy seed shuffles without one, and input it cannot list comes back unchanged.
        private static object? Shuffle(object? value, object? seed)
        {
            if (value is not (IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> or string))
            {
                return value;
            }

            var items = Values.Iterate(value).ToList();
            Generator(Values.Truthy(seed) ? seed : null).Shuffle(items);
            return items;
        }
    }
}
