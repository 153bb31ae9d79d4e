using System.Globalization;
using System.Text.RegularExpressions;

namespace Fleet.Core.Templating;

/// <summary>
/// Jinja's built-in filters and Ansible's (<c>bool</c>, <c>ternary</c>, <c>combine</c>, <c>regex_*</c>, <c>to_*json</c>/<c>yaml</c>,
/// <c>comment</c>, <c>password_hash</c>, <c>dict2items</c>, set operations, …), with their Python semantics.
/// </summary>
public static partial class Filters
{
    private delegate object? Filter(object? input, FilterCall call);

    // Each family lists its filters in its own file (Filters.<Family>.cs): a new filter is one entry there, a new family one name here.
    private static readonly Dictionary<string, Filter> Catalog = FamilyTables.Join<Filter>(
        "filter", Strings.All, Lists.All, Sets.All, Dicts.All, Numbers.All, Paths.All, Encodings.All, Serialization.All, Regexes.All, Ansible.All);

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
}
