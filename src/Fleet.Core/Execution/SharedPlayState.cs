using System.Collections.Concurrent;
using Fleet.Core.Playbooks;

namespace Fleet.Core.Execution;

/// <summary>
/// What the hosts of one play share while each walks its own task tree: <c>throttle</c> limits, the <c>any_errors_fatal</c> and
/// <c>meta: end_play</c> stops, and every host's variables for <c>hostvars</c>.
/// </summary>
internal sealed class SharedPlayState(Play play, IReadOnlyDictionary<string, object?> hostVars)
{
    private readonly ConcurrentDictionary<SourceLocation, SemaphoreSlim> _throttles = new();

    public Play Play { get; } = play;

    /// <summary><c>hostvars</c>: every host of the run by name, each its variables as they are now.</summary>
    public IReadOnlyDictionary<string, object?> HostVars { get; } = hostVars;

    /// <summary>A host failed under <c>any_errors_fatal</c>: the others stop before their next task.</summary>
    public string? FatalFailure { get; private set; }

    /// <summary><c>meta: end_play</c> ran: every host ends the play before its next task.</summary>
    public bool Ended { get; private set; }

    /// <summary>The current batch's meeting point for <c>run_once</c> tasks; a run without one lets every host run them (a single host).</summary>
    public Placement.RunOnceGate? RunOnce { get; set; }

    /// <summary>Every host's session by name: <c>delegate_facts</c> sets facts on the delegated host's. The default is none.</summary>
    public IReadOnlyDictionary<string, HostSession> Sessions { get; init; } = new Dictionary<string, HostSession>();

    /// <summary>The play's hosts, every batch's and every state's (<c>meta: clear_facts</c> clears them all, as Ansible's does).</summary>
    public IReadOnlyList<string> HostNames { get; init; } = [];

    public void Fatal(string host) => FatalFailure ??= host;

    public void End() => Ended = true;

    /// <summary><c>meta: end_batch</c> ran: every host of the current batch (the play's hosts without <c>serial</c>) ends it before its next task.</summary>
    public bool BatchEnded { get; private set; }

    /// <inheritdoc cref="BatchEnded"/>
    public void EndBatch() => BatchEnded = true;

    /// <summary>A new batch of hosts starts: an earlier batch's end_batch does not end it.</summary>
    public void NewBatch() => BatchEnded = false;

    /// <summary>The semaphore of a throttled task (one per task, shared by the hosts).</summary>
    public SemaphoreSlim Throttle(TaskDefinition task, int limit) => _throttles.GetOrAdd(task.Location, _ => new SemaphoreSlim(Math.Max(1, limit)));
}
