using System.Globalization;
using System.Text;

namespace Fleet.Core.Templating;

/// <summary>The Python methods that roles call on values: <c>str.split/startswith/strip/replace/format…</c>, <c>dict.keys/items/get…</c>.</summary>
internal static class Methods
{
    public static bool TryCall(object? target, string method, IReadOnlyList<object?> a, IReadOnlyDictionary<string, object?> k, out object? result)
    {
        object? Arg(int i, string name, object? fallback = null) => i < a.Count ? a[i] : k.TryGetValue(name, out var v) ? v : fallback;
        result = (target, method) switch
        {
            (string s, "split") => Split(s, Arg(0, "sep"), ToLong(Arg(1, "maxsplit", -1L))),
            (string s, "rsplit") => RSplit(s, Arg(0, "sep"), ToLong(Arg(1, "maxsplit", -1L))),
            (string s, "splitlines") => Python.SplitLines(s).Cast<object?>().ToList(),
            (string s, "startswith") => Prefixes(Arg(0, "prefix")).Any(p => s.StartsWith(p, StringComparison.Ordinal)),
            (string s, "endswith") => Prefixes(Arg(0, "suffix")).Any(p => s.EndsWith(p, StringComparison.Ordinal)),
            (string s, "lower") => s.ToLowerInvariant(),
            (string s, "upper") => s.ToUpperInvariant(),
            (string s, "strip") => Arg(0, "chars") is string c ? s.Trim(c.ToCharArray()) : s.Trim(Python.Whitespace),
            (string s, "lstrip") => Arg(0, "chars") is string c ? s.TrimStart(c.ToCharArray()) : s.TrimStart(Python.Whitespace),
            (string s, "rstrip") => Arg(0, "chars") is string c ? s.TrimEnd(c.ToCharArray()) : s.TrimEnd(Python.Whitespace),
            (string s, "replace") => Filters.Apply("replace", s, new FilterCall(a, k, EmptyLookup.Instance)),
            (string s, "capitalize") => Filters.Apply("capitalize", s, new FilterCall([], k, EmptyLookup.Instance)),
            (string s, "title") => Filters.TitleCase(s),
            (string s, "find") => (long)s.IndexOf(Filters.Str(Arg(0, "sub")), StringComparison.Ordinal),
            (string s, "count") => (long)CountOf(s, Filters.Str(Arg(0, "sub"))),
            (string s, "join") => Filters.Joined(s, Values.Iterate(Arg(0, "iterable")).Select(i => i as string ?? throw Filters.Error($"sequence item: expected str instance, {Values.TypeName(i)} found")).ToList()),
            (string s, "format") => Format(s, a, k),
            (string s, "isdigit") => s.Length > 0 && s.All(char.IsDigit),
            (string s, "isalpha") => s.Length > 0 && s.All(char.IsLetter),
            (string s, "isalnum") => s.Length > 0 && s.All(char.IsLetterOrDigit),
            (string s, "isspace") => s.Length > 0 && s.All(char.IsWhiteSpace),
            (string s, "islower") => s.Any(char.IsLetter) && s == s.ToLowerInvariant(),
            (string s, "isupper") => s.Any(char.IsLetter) && s == s.ToUpperInvariant(),
            (IReadOnlyDictionary<string, object?> m, "keys") => m.Keys.Cast<object?>().ToList(),
            (IReadOnlyDictionary<string, object?> m, "values") => m.Values.ToList(),
            (IReadOnlyDictionary<string, object?> m, "items") => m.Select(kv => (object?)new TupleValue([kv.Key, kv.Value])).ToList(),
            (IReadOnlyDictionary<string, object?> m, "get") => Arg(0, "key") is string key && m.TryGetValue(key, out var v) ? v : Arg(1, "default"),
            (IReadOnlyList<object?> l, "index") => (long)IndexOf(l, Arg(0, "value")),
            (IReadOnlyList<object?> l, "count") => (long)l.Count(x => Values.Equal(x, Arg(0, "value"))),
            (LoopContext loop, "cycle") => loop.Cycle(a),
            _ => Missing.Value,
        };
        return result != Missing.Value;
    }

    private sealed class Missing
    {
        public static readonly Missing Value = new();
    }

