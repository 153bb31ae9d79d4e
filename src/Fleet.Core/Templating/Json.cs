using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Fleet.Core.Templating;

/// <summary>Python's <c>json.dumps</c> as Ansible's <c>to_json</c>/<c>to_nice_json</c> call it, and <c>from_json</c>.</summary>
internal static class Json
{
    public static string Dump(object? value, long? indent, bool sortKeys, string itemSeparator, bool ensureAscii)
    {
        var result = new StringBuilder();
        Write(result, value, indent, sortKeys, indent is null ? itemSeparator : ",", ensureAscii, 0);
        return result.ToString();
    }

    private static void Write(StringBuilder s, object? value, long? indent, bool sortKeys, string separator, bool ascii, int level)
    {
        RenderBudget.EnsureStack();
        RenderBudget.CheckText(s.Length);
        switch (value)
        {
            case null: s.Append("null"); break;
            case bool b: s.Append(b ? "true" : "false"); break;
            case long n: s.Append(n.ToString(CultureInfo.InvariantCulture)); break;
            case double d: s.Append(double.IsNaN(d) ? "NaN" : double.IsInfinity(d) ? (d > 0 ? "Infinity" : "-Infinity") : Values.FormatFloat(d)); break;
            case string text: Quote(s, text, ascii); break;
            case IReadOnlyList<object?> list:
                if (list.Count == 0)
                {
                    s.Append("[]");
                    break;
                }

                s.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    s.Append(i > 0 ? separator : "");
                    NewLine(s, indent, level + 1);
                    Write(s, list[i], indent, sortKeys, separator, ascii, level + 1);
                }

                NewLine(s, indent, level);
                s.Append(']');
                break;
            case IReadOnlyDictionary<string, object?> map:
                if (map.Count == 0)
                {
                    s.Append("{}");
                    break;
                }

                s.Append('{');
                var entries = sortKeys ? map.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList() : map.ToList();
                for (var i = 0; i < entries.Count; i++)
                {
                    s.Append(i > 0 ? separator : "");
                    NewLine(s, indent, level + 1);
                    Quote(s, entries[i].Key, ascii);
                    s.Append(": ");
                    Write(s, entries[i].Value, indent, sortKeys, separator, ascii, level + 1);
                }

                NewLine(s, indent, level);
                s.Append('}');
                break;
            default: Quote(s, Values.ToPython(value), ascii); break;
        }
    }

    private static void NewLine(StringBuilder s, long? indent, int level)
    {
        // Python indents by ' ' * indent: a negative indent is no indent (the newlines stay).
        if (indent is { } width)
        {
            var spaces = Math.Max(0, Math.Min(width, int.MaxValue) * level);
            RenderBudget.CheckText(s.Length + spaces);
            s.Append('\n').Append(' ', (int)spaces);
        }
    }

    private static void Quote(StringBuilder s, string text, bool ascii)
    {
        s.Append('"');
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => s.Append("\\\""),
                '\\' => s.Append("\\\\"),
                '\n' => s.Append("\\n"),
                '\r' => s.Append("\\r"),
                '\t' => s.Append("\\t"),
                '\b' => s.Append("\\b"),
                '\f' => s.Append("\\f"),
                < ' ' => s.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                > '\x7f' when ascii => s.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => s.Append(c),
            };
        }

        s.Append('"');
    }

    public static object? Parse(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 200 });
            return Convert(document.RootElement);
        }
        catch (JsonException ex)
        {
            // .NET's own text names its types; Fleet says where the JSON breaks.
            var at = ex.LineNumber is { } line ? $" (line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1})" : "";
            throw new FleetInputException($"from_json: the text is not valid JSON or nests more than 200 levels{at}");
        }
    }

    private static object? Convert(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().ToDictionary(p => p.Name, p => Convert(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => e.EnumerateArray().Select(Convert).ToList(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out var n) ? n : (object)e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
