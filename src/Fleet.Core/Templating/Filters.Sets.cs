namespace Fleet.Core.Templating;

public static partial class Filters
{
    /// <summary>Ansible's set filters, which keep the first occurrence's order: <c>unique</c>, <c>union</c>, <c>intersect</c>, <c>difference</c>, <c>symmetric_difference</c>.</summary>
    private static class Sets
    {
        public static readonly Dictionary<string, Filter> All = new(StringComparer.Ordinal)
        {
            ["difference"] = (v, c) => UniqueOf(Values.Iterate(v).Where(x => !Values.Contains(c.Get(0, "b"), x)), true),
            ["intersect"] = (v, c) => UniqueOf(Values.Iterate(v).Where(x => Values.Contains(c.Get(0, "b"), x)), true),
            ["union"] = (v, c) => UniqueOf(Values.Iterate(v).Concat(Values.Iterate(c.Get(0, "b"))), true),
            ["symmetric_difference"] = (v, c) =>
            {
                var both = UniqueOf(Values.Iterate(v).Where(x => Values.Contains(c.Get(0, "b"), x)), true);
                return UniqueOf(Values.Iterate(v).Concat(Values.Iterate(c.Get(0, "b"))), true).Where(x => !Values.Contains(both, x)).ToList();
            },
            ["unique"] = (v, c) => UniqueOf(Values.Iterate(v), Values.Truthy(c.Get(0, "case_sensitive", false)), c.Get(1, "attribute")),
        };

        private static List<object?> UniqueOf(IEnumerable<object?> items, bool caseSensitive, object? attribute = null)
        {
            var result = new List<object?>();
            var seen = new List<object?>();
            foreach (var item in items)
            {
                var key = attribute is null ? item : Attribute(item, attribute);
                key = !caseSensitive && key is string s ? s.ToLowerInvariant() : key;
                if (!seen.Any(x => Values.Equal(x, key)))
                {
                    seen.Add(key);
                    result.Add(item);
                }
            }

            return result;
        }
    }
}