    private static long ToLong(object? v) => v is long n ? n : v is bool b ? (b ? 1 : 0) : throw Filters.Error($"an integer is required, not {Values.TypeName(v)}");

    private static IEnumerable<string> Prefixes(object? v) => v is IReadOnlyList<object?> list ? list.Select(Filters.Str) : [Filters.Str(v)];

    private static int CountOf(string s, string sub)
    {
        if (sub.Length == 0)
        {
            return s.Length + 1;
        }

        var count = 0;
        for (var i = s.IndexOf(sub, StringComparison.Ordinal); i >= 0; i = s.IndexOf(sub, i + sub.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static int IndexOf(IReadOnlyList<object?> list, object? value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (Values.Equal(list[i], value))
            {
                return i;
            }
        }

        throw Filters.Error($"{Values.Repr(value)} is not in list");
    }

    /// <summary>Python's <c>str.split(sep, maxsplit)</c>: without a separator, runs of whitespace split and ends are dropped.</summary>
    public static List<object?> Split(string s, object? separator, long maxsplit)
    {
        var result = new List<object?>();
        if (separator is null)
        {
            var i = 0;
            while (true)
            {
                while (i < s.Length && char.IsWhiteSpace(s[i]))
                {
                    i++;
                }

                if (i >= s.Length)
                {
                    return result;
                }

                if (maxsplit >= 0 && result.Count >= maxsplit)
                {
                    result.Add(s[i..].TrimEnd(Python.Whitespace));
                    return result;
                }

                var start = i;
                while (i < s.Length && !char.IsWhiteSpace(s[i]))
                {
                    i++;
                }

                result.Add(s[start..i]);
            }
        }

        var sep = Filters.Str(separator);
        if (sep.Length == 0)
        {
            throw Filters.Error("empty separator");
        }

        var position = 0;
        while (maxsplit < 0 || result.Count < maxsplit)
        {
            var found = s.IndexOf(sep, position, StringComparison.Ordinal);
            if (found < 0)
            {
                break;
            }

            result.Add(s[position..found]);
            position = found + sep.Length;
        }

        result.Add(s[position..]);
        return result;
    }

    private static List<object?> RSplit(string s, object? separator, long maxsplit)
    {
        if (maxsplit < 0)
        {
            return Split(s, separator, maxsplit);
        }

        var reversed = new string(s.Reverse().ToArray());
        var sep = separator is null ? null : new string(Filters.Str(separator).Reverse().ToArray());
        var parts = Split(reversed, sep, maxsplit).Select(p => (object?)new string(((string)p!).Reverse().ToArray())).ToList();
        parts.Reverse();
        return parts;
    }

    /// <summary>Python's <c>str.format</c> for <c>{}</c>, <c>{0}</c> and <c>{name}</c> fields (no format specifications).</summary>
    private static string Format(string s, IReadOnlyList<object?> a, IReadOnlyDictionary<string, object?> k)
    {
        var result = new StringBuilder();
        var next = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '{' && i + 1 < s.Length && s[i + 1] == '{' || s[i] == '}' && i + 1 < s.Length && s[i + 1] == '}')
            {
                result.Append(s[i]);
                i++;
            }
            else if (s[i] == '{')
            {
                var close = s.IndexOf('}', i);
                if (close < 0)
                {
                    throw Filters.Error($"Single '{{' encountered in format string '{s}'");
                }

                var field = s[(i + 1)..close];
                if (field.Contains(':', StringComparison.Ordinal) || field.Contains('!', StringComparison.Ordinal))
                {
                    throw Filters.Error($"format specifications are not supported in '{s}'");
                }

                var index = field.Length == 0 ? next++ : int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
                if (index >= a.Count)
                {
                    throw Filters.Error($"Replacement index {index} out of range for positional args tuple in '{s}'");
                }

                var value = index >= 0 ? a[index]
                    : k.TryGetValue(field, out var named) ? named : throw new UndefinedVariableException(field, $"format field '{field}' is not given");
                result.Append(Values.ToPython(value));
                RenderBudget.CheckText(result.Length);
                i = close;
            }
            else
            {
                result.Append(s[i]);
            }
        }

        return result.ToString();
    }
}
