using Fleet.Enforce;

namespace Fleet.Core.Tests.Enforce;

/// <summary>The Prometheus exposition and /healthz's verdict.</summary>
public sealed class EnforceMetricsTests
{
    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);

    private static CycleReport Repair() => new()
    {
        Cycle = 3,
        Mode = "apply",
        StartedAt = T0,
        Duration = TimeSpan.FromMilliseconds(250),
        Outcome = CycleOutcome.Repaired,
        Hosts =
        [
            new CycleHost("lab-01", CycleHostStatus.Ok, [], null),
            new CycleHost("lab-02", CycleHostStatus.Repaired, ["Firewall: allow 8080", "Config: motd"], null),
            new CycleHost("lab-03", CycleHostStatus.Unreachable, [], "connection refused"),
        ],
    };

    [Fact]
    public async Task Export_NamesEveryMetricWithItsLabels()
    {
        var clock = new Clock(T0);
        var metrics = new EnforceMetrics(TimeSpan.FromSeconds(5), clock);
        var history = new DriftHistory();
        var cycle = Repair();
        history.Record(cycle);
        clock.Now = T0.AddSeconds(1);

        metrics.Record(cycle, history);
        var text = await metrics.ExportAsync(CancellationToken.None);

        Assert.Contains("fleet_hosts{status=\"ok\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("fleet_hosts{status=\"repaired\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("fleet_hosts{status=\"drifted\"} 0", text, StringComparison.Ordinal);
        Assert.Contains("fleet_hosts{status=\"unreachable\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("fleet_drifted_tasks 2", text, StringComparison.Ordinal);
        Assert.Contains("fleet_unreachable_hosts 1", text, StringComparison.Ordinal);
        Assert.Contains("fleet_cycle_duration_seconds 0.25", text, StringComparison.Ordinal);
        Assert.Contains($"fleet_last_cycle_timestamp_seconds {T0.AddSeconds(1).ToUnixTimeSeconds()}", text, StringComparison.Ordinal);
        Assert.Contains($"fleet_host_last_success_timestamp_seconds{{host=\"lab-02\"}} {T0.ToUnixTimeSeconds()}", text, StringComparison.Ordinal);
        Assert.DoesNotContain("host=\"lab-03\"", text, StringComparison.Ordinal);
        Assert.Contains("fleet_cycles_total{outcome=\"repaired\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("fleet_repaired_hosts_total 1", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE fleet_hosts gauge", text, StringComparison.Ordinal);
        Assert.DoesNotContain("process_", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Health_FailsWhenTheLastCycleIsOlderThanTwoIntervals()
    {
        var clock = new Clock(T0);
        var metrics = new EnforceMetrics(TimeSpan.FromSeconds(5), clock);

        clock.Now = T0.AddSeconds(9);
        var starting = metrics.Health();
        clock.Now = T0.AddSeconds(11);
        var neverRan = metrics.Health();
        metrics.Record(Repair(), new DriftHistory());
        var fresh = metrics.Health();
        clock.Now = T0.AddSeconds(21.5);
        var stale = metrics.Health();

        Assert.True(starting.Healthy, starting.Reason);
        Assert.False(neverRan.Healthy, neverRan.Reason);
        Assert.True(fresh.Healthy, fresh.Reason);
        Assert.False(stale.Healthy, stale.Reason);
        Assert.StartsWith("stale: last cycle ended 10.5 s ago", stale.Reason, StringComparison.Ordinal);
    }
}
