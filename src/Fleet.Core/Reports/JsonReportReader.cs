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
            throw new FleetInputException($"{path}: cannot read the report: {ex.Message}");
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

            var shard = root.GetProperty("shard");
            return new RunReport(
                root.GetProperty("mode").GetString()!,
                DateTimeOffset.Parse(root.GetProperty("startedAt").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                root.GetProperty("durationMs").GetInt64(),
                root.GetProperty("hosts").EnumerateArray().Select(ReadHost).ToList(),
                root.GetProperty("interrupted").GetBoolean())
            {
                Playbooks = root.GetProperty("playbooks").EnumerateArray().Select(p => p.GetString()!).ToList(),
                Shard = shard.ValueKind == JsonValueKind.Null ? null : new Shard(shard.GetProperty("index").GetInt32(), shard.GetProperty("count").GetInt32()),
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or InvalidCastException)
        {
            throw new FleetInputException($"{source}: not a valid {JsonReportWriter.Schema} report: {ex.Message}");
        }
    }

    private static HostResult ReadHost(JsonElement json)
    {
        var host = new HostResult(json.GetProperty("name").GetString()!, json.GetProperty("address").GetString()!)
        {
            Status = Enum.Parse<HostStatus>(json.GetProperty("status").GetString()!, ignoreCase: true),
            DurationMs = json.GetProperty("durationMs").GetInt64(),
            Error = json.GetProperty("error").GetString(),
            HostKeyFingerprint = json.GetProperty("hostKey").GetString(),
            KeyExchange = json.GetProperty("keyExchange").GetString(),
            Facts = json.GetProperty("facts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal),
        };
        host.Tasks.AddRange(json.GetProperty("tasks").EnumerateArray().Select(ReadTask));
        return host;
    }

    private static TaskResult ReadTask(JsonElement json) =>
        new(
            json.GetProperty("play").GetString()!,
            json.GetProperty("name").GetString()!,
            json.GetProperty("module").GetString()!,
            Enum.Parse<TaskOutcome>(json.GetProperty("status").GetString()!, ignoreCase: true),
            Strings(json.GetProperty("changes")),
            json.GetProperty("diff").GetString(),
            json.GetProperty("message").GetString(),
            json.GetProperty("attempts").GetInt32(),
            json.GetProperty("durationMs").GetInt64(),
            json.TryGetProperty("ignored", out var ignored) && ignored.GetBoolean())
        {
            Warnings = Strings(json.GetProperty("warnings")),
            Result = (IReadOnlyDictionary<string, object?>)Value(json.GetProperty("result"))!,
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
