using Fleet.Core.Results;

namespace Fleet.Enforce;

/// <summary>How a cycle ended, worst first: what <c>fleet_cycles_total{outcome}</c> counts and the log line says.</summary>
public enum CycleOutcome
{
    /// <summary>Every host was in the desired state.</summary>
    Ok,
    /// <summary>Check mode (or a tripped guard): some host drifted and was left as it is.</summary>
    Drift,
    /// <summary>Apply mode: drift was found and corrected.</summary>
    Repaired,
    /// <summary>Apply mode: the plan would have changed more hosts than --max-changed-hosts, so nothing was changed.</summary>
    Guarded,
    /// <summary>A task failed or a host was unreachable.</summary>
    Failed,
    /// <summary>SIGTERM interrupted the cycle after its grace period.</summary>
    Interrupted,
}

/// <summary>One host's state at the end of a cycle, in the words of <c>fleet_hosts{status}</c>.</summary>
public enum CycleHostStatus
{
    /// <summary>In the desired state.</summary>
    Ok,
    /// <summary>Drifted, not corrected (check mode or a tripped guard).</summary>
    Drifted,
    /// <summary>Drifted and corrected by this cycle.</summary>
    Repaired,
    /// <summary>A task failed.</summary>
    Failed,
    /// <summary>Could not be reached.</summary>
    Unreachable,
}

/// <summary>One host in a cycle: its status and the tasks that drifted.</summary>
/// <param name="Name">Inventory name.</param>
/// <param name="Status">Its state at the end of the cycle.</param>
/// <param name="DriftedTasks">Tasks that would change (check) or changed (apply), as "play: task".</param>
/// <param name="Error">Why it failed or was unreachable, or null.</param>
public sealed record CycleHost(string Name, CycleHostStatus Status, IReadOnlyList<string> DriftedTasks, string? Error);

/// <summary>
/// What one enforce cycle did: the plan (check run) and the apply run it made, the guard's verdict, and the input errors of an
/// edit that was refused (the cycle then ran the last valid inputs).
/// </summary>
public sealed record CycleReport
{
    /// <summary>Cycle number since the service started, from 1.</summary>
    public required long Cycle { get; init; }

    /// <summary>"check" or "apply".</summary>
    public required string Mode { get; init; }

    /// <summary>UTC start.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Wall time of the whole cycle (loading, plan, apply).</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>How the cycle ended.</summary>
    public CycleOutcome Outcome { get; init; }

    /// <summary>Every host the cycle targeted, in inventory order.</summary>
    public IReadOnlyList<CycleHost> Hosts { get; init; } = [];

    /// <summary>Problems of the inventory or playbooks as edited; non-empty means the cycle ran the last valid version.</summary>
    public IReadOnlyList<string> InputErrors { get; init; } = [];

    /// <summary>When the inputs the cycle ran were loaded (the last valid version when <see cref="InputErrors"/> is non-empty).</summary>
    public DateTimeOffset? InputsLoadedAt { get; init; }

    /// <summary>The --max-changed-hosts limit in force, or null.</summary>
    public int? MaxChangedHosts { get; init; }

    /// <summary>Hosts the plan would change (apply mode with a limit), or null when no plan ran first.</summary>
    public int? PlannedChangedHosts { get; init; }

    /// <summary>The check run: the whole cycle in check mode, the plan before applying under a limit; null otherwise.</summary>
    public RunReport? Plan { get; init; }

    /// <summary>The apply run, or null when nothing was applied.</summary>
    public RunReport? Applied { get; init; }

    /// <summary>Tasks that drifted on any host (would change in check, changed in apply).</summary>
    public int DriftedTasks => Hosts.Sum(h => h.DriftedTasks.Count);

    /// <summary>Hosts with a status.</summary>
    public int Count(CycleHostStatus status) => Hosts.Count(h => h.Status == status);

    /// <summary>Builds the hosts and the outcome from the runs a cycle made.</summary>
    public static CycleReport From(long cycle, string mode, DateTimeOffset startedAt, RunReport? plan, RunReport? applied, bool guarded)
    {
        var hosts = new List<CycleHost>();
        foreach (var planned in (plan ?? applied)?.Hosts ?? [])
        {
            var final = applied?.Hosts.FirstOrDefault(h => h.Name == planned.Name) ?? planned;
            // A change made by the apply run is a repair; one only planned (check mode, a tripped guard) is drift left as it is.
            var repaired = plan is null || !ReferenceEquals(final, planned);
            var drifted = final.Tasks.Where(t => t.Status == TaskOutcome.Changed && !t.Ignored).Select(t => $"{t.Play}: {t.Name}").ToList();
            var status = final.Status switch
            {
                HostStatus.Failed => CycleHostStatus.Failed,
                HostStatus.Unreachable => CycleHostStatus.Unreachable,
                HostStatus.Changed => repaired ? CycleHostStatus.Repaired : CycleHostStatus.Drifted,
                _ => CycleHostStatus.Ok,
            };
            hosts.Add(new CycleHost(final.Name, status, drifted, final.Error));
        }

        var interrupted = plan?.Interrupted == true || applied?.Interrupted == true;
        var outcome = interrupted ? CycleOutcome.Interrupted
            : hosts.Any(h => h.Status is CycleHostStatus.Failed or CycleHostStatus.Unreachable) ? CycleOutcome.Failed
            : guarded ? CycleOutcome.Guarded
            : hosts.Any(h => h.Status == CycleHostStatus.Drifted) ? CycleOutcome.Drift
            : hosts.Any(h => h.Status == CycleHostStatus.Repaired) ? CycleOutcome.Repaired
            : CycleOutcome.Ok;
        return new CycleReport { Cycle = cycle, Mode = mode, StartedAt = startedAt, Outcome = outcome, Hosts = hosts, Plan = plan, Applied = applied };
    }
}
