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
        "filter", Strings.All, Lists.All, Sets.All, Dicts.All, Numbers.All, Paths.All, Encodings.All, Serialization.All, Regexes.All, Ansible.All,
        Randoms.All, Urls.All, Times.All, Combinatorics.All);

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
        FleetInputException failure;
        try
        {
            return RenderBudget.Checked(filter(input, call));
        }
        catch (Exception ex) when (IsComputationFailure(ex))
        {
            // The boundary of every filter: whatever .NET throws becomes Fleet's own sentence, never .NET's text or type.
            failure = Error($"filter '{name}': {Failure(ex)}");
        }

        throw failure;
    }

    /// <summary>
    /// A failure of .NET code computing a value (bad argument, overflow, format, regex time…), as opposed to Fleet's own errors and
    /// signals (an input error, an undefined or run-time variable, a cancelled run), which pass unchanged.
    /// </summary>
    internal static bool IsComputationFailure(Exception ex) => ex is SystemException and not OperationCanceledException;

    /// <summary>What a .NET exception from a filter or test means, in Fleet's words (its message is .NET's, so it is not shown).</summary>
    internal static string Failure(Exception ex) => ex switch
    {
        { InnerException: FleetInputException inner } => string.Join("; ", inner.Errors.Select(e => e.Message)),
        RegexMatchTimeoutException timeout => RenderBudget.RegexSpent(timeout.Pattern),
        RegexParseException parse => $"invalid regular expression: {Words(parse.Error.ToString())} at position {parse.Offset}",
        DivideByZeroException => "integer division or modulo by zero",
        OverflowException or ArithmeticException => "a number does not fit in a 64-bit integer",
        InsufficientExecutionStackException => "the value nests too deeply",
        OutOfMemoryException => "the result is too large",
        FormatException => "the input is not in the form this filter reads",
        ArgumentOutOfRangeException => "an argument is out of range",
        ArgumentException => "an argument is not valid",
        InvalidCastException => "an argument has the wrong type",
        KeyNotFoundException or IndexOutOfRangeException => "an index or key is out of range",
        _ => "it cannot be applied to this input",
    };

    // An enum name in words: UnterminatedBracket → unterminated bracket.
    private static string Words(string name) => Regex.Replace(name, "(?<=[a-z])(?=[A-Z])", " ").ToLowerInvariant();

    internal static FleetInputException Error(string message) => new(message);

    /// <summary>Texts joined, the size checked before the text is built.</summary>
    internal static string Joined(string separator, IReadOnlyList<string> parts)
    {
        RenderBudget.CheckText(parts.Sum(p => (long)p.Length) + (long)separator.Length * Math.Max(0, parts.Count - 1));
        return string.Join(separator, parts);
    }

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
