using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Fleet.Core.Templating;

/// <summary>
/// PyYAML's <c>yaml.dump</c> as Ansible's <c>to_yaml</c> (flow style for collections of scalars) and <c>to_nice_yaml</c>
/// (block style, indent 4) call it: sorted keys, sequences in mappings not indented, scalars quoted only where YAML would
/// read them as something else. Not reproduced: PyYAML's folding of lines longer than 80 columns and its single-quoted
/// multi-line strings (Fleet writes those double-quoted, which reads back the same).
/// </summary>
internal static partial class Yaml
{
    public static string Dump(object? value, int indent, bool flowLeaves)
    {
        // As PyYAML: an indent outside 2..9 is its default 2.
        indent = indent is > 1 and < 10 ? indent : 2;
        var s = new StringBuilder();
        switch (value)
        {
            case IReadOnlyList<object?> { Count: 0 }:
                return "[]\n";
            case IReadOnlyDictionary<string, object?> { Count: 0 }:
                return "{}\n";
            case IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> when flowLeaves && IsLeaf(value):
                return Flow(value) + "\n";
            case IReadOnlyList<object?> list:
                Sequence(s, list, indent, flowLeaves, 0, inline: false);
                return s.ToString();
            case IReadOnlyDictionary<string, object?> map:
                Mapping(s, map, indent, flowLeaves, 0, inline: false);
                return s.ToString();
            default:
                return Scalar(value, flow: false).Text + "\n";
        }
    }

    private static bool IsLeaf(object? value) => value switch
    {
        IReadOnlyList<object?> list => list.All(i => i is not (IReadOnlyList<object?> or IReadOnlyDictionary<string, object?>)),
        IReadOnlyDictionary<string, object?> map => map.Values.All(i => i is not (IReadOnlyList<object?> or IReadOnlyDictionary<string, object?>)),
        _ => true,
    };

    private static IEnumerable<KeyValuePair<string, object?>> Sorted(IReadOnlyDictionary<string, object?> map) => map.OrderBy(kv => kv.Key, StringComparer.Ordinal);

    private static string Flow(object? value) => value switch
    {
        IReadOnlyList<object?> list => "[" + string.Join(", ", list.Select(Flow)) + "]",
        IReadOnlyDictionary<string, object?> map => "{" + string.Join(", ", Sorted(map).Select(kv => Scalar(kv.Key, flow: true).Text + ": " + Flow(kv.Value))) + "}",
        _ => Scalar(value, flow: true).Text,
    };

    private static bool IsCollection(object? value) => value is IReadOnlyList<object?> or IReadOnlyDictionary<string, object?>;

    private static bool IsEmptyOrFlow(object? value, bool flowLeaves) => value switch
    {
        IReadOnlyList<object?> { Count: 0 } or IReadOnlyDictionary<string, object?> { Count: 0 } => true,
        IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> => flowLeaves && IsLeaf(value),
        _ => true,
    };

    private static void Mapping(StringBuilder s, IReadOnlyDictionary<string, object?> map, int indent, bool flowLeaves, int column, bool inline)
    {
        RenderBudget.EnsureStack();
        RenderBudget.CheckText(s.Length);
        var first = true;
        foreach (var (key, value) in Sorted(map))
        {
            if (!(first && inline))
            {
                s.Append(' ', column);
            }

            first = false;
            s.Append(Scalar(key, flow: false).Text).Append(':');
            if (IsEmptyOrFlow(value, flowLeaves))
            {
                s.Append(' ').Append(IsCollection(value) ? Flow(value) : Scalar(value, flow: false).Text).Append('\n');
            }
            else if (value is IReadOnlyList<object?> list)
            {
                s.Append('\n');
                Sequence(s, list, indent, flowLeaves, column, inline: false);
            }
            else
            {
                s.Append('\n');
                Mapping(s, (IReadOnlyDictionary<string, object?>)value!, indent, flowLeaves, column + indent, inline: false);
            }
        }
    }

    private static void Sequence(StringBuilder s, IReadOnlyList<object?> list, int indent, bool flowLeaves, int column, bool inline)
    {
        RenderBudget.EnsureStack();
        RenderBudget.CheckText(s.Length);
        var first = true;
        foreach (var item in list)
        {
            if (!(first && inline))
            {
                s.Append(' ', column);
            }

            first = false;
            s.Append('-');
            if (IsEmptyOrFlow(item, flowLeaves))
            {
                s.Append(' ').Append(IsCollection(item) ? Flow(item) : Scalar(item, flow: false).Text).Append('\n');
                continue;
            }

            s.Append(' ', indent - 1);
            if (item is IReadOnlyList<object?> inner)
            {
                Sequence(s, inner, indent, flowLeaves, column + indent, inline: true);
            }
            else
            {
                Mapping(s, (IReadOnlyDictionary<string, object?>)item!, indent, flowLeaves, column + indent, inline: true);
            }
        }
    }

    private static (string Text, bool Plain) Scalar(object? value, bool flow) => value switch
    {
        null => ("null", true),
        bool b => (b ? "true" : "false", true),
        long n => (n.ToString(CultureInfo.InvariantCulture), true),
        double d => (Float(d), true),
        _ => Text(Values.ToPython(value), flow),
    };

    private static string Float(double d)
    {
        if (double.IsNaN(d))
        {
            return ".nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? ".inf" : "-.inf";
        }

        var text = Values.FormatFloat(d).ToLowerInvariant();
        return !text.Contains('.', StringComparison.Ordinal) && text.Contains('e', StringComparison.Ordinal) ? text.Replace("e", ".0e", StringComparison.Ordinal) : text;
    }

    private static (string, bool) Text(string text, bool flow)
    {
        if (PlainAllowed(text, flow))
        {
            return (text, true);
        }

        if (!text.Any(c => c is '\n' or '\r' or '\t' || char.IsControl(c) || c is '\x85' or '\u2028' or '\u2029' or '\ufeff'))
        {
            return ("'" + text.Replace("'", "''", StringComparison.Ordinal) + "'", false);
        }

        var s = new StringBuilder("\"");
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => s.Append("\\\""),
                '\\' => s.Append("\\\\"),
                '\n' => s.Append("\\n"),
                '\t' => s.Append("\\t"),
                '\r' => s.Append("\\r"),
                '\0' => s.Append("\\0"),
                _ when char.IsControl(c) => s.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:X2}"),
                _ => s.Append(c),
            };
        }

        return (s.Append('"').ToString(), false);
    }

    private static bool PlainAllowed(string text, bool flow)
    {
        if (text.Length == 0 || Implicit().IsMatch(text) || text != text.Trim(' '))
        {
            return false;
        }

        if ("#,[]{}&*!|>'\"%@`".Contains(text[0], StringComparison.Ordinal))
        {
            return false;
        }

        if (text[0] is '-' or '?' or ':' && (text.Length == 1 || text[1] == ' '))
        {
            return false;
        }

        if (text.Contains(": ", StringComparison.Ordinal) || text.Contains(" #", StringComparison.Ordinal) || text.EndsWith(':')
            || text.Any(c => char.IsControl(c) || c is '\x85' or '\u2028' or '\u2029' or '\ufeff'))
        {
            return false;
        }

        return !flow || !text.Any(c => c is ',' or '?' or '[' or ']' or '{' or '}');
    }

    // The implicit resolvers of PyYAML (YAML 1.1): text matching one of these must be quoted to stay text.
    [GeneratedRegex(@"^(?:~|null|Null|NULL|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|<<|=|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+|[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)?)$")]
    private static partial Regex Implicit();
}
