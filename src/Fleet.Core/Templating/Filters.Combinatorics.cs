namespace Fleet.Core.Templating;

public static partial class Filters
{
    /// <summary>Ansible's itertools filters: <c>combinations</c>, <c>permutations</c>, <c>product</c>, <c>zip_longest</c>, in Python's order, each result size-checked as it grows.</summary>
    private static class Combinatorics
    {
        public static readonly Dictionary<string, Filter> All = new(StringComparer.Ordinal)
        {
            ["combinations"] = (v, c) => Choose(Values.Iterate(v), ToLong(c.Get(0, "r")) ?? throw Error("combinations: the subset size must be an integer"), ordered: false),
            ["permutations"] = (v, c) => Choose(Values.Iterate(v), c.Get(0, "r") is { } r ? ToLong(r) ?? throw Error("permutations: the subset size must be an integer") : Values.Iterate(v).Count, ordered: true),
            ["product"] = (v, c) => Product([Values.Iterate(v), .. c.Arguments.Select(Values.Iterate)], ToLong(c.Keywords.GetValueOrDefault("repeat", 1L)) ?? 1),
            ["zip_longest"] = (v, c) => ZipLongest([Values.Iterate(v), .. c.Arguments.Select(Values.Iterate)], c.Keywords.GetValueOrDefault("fillvalue")),
        };

        // itertools.combinations/permutations: index tuples in lexicographic order; a size past the input gives nothing, a negative one fails.
        private static List<object?> Choose(IReadOnlyList<object?> pool, long size, bool ordered)
        {
            if (size < 0)
            {
                throw Error("r must be non-negative");
            }

            // The count is known before anything is built: C(n, r) or n!/(n-r)!, saturating.
            var count = 1.0;
            for (var k = 0; k < size && size <= pool.Count; k++)
            {
                count = ordered ? count * (pool.Count - k) : count * (pool.Count - k) / (k + 1);
            }

            RenderBudget.CheckList(size <= pool.Count ? (long)Math.Min(count, long.MaxValue) : 0);
            var result = new List<object?>();
            var chosen = new List<int>();
            void Walk(int from)
            {
                if (chosen.Count == size)
                {
                    RenderBudget.CheckList(result.Count + 1L);
                    result.Add(new TupleValue(chosen.Select(i => pool[i]).ToList()));
                    return;
                }

                for (var i = ordered ? 0 : from; i < pool.Count; i++)
                {
                    if (ordered && chosen.Contains(i))
                    {
                        continue;
                    }

                    chosen.Add(i);
                    Walk(i + 1);
                    chosen.RemoveAt(chosen.Count - 1);
                }
            }

            if (size <= pool.Count)
            {
                Walk(0);
            }

            return result;
        }

        // itertools.product: the last list varies fastest; repeat=n repeats the lists n times.
        private static List<object?> Product(IReadOnlyList<IReadOnlyList<object?>> lists, long repeat)
        {
            RenderBudget.CheckList((long)Math.Min((double)Math.Max(0, repeat) * lists.Count, long.MaxValue));
            var pools = Enumerable.Range(0, (int)Math.Max(0, repeat)).SelectMany(_ => lists).ToList();
            RenderBudget.CheckList((long)Math.Min(pools.Aggregate(1.0, (total, pool) => total * pool.Count), long.MaxValue));
            List<List<object?>> rows = [[]];
            foreach (var pool in pools)
            {
                var next = new List<List<object?>>();
                foreach (var row in rows)
                {
                    foreach (var item in pool)
                    {
                        RenderBudget.CheckList(next.Count + 1L);
                        next.Add([.. row, item]);
                    }
                }

                rows = next;
            }

            return rows.Select(row => (object?)new TupleValue(row)).ToList();
        }

        private static List<object?> ZipLongest(IReadOnlyList<IReadOnlyList<object?>> lists, object? fill)
        {
            var length = lists.Max(l => l.Count);
            RenderBudget.CheckList(length);
            return Enumerable.Range(0, length).Select(i => (object?)new TupleValue(lists.Select(l => i < l.Count ? l[i] : fill).ToList())).ToList();
        }
    }
}
