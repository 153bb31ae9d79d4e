using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Core.Reports;

namespace Fleet.Enforce;

/// <summary>
/// The state directory: <c>reports/</c> with one JSON report per cycle (the oldest deleted beyond a count), <c>latest.json</c>
/// (the last cycle's report) and <c>hosts.json</c> (the drift history). Every file is written atomically.
/// </summary>
public sealed class EnforceState
{
    /// <summary>The schema name of a cycle report.</summary>
    public const string Schema = "fleet-enforce-cycle/1";

    internal static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly int _keep;

    /// <summary>
    /// Opens the state directory (creating it) and reads the drift history kept there; a directory that cannot be written is
    /// invalid input, found before the first cycle rather than after it.
    /// </summary>
    public EnforceState(string directory, int keepReports)
    {
        Directory = Path.GetFullPath(directory);
        _keep = keepReports;
        var hosts = Path.Combine(Directory, "hosts.json");
        try
        {
            System.IO.Directory.CreateDirectory(ReportsDirectory);
            History = DriftHistory.Parse(File.Exists(hosts) ? File.ReadAllText(hosts) : null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FleetInputException($"--state-dir {Directory}: {FileErrors.Reason(ex)}");
        }

        AtomicFile.CheckWritable(LatestPath, "--state-dir");
    }

    /// <summary>The state directory.</summary>
    public string Directory { get; }

    /// <summary>Where cycle reports go.</summary>
    public string ReportsDirectory => Path.Combine(Directory, "reports");

    /// <summary>The last cycle's report.</summary>
    public string LatestPath => Path.Combine(Directory, "latest.json");

    /// <summary>The drift history, updated by <see cref="Record"/>.</summary>
    public DriftHistory History { get; }

    /// <summary>Writes the cycle's report, latest.json and the history; deletes reports beyond the count kept.</summary>
    public string Record(CycleReport cycle)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        History.Record(cycle);
        var json = ToJson(cycle);
        var path = Path.Combine(ReportsDirectory, $"cycle-{cycle.StartedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss.fff'Z'", CultureInfo.InvariantCulture)}-{cycle.Cycle:D6}.json");
        AtomicFile.Write(path, json);
        AtomicFile.Write(LatestPath, json);
        AtomicFile.Write(Path.Combine(Directory, "hosts.json"), History.ToJson());
        foreach (var old in System.IO.Directory.EnumerateFiles(ReportsDirectory, "cycle-*.json").Order(StringComparer.Ordinal).SkipLast(_keep))
        {
            File.Delete(old);
        }

        return path;
    }

    /// <summary>A cycle report as JSON: the cycle's summary, then its runs as <c>fleet-report/1</c> documents.</summary>
    public static string ToJson(CycleReport cycle)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        var hosts = new JsonArray();
        foreach (var host in cycle.Hosts)
        {
            hosts.Add((JsonNode)new JsonObject
            {
                ["name"] = host.Name,
                ["status"] = Name(host.Status),
                ["driftedTasks"] = new JsonArray([.. host.DriftedTasks.Select(t => JsonValue.Create(t))]),
                ["error"] = host.Error,
            });
        }

        var root = new JsonObject
        {
            ["schema"] = Schema,
            ["cycle"] = cycle.Cycle,
            ["mode"] = cycle.Mode,
            ["startedAt"] = Time(cycle.StartedAt),
            ["durationMs"] = (long)cycle.Duration.TotalMilliseconds,
            ["outcome"] = cycle.Outcome.ToString().ToLowerInvariant(),
            ["totals"] = new JsonObject
            {
                ["hosts"] = cycle.Hosts.Count,
                ["ok"] = cycle.Count(CycleHostStatus.Ok),
                ["drifted"] = cycle.Count(CycleHostStatus.Drifted),
                ["repaired"] = cycle.Count(CycleHostStatus.Repaired),
                ["failed"] = cycle.Count(CycleHostStatus.Failed),
                ["unreachable"] = cycle.Count(CycleHostStatus.Unreachable),
                ["driftedTasks"] = cycle.DriftedTasks,
            },
            ["inputErrors"] = new JsonArray([.. cycle.InputErrors.Select(e => JsonValue.Create(e))]),
            ["inputsLoadedAt"] = cycle.InputsLoadedAt is { } loaded ? Time(loaded) : null,
            ["guard"] = cycle.MaxChangedHosts is { } max
                ? new JsonObject { ["maxChangedHosts"] = max, ["plannedChangedHosts"] = cycle.PlannedChangedHosts, ["tripped"] = cycle.Outcome == CycleOutcome.Guarded }
                : null,
            ["hosts"] = hosts,
            ["plan"] = cycle.Plan is { } plan ? JsonNode.Parse(JsonReportWriter.ToJson(plan)) : null,
            ["apply"] = cycle.Applied is { } applied ? JsonNode.Parse(JsonReportWriter.ToJson(applied)) : null,
        };
        return root.ToJsonString(Indented) + "\n";
    }

    /// <summary>Lower-case status names, as in the reports and metrics.</summary>
    public static string Name(CycleHostStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>UTC time in the reports' format.</summary>
    public static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
