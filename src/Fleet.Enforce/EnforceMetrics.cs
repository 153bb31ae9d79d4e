using System.Text;
using Prometheus;

namespace Fleet.Enforce;

/// <summary>
/// The service's metrics in Prometheus' text format (prometheus-net, in a registry of its own: no process or runtime metrics
/// beside them), and the health verdict: healthy while the last cycle ended less than two intervals ago.
/// </summary>
public sealed class EnforceMetrics
{
    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly Gauge _hosts;
    private readonly Gauge _driftedTasks;
    private readonly Gauge _cycleDuration;
    private readonly Gauge _lastCycle;
    private readonly Gauge _hostLastSuccess;
    private readonly Gauge _unreachable;
    private readonly Gauge _inputErrors;
    private readonly Counter _cycles;
    private readonly Counter _repairedHosts;
    private readonly Counter _driftedHosts;
    private readonly TimeProvider _time;
    private readonly TimeSpan _every;
    private readonly DateTimeOffset _startedAt;

    /// <summary>Creates the metrics of a service whose cycles start every <paramref name="every"/>.</summary>
    public EnforceMetrics(TimeSpan every, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _every = every;
        _startedAt = _time.GetUtcNow();
        var factory = Metrics.WithCustomRegistry(_registry);
        _hosts = factory.CreateGauge("fleet_hosts", "Hosts by status at the end of the last cycle (ok, drifted, repaired, failed, unreachable).", "status");
        _driftedTasks = factory.CreateGauge("fleet_drifted_tasks", "Tasks that drifted in the last cycle: would change (check) or were changed (apply).");
        _cycleDuration = factory.CreateGauge("fleet_cycle_duration_seconds", "Wall time of the last cycle.");
        _lastCycle = factory.CreateGauge("fleet_last_cycle_timestamp_seconds", "Unix time the last cycle ended.");
        _hostLastSuccess = factory.CreateGauge("fleet_host_last_success_timestamp_seconds", "Unix time of the last cycle that left the host in the desired state (ok or repaired).", "host");
        _unreachable = factory.CreateGauge("fleet_unreachable_hosts", "Hosts the last cycle could not reach.");
        _inputErrors = factory.CreateGauge("fleet_input_errors", "Problems of the edited inventory or playbooks; above 0, cycles run the last valid version.");
        _cycles = factory.CreateCounter("fleet_cycles_total", "Cycles run, by outcome (ok, drift, repaired, guarded, failed, interrupted).", "outcome");
        _driftedHosts = factory.CreateCounter("fleet_drifted_hosts_total", "Hosts found drifted, summed over cycles.");
        _repairedHosts = factory.CreateCounter("fleet_repaired_hosts_total", "Hosts whose drift a cycle corrected, summed over cycles.");
        foreach (var status in Enum.GetValues<CycleHostStatus>())
        {
            _hosts.WithLabels(EnforceState.Name(status)).Set(0);
        }
    }

    /// <summary>Takes a finished cycle (and the history it updated) into the metrics.</summary>
    public void Record(CycleReport cycle, DriftHistory history)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        ArgumentNullException.ThrowIfNull(history);
        var now = _time.GetUtcNow();
        foreach (var status in Enum.GetValues<CycleHostStatus>())
        {
            _hosts.WithLabels(EnforceState.Name(status)).Set(cycle.Count(status));
        }

        _driftedTasks.Set(cycle.DriftedTasks);
        _cycleDuration.Set(cycle.Duration.TotalSeconds);
        _lastCycle.Set(now.ToUnixTimeMilliseconds() / 1000.0);
        _unreachable.Set(cycle.Count(CycleHostStatus.Unreachable));
        _inputErrors.Set(cycle.InputErrors.Count);
        _cycles.WithLabels(cycle.Outcome.ToString().ToLowerInvariant()).Inc();
        _driftedHosts.Inc(cycle.Count(CycleHostStatus.Drifted) + cycle.Count(CycleHostStatus.Repaired));
        _repairedHosts.Inc(cycle.Count(CycleHostStatus.Repaired));
        var targeted = cycle.Hosts.Select(h => h.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var labels in _hostLastSuccess.GetAllLabelValues().Where(l => !targeted.Contains(l[0])).ToList())
        {
            _hostLastSuccess.RemoveLabelled(labels);
        }

        foreach (var host in cycle.Hosts)
        {
            if (history.Hosts.GetValueOrDefault(host.Name)?.LastSuccess is { } success)
            {
                _hostLastSuccess.WithLabels(host.Name).Set(success.ToUnixTimeMilliseconds() / 1000.0);
            }
        }

        Volatile.Write(ref _lastCycleEndTicks, now.UtcTicks);
    }

    private long _lastCycleEndTicks;

    /// <summary>The exposition text of every metric.</summary>
    public async Task<string> ExportAsync(CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await _registry.CollectAndExportAsTextAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Healthy while the last cycle ended (or, before the first, the service started) less than two intervals ago.</summary>
    public (bool Healthy, string Reason) Health()
    {
        var ticks = Volatile.Read(ref _lastCycleEndTicks);
        var since = ticks == 0 ? _startedAt : new DateTimeOffset(ticks, TimeSpan.Zero);
        var age = _time.GetUtcNow() - since;
        var what = ticks == 0 ? "no cycle ended yet; started" : "last cycle ended";
        return age < 2 * _every
            ? (true, $"ok: {what} {age.TotalSeconds:0.#} s ago")
            : (false, $"stale: {what} {age.TotalSeconds:0.#} s ago, more than two intervals ({(2 * _every).TotalSeconds:0.#} s)");
    }
}
