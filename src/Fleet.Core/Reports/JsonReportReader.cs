using System.Globalization;
using System.Text.Json;
using Fleet.Core.Results;

namespace Fleet.Core.Reports;

/// <summary>
/// Reads a <c>fleet-report/3</c> JSON report back into a <see cref="RunReport"/> (for <c>fleet report merge</c>): what
/// <see cref="JsonReportWriter"/> wrote, it writes again unchanged. Anything else is invalid input naming the file.
/// </summary>
public static class JsonReportReader
{
    /// <summary>Reads the report at <paramref name="path"/>.</summary>
    public static RunReport Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FleetInputException($"{path}: cannot read the report: {FileErrors.Reason(ex)}");
        }

        return Parse(text, path);
    }

    /// <summary>Parses report text; <paramref name="source"/> names it in errors.</summary>
    public static RunReport Parse(string text, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var schema = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("schema", out var s) ? s.GetString() : null;
            if (schema != JsonReportWriter.Schema)
            {
                throw new FleetInputException($"{source}: not a {JsonReportWriter.Schema} report (schema is {(schema is null ? "missing" : $"'{schema}'")}); write it with this version's --json");
            }

            var shard = Field(root, "shard");
            return new RunReport(
                Field(root, "mode").GetString()!,
                DateTimeOffset.Parse(Field(root, "startedAt").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                Field(root, "durationMs").GetInt64(),
                Field(root, "hosts").EnumerateArray().Select(ReadHost).ToList(),
                Field(root, "interrupted").GetBoolean())
            {
                Playbooks = Field(root, "playbooks").EnumerateArray().Select(p => p.GetString()!).ToList(),
                Shard = shard.ValueKind == JsonValueKind.Null ? null : new Shard(Field(shard, "index").GetInt32(), Field(shard, "count").GetInt32()),
            };
        }
        catch (JsonException ex) when (ex.LineNumber is { } line)
        {
            throw new FleetInputException($"{source}: not a valid {JsonReportWriter.Schema} report: not JSON at line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1}");
        }
        catch (KeyNotFoundException ex)
        {
            throw new FleetInputException($"{source}: not a valid {JsonReportWriter.Schema} report: {ex.Message}");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or ArgumentException or InvalidCastException)
        {
            // The runtime's text names .NET types ("requires an element of type 'String'"): say what is wrong in the report's terms.
            throw new FleetInputException($"{source}: not a valid {JsonReportWriter.Schema} report: a field holds a value of the wrong type; write reports with this version's --json");
        }
    }

    /// <summary>The field <paramref name="name"/> of an object; its absence is named in Fleet's words (GetProperty's own message is .NET's).</summary>
    private static JsonElement Field(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) ? value : throw new KeyNotFoundException($"'{name}' is missing");

    private static HostResult ReadHost(JsonElement json)
    {
        var host = new HostResult(Field(json, "name").GetString()!, Field(json, "address").GetString()!)
        {
            Status = Enum.Parse<HostStatus>(Field(json, "status").GetString()!, ignoreCase: true),
            DurationMs = Field(json, "durationMs").GetInt64(),
            Error = Field(json, "error").GetString(),
            HostKeyFingerprint = Field(json, "hostKey").GetString(),
            KeyExchange = Field(json, "keyExchange").GetString(),
            Facts = Field(json, "facts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal),
        };
        host.Tasks.AddRange(Field(json, "tasks").EnumerateArray().Select(ReadTask));
        return host;
    }

    private static TaskResult ReadTask(JsonElement json) =>
        new(
            Field(json, "play").GetString()!,
            Field(json, "name").GetString()!,
            Field(json, "module").GetString()!,
            Enum.Parse<TaskOutcome>(Field(json, "status").GetString()!, ignoreCase: true),
            Strings(Field(json, "changes")),
            Field(json, "diff").GetString(),
            Field(json, "message").GetString(),
            Field(json, "attempts").GetInt32(),
            Field(json, "durationMs").GetInt64(),
            json.TryGetProperty("ignored", out var ignored) && ignored.GetBoolean())
        {
            Warnings = Strings(Field(json, "warnings")),
            Result = (IReadOnlyDictionary<string, object?>)Value(Field(json, "result"))!,
            DelegatedTo = json.TryGetProperty("delegatedTo", out var delegatedTo) ? delegatedTo.GetString() : null,
        };

    private static List<string> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToList();

    /// <summary>A result value as the modules build it: text, booleans, int (long when larger), double, lists (of text when all are text) and maps.</summary>
    private static object? Value(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => json.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when json.TryGetInt32(out var small) => small,
        JsonValueKind.Number when json.TryGetInt64(out var large) => large,
        JsonValueKind.Number => json.GetDouble(),
        JsonValueKind.Array when json.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) => Strings(json),
        JsonValueKind.Array => json.EnumerateArray().Select(Value).ToList(),
        JsonValueKind.Object => json.EnumerateObject().ToDictionary(p => p.Name, p => Value(p.Value), StringComparer.Ordinal),
        _ => throw new JsonException($"unexpected {json.ValueKind}"),
    };
}
