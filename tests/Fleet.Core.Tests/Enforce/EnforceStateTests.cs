using System.Text.Json;
using Fleet.Core.Results;
using Fleet.Enforce;

namespace Fleet.Core.Tests.Enforce;

/// <summary>The state directory: reports rotated by count, latest.json, the per-host drift history across restarts.</summary>
public sealed class EnforceStateTests : IDisposable
{
    private readonly TempFiles _files = new();
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);

    private static CycleReport Cycle(long n, params (string Host, CycleHostStatus Status)[] hosts) => new()
    {
        Cycle = n,
        Mode = "apply",
        StartedAt = T0.AddMinutes(n),
        Hosts = hosts.Select(h => new CycleHost(h.Host, h.Status, h.Status is CycleHostStatus.Drifted or CycleHostStatus.Repaired ? ["Play: task"] : [], null)).ToList(),
    };

    [Fact]
    public void Record_KeepsTheNewestReports_LatestIsTheLastCycle()
    {
        var state = new EnforceState(_files.Dir, keepReports: 3);

        for (var n = 1; n <= 5; n++)
        {
            state.Record(Cycle(n, ("h1", CycleHostStatus.Ok)));
        }

        var kept = Directory.GetFiles(state.ReportsDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(3, kept.Count);
        Assert.EndsWith("-000003.json", kept[0], StringComparison.Ordinal);
        using var latest = JsonDocument.Parse(File.ReadAllText(state.LatestPath));
        Assert.Equal(5, latest.RootElement.GetProperty("cycle").GetInt64());
        Assert.Equal("fleet-enforce-cycle/1", latest.RootElement.GetProperty("schema").GetString());
    }

    [Fact]
    public void History_DriftStreak_FirstAndLastSeen_SurvivesARestart()
    {
        var state = new EnforceState(_files.Dir, keepReports: 10);
        state.Record(Cycle(1, ("h1", CycleHostStatus.Ok)));
        state.Record(Cycle(2, ("h1", CycleHostStatus.Repaired)));
        state.Record(Cycle(3, ("h1", CycleHostStatus.Repaired)));
        state.Record(Cycle(4, ("h1", CycleHostStatus.Unreachable)));

        var restarted = new EnforceState(_files.Dir, keepReports: 10);
        var h1 = restarted.History.Hosts["h1"];

        Assert.Equal(T0.AddMinutes(2), h1.FirstDriftSeen);
        Assert.Equal(T0.AddMinutes(3), h1.LastDriftSeen);
        Assert.Equal(T0.AddMinutes(3), h1.LastSuccess);
        Assert.True(h1.Drifting); // an unreachable cycle does not end the streak
        Assert.Equal(2, h1.DriftCycles);
        Assert.Equal(CycleHostStatus.Unreachable, h1.LastStatus);

        restarted.Record(Cycle(5, ("h1", CycleHostStatus.Ok)));
        restarted.Record(Cycle(6, ("h1", CycleHostStatus.Drifted)));
        var again = restarted.History.Hosts["h1"];
        Assert.Equal(T0.AddMinutes(6), again.FirstDriftSeen); // a clean cycle ended the old streak
        Assert.Equal(T0.AddMinutes(5), again.LastSuccess);
    }

    [Fact]
    public void History_DamagedFile_StartsAfresh()
    {
        File.WriteAllText(Path.Combine(_files.Dir, "hosts.json"), "{ not json");

        var state = new EnforceState(_files.Dir, keepReports: 10);

        Assert.Empty(state.History.Hosts);
    }

    [Fact]
    public void CycleReport_EmbedsItsRunsAsValidFleetReports()
    {
        var host = new HostResult("h1", "127.0.0.1") { Status = HostStatus.Changed };
        host.Tasks.Add(new TaskResult("Play", "task", "copy", TaskOutcome.Changed, ["write /etc/x"], null, null, 1, 3));
        var run = new RunReport("apply", T0, 12, [host]);
        var cycle = CycleReport.From(7, "apply", T0, plan: null, applied: run, guarded: false);

        using var json = JsonDocument.Parse(EnforceState.ToJson(cycle));

        Assert.Equal("repaired", json.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("totals").GetProperty("driftedTasks").GetInt32());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("plan").ValueKind);
        Fleet.Tests.ReportSchema.AssertValid(json.RootElement.GetProperty("apply").GetRawText());
    }

    [Fact]
    public void StateDirUnderAFile_IsInvalidInput()
    {
        var file = _files.Write("not-a-dir", "");

        var ex = Assert.Throws<FleetInputException>(() => new EnforceState(Path.Combine(file, "state"), keepReports: 10));

        Assert.StartsWith("--state-dir " + Path.Combine(file, "state"), ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _files.Dispose();
}
