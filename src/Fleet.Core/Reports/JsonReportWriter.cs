using System.Globalization;
using System.Text;
using System.Text.Json;
using Fleet.Core.Results;

namespace Fleet.Core.Reports;

/// <summary>
/// Writes the <c>fleet-report/3</c> JSON, keys in the documented order; docs/fleet-report.schema.json specifies every key
/// (a change here is a change of that schema, and the tests validate every report they write against it).
/// </summary>
public static class JsonReportWriter
{
    /// <summary>The schema name.</summary>
    public const string Schema = "fleet-report/3";

    /// <summary>The report as indented JSON text.</summary>
    public static string ToJson(RunReport report)
    {
        using var buffer = new MemoryStream();
        WriteTo(report, buffer);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// Writes the report to <paramref name="path"/> atomically (temporary file, then rename), streamed: a 50-host site.yml report
    /// is ~4.5 MB, and building it as text first held about seven times that at the run's end, the controller's peak memory.
    /// </summary>
    public static void Write(RunReport report, string path) => AtomicFile.Write(path, stream => WriteTo(report, stream));

    /// <summary>The report as indented UTF-8 JSON with a final newline, written to <paramref name="stream"/>.</summary>
    public static void WriteTo(RunReport report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(stream);
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("schema", Schema);
            json.WriteString("mode", report.Mode);
            json.WriteStartArray("playbooks");
            foreach (var playbook in report.Playbooks)
            {
                json.WriteStringValue(playbook);
            }

            json.WriteEndArray();
            if (report.Shard is { } shard)
            {
                json.WriteStartObject("shard");
                json.WriteNumber("index", shard.Index);
                json.WriteNumber("count", shard.Count);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("shard");
            }

            json.WriteString("startedAt", report.StartedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            json.WriteNumber("durationMs", report.DurationMs);
            json.WriteStartObject("totals");
            json.WriteNumber("hosts", report.Hosts.Count);
            json.WriteNumber("ok", report.CountHosts(HostStatus.Ok));
            json.WriteNumber("changed", report.CountHosts(HostStatus.Changed));
            json.WriteNumber("failed", report.CountHosts(HostStatus.Failed));
            json.WriteNumber("unreachable", report.CountHosts(HostStatus.Unreachable));
            json.WriteEndObject();
            json.WriteStartArray("hosts");
            foreach (var host in report.Hosts)
            {
                WriteHost(json, host);
            }

            json.WriteEndArray();
            json.WriteBoolean("interrupted", report.Interrupted);
            json.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
    }

    private static void WriteHost(Utf8JsonWriter json, HostResult host)
    {
        json.WriteStartObject();
        json.WriteString("name", host.Name);
        json.WriteString("address", host.Address);
        json.WriteString("status", Name(host.Status));
        json.WriteNumber("durationMs", host.DurationMs);
        WriteNullable(json, "error", host.Error);
        json.WriteStartArray("tasks");
        foreach (var task in host.Tasks)
        {
            json.WriteStartObject();
            json.WriteString("play", task.Play);
            json.WriteString("name", task.Name);
            json.WriteString("module", task.Module);
            json.WriteString("status", Name(task.Status));
            json.WriteStartArray("changes");
            foreach (var change in task.Changes)
            {
                json.WriteStringValue(change);
            }

            json.WriteEndArray();
            WriteNullable(json, "diff", task.Diff);
            WriteNullable(json, "message", task.Message);
            json.WriteNumber("attempts", task.Attempts);
            json.WriteNumber("durationMs", task.DurationMs);
            if (task.Ignored)
            {
                json.WriteBoolean("ignored", true);
            }

            if (task.DelegatedTo is { } delegatedTo)
            {
                json.WriteString("delegatedTo", delegatedTo);
            }

            json.WriteStartArray("warnings");
            foreach (var warning in task.Warnings)
            {
                json.WriteStringValue(warning);
            }

            json.WriteEndArray();
            json.WritePropertyName("result");
            JsonValues.Write(json, task.Result);

            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (host.Audit is { } audit)
        {
            json.WriteStartObject("audit");
            json.WriteNumber("hardeningIndex", audit.HardeningIndex);
            json.WriteStartArray("warnings");
            foreach (var warning in audit.Warnings)
            {
                json.WriteStringValue(warning);
            }

            json.WriteEndArray();
            json.WriteNumber("suggestions", audit.Suggestions);
            json.WriteEndObject();
        }

        WriteNullable(json, "hostKey", host.HostKeyFingerprint);
        WriteNullable(json, "keyExchange", host.KeyExchange);
        json.WriteStartObject("facts");
        foreach (var (key, value) in host.Facts)
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    /// <summary>Lower-case status names of the report.</summary>
    public static string Name(HostStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>Lower-case status names of the report.</summary>
    public static string Name(TaskOutcome status) => status.ToString().ToLowerInvariant();
}

/// <summary>Writes report files atomically so a reader never sees half a report.</summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> through a temporary file and a rename.</summary>
    public static void Write(string path, string text) => Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
        writer.Write(text);
    });

    /// <summary>Writes what <paramref name="write"/> puts in the stream to <paramref name="path"/> through a temporary file and a rename.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024))
            {
                write(stream);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            // A half-written temporary file (disk full) is not left next to the report.
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Checks before a run that a report can be written at <paramref name="path"/> (its directory is created and a probe file
    /// written and removed), so an unwritable path is invalid input instead of a lost report at the end.
    /// </summary>
    public static void CheckWritable(string path, string option)
    {
        try
        {
            var full = Path.GetFullPath(path);
            if (Directory.Exists(full))
            {
                throw new IOException("it is a directory"); // no quote in the text: FileErrors.Reason keeps it
            }

            var directory = Path.GetDirectoryName(full) ?? ".";
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.probe");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new FleetInputException($"{option} {path}: cannot write there: {(ex is ArgumentException or NotSupportedException ? "not a valid path" : FileErrors.Reason(ex))}");
        }
    }
}
