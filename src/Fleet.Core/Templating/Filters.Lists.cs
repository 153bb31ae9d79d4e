namespace Fleet.Core.Templating;

public static partial class Filters
{
    /// <summary>Filters over sequences: <c>first</c>/<c>last</c>, <c>join</c>, <c>map</c>, <c>select</c>/<c>reject</c>(<c>attr</c>), <c>sort</c>, <c>min</c>/<c>max</c>, <c>sum</c>, <c>flatten</c>, <c>zip</c>, <c>length</c>.</summary>
    private static class Lists
    {
        public static readonly Dictionary<string, Filter> All = new(StringComparer.Ordinal)
        {
            ["count"] = (v, _) => Length(v),
            ["length"] = (v, _) => Length(v),
            ["first"] = (v, _) => Values.Iterate(v) is { Count: > 0 } items ? items[0] : throw new UndefinedVariableException("first", "No first item, sequence was empty."),
            ["last"] = (v, _) => Values.Iterate(v) is { Count: > 0 } items ? items[^1] : throw new UndefinedVariableException("last", "No last item, sequence was empty."),
            ["flatten"] = (v, c) => Flatten(Values.Iterate(v), c.Get(0, "levels") is { } l ? ToLong(l) : null, Values.Truthy(c.Get(1, "skip_nulls", true))),
            ["join"] = (v, c) => Joined(Str(c.Get(0, "d", "")), Values.Iterate(v).Select(i => Str(c.Get(1, "attribute") is { } a ? Attribute(i, a) : i)).ToList()),
            ["list"] = (v, _) => Values.Iterate(v).ToList(),
            ["map"] = (v, c) => MapFilter(v, c),
            ["max"] = (v, c) => Extreme(v, c, 1),
            ["min"] = (v, c) => Extreme(v, c, -1),
            ["reject"] = (v, c) => Select(v, c, false, false),
            ["rejectattr"] = (v, c) => Select(v, c, false, true),
            ["select"] = (v, c) => Select(v, c, true, false),
            ["selectattr"] = (v, c) => Select(v, c, true, true),
            ["reverse"] = (v, _) => v is string s ? new string(s.Reverse().ToArray()) : Values.Iterate(v).Reverse().ToList(),
            ["sort"] = (v, c) => Sort(v, c),
            ["sum"] = (v, c) => Values.Iterate(v).Select(i => c.Get(0, "attribute") is { } a ? Attribute(i, a) : i).Aggregate(c.Get(1, "start", 0L), (a, b) => Values.Arithmetic("+", a, b)),
            ["zip"] = (v, c) => Enumerable.Range(0, new[] { Values.Iterate(v) }.Concat(c.Arguments.Select(Values.Iterate)).Min(l => l.Count))
                .Select(i => (object?)new TupleValue(new[] { Values.Iterate(v) }.Concat(c.Arguments.Select(Values.Iterate)).Select(l => l[i]).ToList())).ToList(),
        };

        private static long Length(object? v) => v switch
        {
            string s => s.Length,
            IReadOnlyList<object?> l => l.Count,
            IReadOnlyDictionary<string, object?> m => m.Count,
            _ => throw Error($"object of type '{Values.TypeName(v)}' has no len()"),
        };

        private static List<object?> Select(object? v, FilterCall call, bool keep, bool byAttribute)
        {
            var items = Values.Iterate(v);
            var offset = byAttribute ? 1 : 0;
            var test = call.Arguments.Count > offset ? Str(call.Arguments[offset]) : null;
            var testCall = call.Skip(offset + 1) with { Keywords = new Dictionary<string, object?>() };
            return items.Where(item =>
            {
                bool result;
                if (test is null)
                {
                    result = Values.Truthy(byAttribute ? Attribute(item, call.Arguments[0]) : item);
                }
                else if (test is "defined" or "undefined")
                {
                    bool defined;
                    try
                    {
                        _ = byAttribute ? Attribute(item, call.Arguments[0]) : item;
                        defined = true;
                    }
                    catch (UndefinedVariableException)
                    {
                        defined = false;
                    }

                    result = defined == (test == "defined");
                }
                else
                {
                    result = Tests.Apply(test, byAttribute ? Attribute(item, call.Arguments[0]) : item, testCall);
                }

                return result == keep;
            }).ToList();
        }

        private static List<object?> MapFilter(object? v, FilterCall call)
        {
            var items = Values.Iterate(v);
            if (call.Keywords.TryGetValue("attribute", out var attribute))
            {
                return items.Select(i =>
                {
                    try
                    {
                        return Attribute(i, attribute);
                    }
                    catch (UndefinedVariableException) when (call.Keywords.ContainsKey("default"))
                    {
                        return call.Keywords["default"];
                    }
                }).ToList();
            }

            if (call.Arguments.Count == 0)
            {
                throw Error("map requires a filter name or attribute=");
            }

            var name = Str(call.Arguments[0]);
            var rest = call.Skip(1);
            return items.Select(i => Apply(name, i, rest)).ToList();
        }

        private static object? Extreme(object? v, FilterCall call, int sign)
        {
            var items = Values.Iterate(v);
            if (items.Count == 0)
            {
                throw new UndefinedVariableException("min/max", "No aggregated item, sequence was empty.");
            }

            var caseSensitive = Values.Truthy(call.Get(0, "case_sensitive", false));
            var attribute = call.Get(1, "attribute");
            object? Key(object? i)
            {
                var k = attribute is null ? i : Attribute(i, attribute);
                return !caseSensitive && k is string s ? s.ToLowerInvariant() : k;
            }

            var best = items[0];
            foreach (var item in items.Skip(1))
            {
                if (Values.Compare(Key(item), Key(best)) * sign > 0)
                {
                    best = item;
                }
            }

            return best;
        }

        private static List<object?> Sort(object? v, FilterCall call)
        {
            var reverse = Values.Truthy(call.Get(0, "reverse", false));
            var caseSensitive = Values.Truthy(call.Get(1, "case_sensitive", false));
            var attributes = call.Get(2, "attribute") is { } a ? Str(a).Split(',').Select(x => (object?)x.Trim()).ToList() : [];
            object? Key(object? i)
            {
                var key = attributes.Count switch
                {
                    0 => i,
                    1 => Attribute(i, attributes[0]),
                    _ => attributes.Select(x => Attribute(i, x)).ToList(),
                };
                return !caseSensitive ? Lower(key) : key;
            }

            static object? Lower(object? k) => k switch
            {
                string s => s.ToLowerInvariant(),
                IReadOnlyList<object?> l => l.Select(Lower).ToList(),
                _ => k,
            };
            var keyed = Values.Iterate(v).Select(i => (Item: i, Key: Key(i))).ToList();
            var sorted = reverse
                ? keyed.OrderByDescending(x => x.Key, Comparer<object?>.Create(Values.Compare)).ToList()
                : keyed.OrderBy(x => x.Key, Comparer<object?>.Create(Values.Compare)).ToList();
            return sorted.Select(x => x.Item).ToList();
        }

        private static List<object?> Flatten(IReadOnlyList<object?> items, long? levels, bool skipNulls)
        {
            var result = new List<object?>();
            foreach (var item in items)
            {
                if (skipNulls && (item is null || item is "None" or "null"))
                {
                    continue;
                }

                if (item is IReadOnlyList<object?> inner && (levels is null || levels >= 1))
                {
                    result.AddRange(Flatten(inner, levels - 1, skipNulls));
                }
                else
                {
                    result.Add(item);
                }
            }

            return result;
        }
    }
}
