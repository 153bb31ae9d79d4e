using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Fleet.Core.Templating;

/// <summary>The evaluated arguments of a filter or test call, and the variables it ran with (for <c>map('filter')</c>, lookups).</summary>
public sealed record FilterCall(IReadOnlyList<object?> Arguments, IReadOnlyDictionary<string, object?> Keywords, IVariableLookup Variables)
{
    /// <summary>The argument at <paramref name="index"/> or named <paramref name="name"/>, else <paramref name="fallback"/>.</summary>
    public object? Get(int index, string name, object? fallback = null) =>
        index < Arguments.Count ? Arguments[index] : Keywords.TryGetValue(name, out var value) ? value : fallback;

    /// <summary>The same call without its first <paramref name="count"/> positional arguments.</summary>
    public FilterCall Skip(int count) => this with { Arguments = Arguments.Skip(count).ToList() };
}

/// <summary>
/// Jinja's built-in filters and Ansible's (<c>bool</c>, <c>ternary</c>, <c>combine</c>, <c>regex_*</c>, <c>to_*json</c>/<c>yaml</c>,
/// <c>comment</c>, <c>password_hash</c>, <c>dict2items</c>, set operations, …), with their Python semantics.
/// </summary>
public static partial class Filters
{
    private delegate object? Filter(object? input, FilterCall call);

