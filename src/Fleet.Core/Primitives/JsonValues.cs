using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Fleet.Core;

/// <summary>
/// Variables and module data as JSON without reflection: the JSON report, <c>fleet inventory --json</c> and <c>debug</c> write their
/// values here, so a trimmed (NativeAOT) build writes exactly what the JIT build writes.
/// </summary>
public static class JsonValues
{
    /// <summary>A value as JSON text (compact unless indented), escaped as System.Text.Json escapes by default.</summary>
    public static string ToJson(object? value, bool indented = false)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            Write(json, value);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes a value: the scalars, lists and maps that module data and variables are made of; anything else as its text.</summary>
    public static void Write(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case string text:
                json.WriteStringValue(text);
                break;
            case bool flag:
                json.WriteBooleanValue(flag);
                break;
            case int or long:
                json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double or float or decimal:
                json.WriteNumberValue(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            case IEnumerable<KeyValuePair<string, object?>> map:
                json.WriteStartObject();
                foreach (var (key, item) in map)
                {
                    json.WritePropertyName(key);
                    Write(json, item);
                }

                json.WriteEndObject();
                break;
            case System.Collections.IDictionary dictionary:
                json.WriteStartObject();
                foreach (System.Collections.DictionaryEntry entry in dictionary)
                {
                    json.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "");
                    Write(json, entry.Value);
                }

                json.WriteEndObject();
                break;
            case System.Collections.IEnumerable items:
                json.WriteStartArray();
                foreach (var item in items)
                {
                    Write(json, item);
                }

                json.WriteEndArray();
                break;
            default:
                json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
