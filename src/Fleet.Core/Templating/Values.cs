using System.Globalization;
using System.Text;

namespace Fleet.Core.Templating;

/// <summary>
/// Conversions and comparisons of template values (text, long, double, bool, null, lists, maps), with Python's rules where
/// Jinja relies on them: truthiness, <c>==</c>, ordering, arithmetic, <c>str()</c> and <c>repr()</c>.
/// </summary>
public static partial class Values
{
    /// <summary>Jinja truthiness.</summary>
    public static bool Truthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        long n => n != 0,
        double d => d != 0,
        string s => s.Length > 0,
        IReadOnlyList<object?> list => list.Count > 0,
        IReadOnlyDictionary<string, object?> map => map.Count > 0,
        _ => true,
    };

    /// <summary>The value as a module parameter's text: booleans lower-case, lists comma-joined, none empty.</summary>
    public static string ToText(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        long n => n.ToString(CultureInfo.InvariantCulture),
        double d => FormatFloat(d),
        string s => s,
        IReadOnlyList<object?> list => Joined(",", list, ToText),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Python's <c>str()</c> of the value, which is what Jinja prints: <c>True</c>, <c>['a', 1]</c>, <c>{'k': 'v'}</c>, <c>None</c>.</summary>
    public static string ToPython(object? value) => value switch
    {
        string s => s,
        _ => Repr(value),
    };

    /// <summary>Python's <c>repr()</c> of the value.</summary>
    public static string Repr(object? value)
    {
        RenderBudget.EnsureStack();
        return value switch
        {
            null => "None",
            bool b => b ? "True" : "False",
            long n => n.ToString(CultureInfo.InvariantCulture),
            double d => FormatFloat(d),
            string s => ReprString(s),
            TupleValue { Count: 1 } one => "(" + Repr(one[0]) + ",)",
            TupleValue tuple => "(" + Joined(", ", tuple, Repr) + ")",
            IReadOnlyList<object?> list => "[" + Joined(", ", list, Repr) + "]",
            IReadOnlyDictionary<string, object?> map => "{" + Joined(", ", map.ToList(), kv => ReprString(kv.Key) + ": " + Repr(kv.Value)) + "}",
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };
    }

    // Items' texts joined, the size checked as it grows: a list of a million references to one large text is refused, not built.
    private static string Joined<T>(string separator, IReadOnlyList<T> items, Func<T, string> text)
    {
        RenderBudget.EnsureStack();
        var result = new StringBuilder();
        for (var i = 0; i < items.Count; i++)
        {
            var part = text(items[i]);
            RenderBudget.CheckText((long)result.Length + separator.Length + part.Length);
            result.Append(i > 0 ? separator : "").Append(part);
        }

        return result.ToString();
    }

    private static string ReprString(string s)
    {
        var quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var result = new StringBuilder().Append(quote);
        foreach (var c in s)
        {
            _ = c switch
            {
                '\\' => result.Append("\\\\"),
                '\n' => result.Append("\\n"),
                '\r' => result.Append("\\r"),
                '\t' => result.Append("\\t"),
                _ when c == quote => result.Append('\\').Append(c),
                < ' ' or '\x7f' => result.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => result.Append(c),
            };
        }

        return result.Append(quote).ToString();
    }

    /// <summary>Python's <c>repr(float)</c>: shortest round trip, <c>1.0</c> not <c>1</c>, exponent from 1e16 and below 1e-4.</summary>
    public static string FormatFloat(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }

        var shortest = d.ToString("R", CultureInfo.InvariantCulture);
        var negative = shortest.StartsWith('-');
        var body = negative ? shortest[1..] : shortest;
        var exponent = 0;
        var e = body.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(body[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            body = body[..e];
        }

        var point = body.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? body : body[..point] + body[(point + 1)..];
        var pointAt = (point < 0 ? body.Length : point) + exponent;
        var trimmed = digits.TrimStart('0');
        pointAt -= digits.Length - trimmed.Length;
        digits = trimmed.TrimEnd('0');
        if (digits.Length == 0)
        {
            return negative ? "-0.0" : "0.0";
        }

        var decimalExponent = pointAt - 1;
        string text;
        if (decimalExponent < -4 || decimalExponent >= 16)
        {
            var mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            text = mantissa + "e" + (decimalExponent < 0 ? "-" : "+") + Math.Abs(decimalExponent).ToString("00", CultureInfo.InvariantCulture);
        }
        else if (pointAt <= 0)
        {
            text = "0." + new string('0', -pointAt) + digits;
        }
        else if (pointAt >= digits.Length)
        {
            text = digits + new string('0', pointAt - digits.Length) + ".0";
        }
        else
        {
            text = digits[..pointAt] + "." + digits[pointAt..];
        }

        return negative ? "-" + text : text;
    }

    /// <summary>YAML 1.1 / Ansible booleans (true/false, yes/no, on/off, 1/0), or null when not a boolean.</summary>
    public static bool? ToBool(object? value) => value switch
    {
        bool b => b,
        long n when n is 0 or 1 => n == 1,
        string s => s.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" or "1" or "y" => true,
            "false" or "no" or "off" or "0" or "n" => false,
            _ => null,
        },
        _ => null,
    };

    /// <summary>The Python type name, for messages.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        IReadOnlyList<object?> => "list",
        IReadOnlyDictionary<string, object?> => "dict",
        _ => value.GetType().Name,
    };

    private static bool IsNumber(object? v) => v is long or double or bool;

    /// <summary>
    /// A value from outside the engine in the engine's own types: every integer as long, every other number as double (a module's
    /// data may hold an int: <c>rc == 3</c> must hold), through lists and mappings; the value itself when nothing needs converting.
    /// </summary>
    internal static object? Native(object? v) => v switch
    {
        int or short or byte or sbyte or ushort or uint => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture),
        float or decimal => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture),
        IReadOnlyList<object?> list when NeedsNative(list) => list.Select(Native).ToList(),
        IReadOnlyDictionary<string, object?> map when NeedsNative(map) => map.ToDictionary(kv => kv.Key, kv => Native(kv.Value), StringComparer.Ordinal),
        _ => v,
    };

    private static bool NeedsNative(object? v) => v is int or short or byte or sbyte or ushort or uint or float or decimal
        || (v is ScannedMap scannedMap && scannedMap.Foreign.Get(() => scannedMap.Values.Any(NeedsNative)))
        || (v is ScannedList scannedList && scannedList.Foreign.Get(() => scannedList.Any(NeedsNative)))
        || (v is IReadOnlyList<object?> list and not ScannedList && list.Any(NeedsNative))
        || (v is IReadOnlyDictionary<string, object?> map and not ScannedMap && map.Values.Any(NeedsNative));

    private static double AsDouble(object? v) => v switch
    {
        long n => n,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new InvalidCastException(),
    };

    private static long AsLong(object? v) => v switch
    {
        long n => n,
        bool b => b ? 1 : 0,
        _ => throw new InvalidCastException(),
    };

    /// <summary>A value as an integer index (long or bool).</summary>
    internal static long ToInteger(object? v) =>
        v is long or bool ? AsLong(v) : throw new FleetInputException($"slice indices must be integers, not {TypeName(v)}");

    internal static bool Equal(object? a, object? b)
    {
        RenderBudget.EnsureStack();
        if (IsNumber(a) && IsNumber(b))
        {
            return a is double || b is double ? AsDouble(a) == AsDouble(b) : AsLong(a) == AsLong(b);
        }

        return (a, b) switch
        {
            (null, null) => true,
            (null, _) or (_, null) => false,
            (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
            (IReadOnlyList<object?> x, IReadOnlyList<object?> y) => x.Count == y.Count && x.Zip(y).All(p => Equal(p.First, p.Second)),
            (IReadOnlyDictionary<string, object?> x, IReadOnlyDictionary<string, object?> y) =>
                x.Count == y.Count && x.All(kv => y.TryGetValue(kv.Key, out var other) && Equal(kv.Value, other)),
            _ => ReferenceEquals(a, b),
        };
    }

    internal static bool Contains(object? container, object? item) => container switch
    {
        IReadOnlyList<object?> list => list.Any(x => Equal(x, item)),
        IReadOnlyDictionary<string, object?> map => item is string key && map.ContainsKey(key),
        string s => item is string sub ? s.Contains(sub, StringComparison.Ordinal)
            : throw new FleetInputException($"'in <string>' requires string as left operand, not {TypeName(item)}"),
        _ => throw new FleetInputException($"argument of type '{TypeName(container)}' is not iterable"),
    };

    /// <summary>Python's ordering: numbers with numbers, text with text, lists element by element; anything else is an error.</summary>
    internal static int Compare(object? a, object? b)
    {
        RenderBudget.EnsureStack();
        if (IsNumber(a) && IsNumber(b))
        {
            return a is double || b is double ? AsDouble(a).CompareTo(AsDouble(b)) : AsLong(a).CompareTo(AsLong(b));
        }

        switch (a, b)
        {
            case (string x, string y):
                return Math.Sign(string.CompareOrdinal(x, y));
            case (IReadOnlyList<object?> x, IReadOnlyList<object?> y):
                for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
                {
                    if (!Equal(x[i], y[i]))
                    {
                        return Compare(x[i], y[i]);
                    }
                }

                return x.Count.CompareTo(y.Count);
            default:
                throw new FleetInputException($"'<' not supported between instances of '{TypeName(a)}' and '{TypeName(b)}'");
        }
    }

    internal static bool Order(object? a, object? b, string op)
    {
        var compare = Compare(a, b);
        return op switch
        {
            "<" => compare < 0,
            "<=" => compare <= 0,
            ">" => compare > 0,
            _ => compare >= 0,
        };
    }

    internal static object? Arithmetic(string op, object? a, object? b)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            var floating = a is double || b is double;
            switch (op)
            {
                case "+": return floating ? AsDouble(a) + AsDouble(b) : (object)checked(AsLong(a) + AsLong(b));
                case "-": return floating ? AsDouble(a) - AsDouble(b) : (object)checked(AsLong(a) - AsLong(b));
                case "*": return floating ? AsDouble(a) * AsDouble(b) : (object)checked(AsLong(a) * AsLong(b));
                case "/":
                    return AsDouble(b) == 0 ? throw new FleetInputException("division by zero") : AsDouble(a) / AsDouble(b);
                case "//":
                    if (AsDouble(b) == 0)
                    {
                        throw new FleetInputException("integer division or modulo by zero");
                    }

                    return floating ? Math.Floor(AsDouble(a) / AsDouble(b)) : (object)FloorDiv(AsLong(a), AsLong(b));
                case "%":
                    if (AsDouble(b) == 0)
                    {
                        throw new FleetInputException("integer division or modulo by zero");
                    }

                    if (floating)
                    {
                        var m = AsDouble(a) % AsDouble(b);
                        return m != 0 && (m < 0) != (AsDouble(b) < 0) ? m + AsDouble(b) : m;
                    }

                    var r = AsLong(b) == -1 ? 0 : AsLong(a) % AsLong(b); // long.MinValue % -1 overflows in .NET; Python gives 0
                    return r != 0 && (r < 0) != (AsLong(b) < 0) ? r + AsLong(b) : r;
                case "**":
                    return !floating && AsLong(b) >= 0 ? (object)Power(AsLong(a), AsLong(b)) : Math.Pow(AsDouble(a), AsDouble(b));
            }
        }

        return (op, a, b) switch
        {
            ("%", string format, TupleValue args) => PercentFormat(format, args),
            ("%", string format, IReadOnlyDictionary<string, object?> named) => PercentFormat(format, [named]),
            ("%", string format, _) => PercentFormat(format, [b]),
            ("+", string x, string y) => Sized(x, (long)x.Length + y.Length) + y,
            ("+", IReadOnlyList<object?> x, IReadOnlyList<object?> y) => Listed(x, (long)x.Count + y.Count).Concat(y).ToList(),
            ("*", string x, long or bool) => Repeat(x, AsLong(b)),
            ("*", long or bool, string x) => Repeat(x, AsLong(a)),
            ("*", IReadOnlyList<object?> x, long or bool) => Repeat(x, AsLong(b)),
            ("*", long or bool, IReadOnlyList<object?> x) => Repeat(x, AsLong(a)),
            _ => throw new FleetInputException($"unsupported operand type(s) for {op}: '{TypeName(a)}' and '{TypeName(b)}'"),
        };
    }

    // Exponentiation by squaring: 1 ** 9223372036854775807 is 63 steps, not a loop of 2^63; too large a result is an OverflowException.
    private static long Power(long x, long exponent)
    {
        var result = 1L;
        while (exponent > 0)
        {
            if ((exponent & 1) == 1)
            {
                result = checked(result * x);
            }

            exponent >>= 1;
            if (exponent > 0)
            {
                x = checked(x * x);
            }
        }

        return result;
    }

    // Python's repetition: a count of zero or less is empty; the size is checked before anything is built (no 32-bit cut).
    private static string Repeat(string text, long count)
    {
        if (count <= 0 || text.Length == 0)
        {
            return "";
        }

        RenderBudget.CheckText(Product(text.Length, count));
        return new StringBuilder(text.Length * (int)count).Insert(0, text, (int)count).ToString();
    }

    private static List<object?> Repeat(IReadOnlyList<object?> items, long count)
    {
        if (count <= 0 || items.Count == 0)
        {
            return [];
        }

        RenderBudget.CheckList(Product(items.Count, count));
        var result = new List<object?>(items.Count * (int)count);
        for (var i = 0; i < count; i++)
        {
            result.AddRange(items);
        }

        return result;
    }

    private static long Product(long a, long b) => b > long.MaxValue / a ? long.MaxValue : a * b;

    private static string Sized(string text, long length)
    {
        RenderBudget.CheckText(length);
        return text;
    }

    private static IReadOnlyList<object?> Listed(IReadOnlyList<object?> items, long count)
    {
        RenderBudget.CheckList(count);
        return items;
    }

    private static long FloorDiv(long a, long b)
    {
        var q = a / b;
        return (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q;
    }

    /// <summary><c>x[key]</c> / <c>x.key</c> as Jinja resolves it; a missing key is undefined.</summary>
    internal static object? Item(object? target, object? key, string targetText)
    {
        switch (target)
        {
            case IReadOnlyDictionary<string, object?> map when key is not null && map.TryGetValue(key is string s ? s : ToPython(key), out var found):
                return found;
            case IReadOnlyList<object?> list when key is long index && index >= -list.Count && index < list.Count:
                return list[(int)(index < 0 ? list.Count + index : index)];
            case string text when key is long index && index >= -text.Length && index < text.Length:
                return text[(int)(index < 0 ? text.Length + index : index)].ToString();
            default:
                throw new UndefinedVariableException($"{targetText}[{Repr(key)}]", $"'{TypeName(target)} object' has no attribute {Repr(key)}");
        }
    }

    /// <summary>Python's <c>x[start:stop:step]</c> of a list or text.</summary>
    internal static object? Slice(object? target, long? start, long? stop, long? step)
    {
        var items = target switch
        {
            string s => s.Select(c => (object?)c.ToString()).ToList(),
            IReadOnlyList<object?> list => list,
            _ => throw new FleetInputException($"'{TypeName(target)}' object is not subscriptable"),
        };
        var n = items.Count;
        var by = step ?? 1;
        if (by == 0)
        {
            throw new FleetInputException("slice step cannot be zero");
        }

        long Clamp(long? v, long fallback, long low, long high) =>
            v is not { } x ? fallback : Math.Clamp(x < 0 ? x + n : x, low, high);
        var result = new List<object?>();
        if (by > 0)
        {
            for (var i = Clamp(start, 0, 0, n); i < Clamp(stop, n, 0, n); i += by)
            {
                result.Add(items[(int)i]);
            }
        }
        else
        {
            for (var i = Clamp(start, n - 1, -1, n - 1); i > Clamp(stop, -1, -1, n - 1); i += by)
            {
                result.Add(items[(int)i]);
            }
        }

        return target is string ? string.Concat(result.Select(r => (string)r!)) : result;
    }

    /// <summary>The items a <c>for</c> loop or a filter walks: a list's items, a map's keys, a text's characters.</summary>
    internal static IReadOnlyList<object?> Iterate(object? value) => value switch
    {
        IReadOnlyList<object?> list => list,
        IReadOnlyDictionary<string, object?> map => map.Keys.Cast<object?>().ToList(),
        string s => s.Select(c => (object?)c.ToString()).ToList(),
        _ => throw new FleetInputException($"'{TypeName(value)}' object is not iterable"),
    };
}