    private static readonly Dictionary<string, Filter> Catalog = new(StringComparer.Ordinal)
    {
        ["abs"] = (v, _) => v switch { long n => Math.Abs(n), double d => (object)Math.Abs(d), bool b => b ? 1L : 0L, _ => throw Error($"bad operand type for abs(): '{Values.TypeName(v)}'") },
        ["b64decode"] = (v, _) => Encoding.UTF8.GetString(Convert.FromBase64String(Str(v))),
        ["b64encode"] = (v, _) => Convert.ToBase64String(Encoding.UTF8.GetBytes(Str(v))),
        ["basename"] = (v, _) => Str(v)[(Str(v).LastIndexOf('/') + 1)..],
        ["bool"] = (v, _) => v switch
        {
            null => null,
            bool b => b,
            string s => s.ToLowerInvariant() is "yes" or "on" or "1" or "true",
            long n => n == 1,
            double d => d == 1,
            _ => false,
        },
        ["capitalize"] = (v, _) => Str(v) is { Length: > 0 } s ? char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant() : "",
        ["combine"] = (v, c) => Combine(v, c),
        ["comment"] = (v, c) => Comment(Str(v), c),
        ["count"] = (v, _) => Length(v),
        ["length"] = (v, _) => Length(v),
        ["dict2items"] = (v, c) => Map(v, "dict2items").Select(kv => (object?)new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            [Str(c.Get(0, "key_name", "key"))] = kv.Key,
            [Str(c.Get(1, "value_name", "value"))] = kv.Value,
        }).ToList(),
        ["items2dict"] = (v, c) => Values.Iterate(v).ToDictionary(
            i => Str(Values.Item(i, c.Get(0, "key_name", "key"), "item")),
            i => Values.Item(i, c.Get(1, "value_name", "value"), "item"), StringComparer.Ordinal),
        ["difference"] = (v, c) => UniqueOf(Values.Iterate(v).Where(x => !Values.Contains(c.Get(0, "b"), x)), true),
        ["intersect"] = (v, c) => UniqueOf(Values.Iterate(v).Where(x => Values.Contains(c.Get(0, "b"), x)), true),
        ["union"] = (v, c) => UniqueOf(Values.Iterate(v).Concat(Values.Iterate(c.Get(0, "b"))), true),
        ["symmetric_difference"] = (v, c) =>
        {
            var both = UniqueOf(Values.Iterate(v).Where(x => Values.Contains(c.Get(0, "b"), x)), true);
            return UniqueOf(Values.Iterate(v).Concat(Values.Iterate(c.Get(0, "b"))), true).Where(x => !Values.Contains(both, x)).ToList();
        },
        ["dirname"] = (v, _) => Dirname(Str(v)),
        ["first"] = (v, _) => Values.Iterate(v) is { Count: > 0 } items ? items[0] : throw new UndefinedVariableException("first", "No first item, sequence was empty."),
        ["last"] = (v, _) => Values.Iterate(v) is { Count: > 0 } items ? items[^1] : throw new UndefinedVariableException("last", "No last item, sequence was empty."),
        ["flatten"] = (v, c) => Flatten(Values.Iterate(v), c.Get(0, "levels") is { } l ? ToLong(l) : null, Values.Truthy(c.Get(1, "skip_nulls", true))),
        ["float"] = (v, c) => ToFloat(v) ?? c.Get(0, "default", 0.0),
        ["int"] = (v, c) => ToInt(v, (int)(ToLong(c.Get(1, "base", 10L)) ?? 10)) ?? c.Get(0, "default", 0L),
        ["hash"] = (v, c) => Hash(Str(v), Str(c.Get(0, "hashtype", "sha1"))),
        ["checksum"] = (v, _) => Hash(Str(v), "sha1"),
        ["format"] = (v, c) => c.Keywords.Count > 0 ? Values.PercentFormat(Str(v), [c.Keywords]) : Values.PercentFormat(Str(v), c.Arguments),
        ["indent"] = (v, c) => Indent(Str(v), c.Get(0, "width", 4L), Values.Truthy(c.Get(1, "first", false)), Values.Truthy(c.Get(2, "blank", false))),
        ["join"] = (v, c) => string.Join(Str(c.Get(0, "d", "")), Values.Iterate(v).Select(i => Str(c.Get(1, "attribute") is { } a ? Attribute(i, a) : i))),
        ["list"] = (v, _) => Values.Iterate(v).ToList(),
        ["lower"] = (v, _) => Str(v).ToLowerInvariant(),
        ["upper"] = (v, _) => Str(v).ToUpperInvariant(),
        ["title"] = (v, _) => string.Concat(WordStart().Split(Str(v)).Where(i => i.Length > 0).Select(i => char.ToUpperInvariant(i[0]) + i[1..].ToLowerInvariant())),
        ["map"] = (v, c) => MapFilter(v, c),
        ["max"] = (v, c) => Extreme(v, c, 1),
        ["min"] = (v, c) => Extreme(v, c, -1),
        ["password_hash"] = (v, c) => PasswordHash(Str(v), c),
        ["quote"] = (v, _) => ShellQuote(v is null ? "" : Str(v)),
        ["regex_replace"] = (v, c) => Python.Regex(Str(c.Get(0, "pattern", "")), Values.Truthy(c.Get(2, "ignorecase", false)), Values.Truthy(c.Get(3, "multiline", false)))
            .Replace(Str(v), Python.Replacement(Str(c.Get(1, "replacement", "")))),
        ["regex_search"] = (v, c) => RegexSearch(Str(v), c),
        ["regex_findall"] = (v, c) => RegexFindAll(Str(v), c),
        ["regex_escape"] = (v, _) => Python.Escape(Str(v)),
        ["reject"] = (v, c) => Select(v, c, false, false),
        ["rejectattr"] = (v, c) => Select(v, c, false, true),
        ["select"] = (v, c) => Select(v, c, true, false),
        ["selectattr"] = (v, c) => Select(v, c, true, true),
        ["replace"] = (v, c) => Replace(Str(v), Str(c.Get(0, "old")), Str(c.Get(1, "new")), c.Get(2, "count") is { } n ? ToLong(n) : null),
        ["reverse"] = (v, _) => v is string s ? new string(s.Reverse().ToArray()) : Values.Iterate(v).Reverse().ToList(),
        ["round"] = (v, c) => Round(v, ToLong(c.Get(0, "precision", 0L)) ?? 0, Str(c.Get(1, "method", "common"))),
        ["sort"] = (v, c) => Sort(v, c),
        ["split"] = (v, c) => Methods.Split(Str(v), c.Get(0, "sep"), ToLong(c.Get(1, "maxsplit", -1L)) ?? -1),
        ["splitext"] = (v, _) => SplitExt(Str(v)),
        ["string"] = (v, _) => Str(v),
        ["sum"] = (v, c) => Values.Iterate(v).Select(i => c.Get(0, "attribute") is { } a ? Attribute(i, a) : i).Aggregate(c.Get(1, "start", 0L), (a, b) => Values.Arithmetic("+", a, b)),
        ["ternary"] = (v, c) => v is null && c.Get(2, "none_val") is { } none ? none : Values.Truthy(v) ? c.Get(0, "true_val") : c.Get(1, "false_val"),
        ["to_json"] = (v, c) => Json.Dump(v, c.Get(0, "indent") is { } i ? ToLong(i) : null, Values.Truthy(c.Get(1, "sort_keys", false)), c.Keywords.ContainsKey("indent") ? "," : ", ", Values.Truthy(c.Keywords.GetValueOrDefault("ensure_ascii", true))),
        ["to_nice_json"] = (v, c) => Json.Dump(v, ToLong(c.Get(0, "indent", 4L)), Values.Truthy(c.Get(1, "sort_keys", true)), ",", Values.Truthy(c.Keywords.GetValueOrDefault("ensure_ascii", true))),
        ["to_yaml"] = (v, c) => Yaml.Dump(v, (int)(ToLong(c.Get(0, "indent", 2L)) ?? 2), flowLeaves: true),
        ["to_nice_yaml"] = (v, c) => Yaml.Dump(v, (int)(ToLong(c.Get(0, "indent", 4L)) ?? 4), flowLeaves: false),
        ["trim"] = (v, c) => c.Get(0, "chars") is { } chars ? Str(v).Trim(Str(chars).ToCharArray()) : Str(v).Trim(Python.Whitespace),
        ["type_debug"] = (v, _) => Values.TypeName(v),
        ["unique"] = (v, c) => UniqueOf(Values.Iterate(v), Values.Truthy(c.Get(0, "case_sensitive", false)), c.Get(1, "attribute")),
        ["wordcount"] = (v, _) => (long)Regex.Count(Str(v), @"\w+"),
        ["dictsort"] = (v, c) => Map(v, "dictsort").OrderBy(kv => Values.Truthy(c.Get(0, "case_sensitive", false)) ? kv.Key : kv.Key.ToLowerInvariant(), StringComparer.Ordinal)
            .Select(kv => (object?)new TupleValue([kv.Key, kv.Value])).ToList(),
        ["extract"] = (v, c) => Values.Item(c.Get(0, "container"), v, "container"),
        ["from_json"] = (v, _) => Json.Parse(Str(v)),
        ["zip"] = (v, c) => Enumerable.Range(0, new[] { Values.Iterate(v) }.Concat(c.Arguments.Select(Values.Iterate)).Min(l => l.Count))
            .Select(i => (object?)new TupleValue(new[] { Values.Iterate(v) }.Concat(c.Arguments.Select(Values.Iterate)).Select(l => l[i]).ToList())).ToList(),
    };

    /// <summary>True for a filter Fleet implements (<c>default</c> and <c>mandatory</c> are handled by the expression, as they see undefined input).</summary>
    public static bool Known(string name) => Catalog.ContainsKey(name) || name is "default" or "d" or "mandatory";

    /// <summary>Every filter name, for messages and documentation.</summary>
    public static IEnumerable<string> Names => Catalog.Keys.Append("default").Append("d").Append("mandatory").Order(StringComparer.Ordinal);

    /// <summary>Applies the filter <paramref name="name"/> to <paramref name="input"/>.</summary>
    public static object? Apply(string name, object? input, FilterCall call)
    {
        if (name is "default" or "d")
        {
            return input;
        }

        var filter = Catalog.GetValueOrDefault(name) ?? throw Error($"unknown filter '{name}'");
        try
        {
            return filter(input, call);
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or ArgumentException or OverflowException or RegexParseException)
        {
            throw Error($"filter '{name}': {ex.Message}");
        }
    }

    internal static FleetInputException Error(string message) => new(message);

    internal static string Str(object? v) => Values.ToPython(v);

    private static long? ToLong(object? v) => v switch
    {
        null => null,
        long n => n,
        bool b => b ? 1 : 0,
        double d => (long)d,
        _ => ToInt(v, 10),
    };

    private static long Length(object? v) => v switch
    {
        string s => s.Length,
        IReadOnlyList<object?> l => l.Count,
        IReadOnlyDictionary<string, object?> m => m.Count,
        _ => throw Error($"object of type '{Values.TypeName(v)}' has no len()"),
    };

    private static IReadOnlyDictionary<string, object?> Map(object? v, string filter) =>
        v as IReadOnlyDictionary<string, object?> ?? throw Error($"{filter} requires a dictionary, got {Values.TypeName(v)} instead.");

    /// <summary>Python's <c>int()</c> as Jinja's <c>int</c> filter tries it: the text as an integer, else as a float truncated, else null.</summary>
    internal static long? ToInt(object? v, int numberBase)
    {
        switch (v)
        {
            case long n: return n;
            case bool b: return b ? 1 : 0;
            case double d when !double.IsNaN(d) && !double.IsInfinity(d): return (long)Math.Truncate(d);
            case string s:
                var t = s.Trim(Python.Whitespace).Replace("_", "", StringComparison.Ordinal);
                try
                {
                    var negative = t.StartsWith('-');
                    var digits = t.TrimStart('+', '-');
                    if (numberBase == 16 && digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) digits = digits[2..];
                    if (numberBase == 8 && digits.StartsWith("0o", StringComparison.OrdinalIgnoreCase)) digits = digits[2..];
                    if (numberBase == 2 && digits.StartsWith("0b", StringComparison.OrdinalIgnoreCase)) digits = digits[2..];
                    if (digits.Length > 0 && digits.All(char.IsAsciiLetterOrDigit) && t.Count(ch => ch is '+' or '-') <= 1)
                    {
                        var value = Convert.ToInt64(digits, numberBase);
                        return negative ? -value : value;
                    }
                }
                catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException)
                {
                    // not an integer in this base: try a float below, as Python's int(float(s)) does
                }

                return ToFloat(s) is double f && !double.IsNaN(f) && !double.IsInfinity(f) ? (long)Math.Truncate(f) : null;
            default: return null;
        }
    }

    internal static double? ToFloat(object? v) => v switch
    {
        long n => n,
        double d => d,
        bool b => b ? 1 : 0,
        string s when s.Trim(Python.Whitespace) is { Length: > 0 } t && !t.Contains(' ', StringComparison.Ordinal)
            && double.TryParse(t.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        string s when s.Trim(Python.Whitespace).ToLowerInvariant() is "inf" or "+inf" or "infinity" => double.PositiveInfinity,
        string s when s.Trim(Python.Whitespace).ToLowerInvariant() is "-inf" or "-infinity" => double.NegativeInfinity,
        string s when s.Trim(Python.Whitespace).ToLowerInvariant() is "nan" => double.NaN,
        _ => null,
    };

    private static string Dirname(string path)
    {
        var slash = path.LastIndexOf('/') + 1;
        var head = path[..slash];
        return head.Length > 0 && head.Any(c => c != '/') ? head.TrimEnd('/') : head;
    }

    private static TupleValue SplitExt(string path)
    {
        var name = path.LastIndexOf('/') + 1;
        var dot = path.LastIndexOf('.');
        if (dot > name && path[name..dot].Any(c => c != '.'))
        {
            return new TupleValue([path[..dot], path[dot..]]);
        }

        return new TupleValue([path, ""]);
    }

    [GeneratedRegex(@"([-\s({\[<]+)")]
    private static partial Regex WordStart();

    /// <summary>Python's <c>str.title()</c>.</summary>
    internal static string TitleCase(string s)
    {
        var result = new StringBuilder(s.Length);
        var previousCased = false;
        foreach (var c in s)
        {
            result.Append(previousCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousCased = char.IsLetter(c);
        }

        return result.ToString();
    }

    private static object? Attribute(object? item, object? attribute)
    {
        if (attribute is long index)
        {
            return Values.Item(item, index, "item");
        }

        foreach (var part in Str(attribute).Split('.'))
        {
            item = Values.Item(item, long.TryParse(part, CultureInfo.InvariantCulture, out var n) && item is IReadOnlyList<object?> ? n : part, "item");
        }

        return item;
    }

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

    private static string Indent(string s, object? width, bool first, bool blank)
    {
        var indentation = width is string w ? w : new string(' ', (int)(ToLong(width) ?? 4));
        var lines = Python.SplitLines(s + "\n");
        string result;
        if (blank)
        {
            result = string.Join("\n" + indentation, lines);
        }
        else
        {
            result = lines[0];
            if (lines.Count > 1)
            {
                result += "\n" + string.Join("\n", lines.Skip(1).Select(l => l.Length > 0 ? indentation + l : l));
            }
        }

        return first ? indentation + result : result;
    }

    private static string Replace(string s, string old, string replacement, long? count)
    {
        if (count is null or < 0)
        {
            return old.Length == 0 ? string.Concat(s.Select(c => replacement + c)) + replacement : s.Replace(old, replacement, StringComparison.Ordinal);
        }

        var result = new StringBuilder();
        var position = 0;
        for (var n = 0; n < count; n++)
        {
            var found = s.IndexOf(old, position, StringComparison.Ordinal);
            if (found < 0 || old.Length == 0)
            {
                break;
            }

            result.Append(s, position, found - position).Append(replacement);
            position = found + old.Length;
        }

        return result.Append(s[position..]).ToString();
    }

    private static object Round(object? v, long precision, string method)
    {
        if (method is not ("common" or "ceil" or "floor"))
        {
            throw Error("method must be common, ceil or floor");
        }

        if (v is long n && method == "common")
        {
            return precision >= 0 ? n : (object)(double)n;
        }

        var d = Values.Arithmetic("+", v, 0.0) is double x ? x : 0;
        var factor = Math.Pow(10, precision);
        return method switch
        {
            "ceil" => Math.Ceiling(d * factor) / factor,
            "floor" => Math.Floor(d * factor) / factor,
            _ => Math.Round(d, (int)Math.Clamp(precision, 0, 15), MidpointRounding.ToEven),
        };
    }

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

    private static string Comment(string text, FilterCall call)
    {
        var styles = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal)
        {
            ["plain"] = new() { ["decoration"] = "# " },
            ["erlang"] = new() { ["decoration"] = "% " },
            ["c"] = new() { ["decoration"] = "// " },
            ["cblock"] = new() { ["beginning"] = "/*", ["decoration"] = " * ", ["end"] = " */" },
            ["xml"] = new() { ["beginning"] = "<!--", ["decoration"] = " - ", ["end"] = "-->" },
        };
        var style = styles.GetValueOrDefault(Str(call.Get(0, "style", "plain"))) ?? throw Error($"unknown comment style '{Str(call.Get(0, "style"))}'");
        var prepostfix = call.Keywords.TryGetValue("decoration", out var d) ? Str(d) : style["decoration"];
        var p = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["newline"] = "\n", ["beginning"] = "", ["prefix"] = prepostfix.TrimEnd(), ["prefix_count"] = 1L,
            ["decoration"] = "", ["postfix"] = prepostfix.TrimEnd(), ["postfix_count"] = 1L, ["end"] = "",
        };
        foreach (var (k, v) in style)
        {
            p[k] = v;
        }

        foreach (var (k, v) in call.Keywords)
        {
            p[k] = v;
        }

        string S(string key) => Str(p[key]);
        var newline = S("newline");
        var beginning = S("beginning").Length > 0 ? S("beginning") + newline : "";
        var prefix = S("prefix").Length > 0
            ? string.Concat(Enumerable.Repeat(S("prefix") != newline ? S("prefix") + newline : newline, (int)(ToLong(p["prefix_count"]) ?? 1)))
            : "";
        var decoration = S("decoration");
        var body = (decoration + text.Replace(newline, newline + decoration, StringComparison.Ordinal))
            .Replace(decoration + newline, decoration.TrimEnd() + newline, StringComparison.Ordinal);
        var postfix = string.Join(newline, new[] { "" }.Concat(Enumerable.Repeat(S("postfix"), (int)(ToLong(p["postfix_count"]) ?? 1))));
        var end = S("end").Length > 0 ? newline + S("end") : "";
        return beginning + prefix + body + postfix + end;
    }

    /// <summary>Python's <c>shlex.quote</c>.</summary>
    internal static string ShellQuote(string s) =>
        s.Length == 0 ? "''"
        : s.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '@' or '%' or '+' or '=' or ':' or ',' or '.' or '/' or '-') ? s
        : "'" + s.Replace("'", "'\"'\"'", StringComparison.Ordinal) + "'";

    private static object? RegexSearch(string value, FilterCall call)
    {
        var groups = call.Arguments.Skip(1).Select(a => Str(a)).Select(a =>
            a.StartsWith("\\g", StringComparison.Ordinal) ? (object)Regex.Match(a, @"\\g<(\S+)>").Groups[1].Value
            : a.StartsWith('\\') ? int.Parse(Regex.Match(a, @"\\(\d+)").Groups[1].Value, CultureInfo.InvariantCulture)
            : throw Error("Unknown argument")).ToList();
        var regex = Python.Regex(Str(call.Get(0, "regex", "")), Values.Truthy(call.Keywords.GetValueOrDefault("ignorecase", false)), Values.Truthy(call.Keywords.GetValueOrDefault("multiline", false)));
        var match = regex.Match(value);
        if (!match.Success)
        {
            return null;
        }

        return groups.Count == 0 ? match.Value
            : groups.Select(g => (object?)(g is int n ? (match.Groups[n].Success ? match.Groups[n].Value : null) : match.Groups[(string)g].Success ? match.Groups[(string)g].Value : null)).ToList();
    }

    private static List<object?> RegexFindAll(string value, FilterCall call)
    {
        var regex = Python.Regex(Str(call.Get(0, "regex", "")), Values.Truthy(call.Get(2, "ignorecase", false)), Values.Truthy(call.Get(1, "multiline", false)));
        return regex.Matches(value).Select(m =>
        {
            var groups = m.Groups.Cast<Group>().Skip(1).Where(g => !int.TryParse(g.Name, out _) || true).ToList();
            return groups.Count switch
            {
                0 => m.Value,
                1 => (object?)groups[0].Value,
                _ => new TupleValue(groups.Select(g => (object?)g.Value).ToList()),
            };
        }).ToList();
    }

    private static string Hash(string value, string type)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
#pragma warning disable CA5350, CA5351 // Ansible's hash filter offers these digests; they checksum, they do not protect
        var digest = type switch
        {
            "sha1" => System.Security.Cryptography.SHA1.HashData(bytes),
            "md5" => System.Security.Cryptography.MD5.HashData(bytes),
            "sha256" => System.Security.Cryptography.SHA256.HashData(bytes),
            "sha512" => System.Security.Cryptography.SHA512.HashData(bytes),
            _ => throw Error($"unsupported hash type '{type}' (sha1, md5, sha256, sha512)"),
        };
#pragma warning restore CA5350, CA5351
        return Convert.ToHexStringLower(digest);
    }

    private static string PasswordHash(string password, FilterCall call)
    {
        var type = Str(call.Get(0, "hashtype", "sha512"));
        if (type is not ("sha512" or "sha512_crypt"))
        {
            throw Error($"password_hash: only sha512 is supported, not '{type}'");
        }

        var salt = call.Get(1, "salt") is { } s ? Str(s) : Sha512Crypt.RandomSalt();
        var rounds = call.Get(3, "rounds") is { } r ? (int?)ToLong(r) : null;
        return Sha512Crypt.Hash(password, salt, rounds);
    }
}
