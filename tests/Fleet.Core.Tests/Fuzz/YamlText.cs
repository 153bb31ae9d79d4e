using System.Globalization;
using System.Text;

namespace Fleet.Core.Tests.Fuzz;

/// <summary>
/// Writes generated documents as YAML: mappings (<see cref="Dictionary{TKey,TValue}"/>, keys in insertion order), lists, strings
/// (double-quoted, control characters as YAML escapes, so a NUL reaches the reader as a NUL), numbers, booleans, null, and
/// <see cref="Verbatim"/> scalars written as they are (for deliberately malformed YAML).
/// </summary>
public static class YamlText
{
    /// <summary>A scalar written exactly as given, unquoted.</summary>
    public sealed record Verbatim(string Text);

    /// <summary>The document as YAML text.</summary>
    public static string Write(object? document)
    {
        var text = new StringBuilder();
        Node(text, document, 0, inList: false);
        return text.ToString();
    }

    /// <summary>A double-quoted YAML string holding exactly <paramref name="value"/>.</summary>
    public static string Quote(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\0' => "\\0",
                _ when char.IsControl(c) || char.IsSurrogate(c) => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return text.Append('"').ToString();
    }

    private static void Node(StringBuilder text, object? node, int indent, bool inList)
    {
        switch (node)
        {
            case IDictionary<string, object?> { Count: > 0 } map:
                var first = true;
                foreach (var (key, value) in map)
                {
                    if (!(first && inList))
                    {
                        text.Append('\n').Append(' ', indent);
                    }

                    first = false;
                    text.Append(Quote(key)).Append(':');
                    Child(text, value, indent + 2);
                }

                break;
            case IList<object?> { Count: > 0 } list:
                foreach (var item in list)
                {
                    text.Append('\n').Append(' ', indent).Append("- ");
                    Node(text, item, indent + 2, inList: true);
                }

                break;
            default:
                text.Append(Scalar(node));
                break;
        }
    }

    private static void Child(StringBuilder text, object? value, int indent)
    {
        if (value is IDictionary<string, object?> { Count: > 0 } or IList<object?> { Count: > 0 })
        {
            Node(text, value, indent, inList: false);
        }
        else
        {
            text.Append(' ').Append(Scalar(value));
        }
    }

    private static string Scalar(object? value) => value switch
    {
        null => "~",
        Verbatim v => v.Text,
        string s => Quote(s),
        bool b => b ? "true" : "false",
        IDictionary<string, object?> => "{}",
        IList<object?> => "[]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Quote(value.ToString() ?? ""),
    };
}
