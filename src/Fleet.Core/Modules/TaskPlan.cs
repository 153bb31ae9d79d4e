using Fleet.Core.Facts;
using Fleet.Core.Results;

namespace Fleet.Core.Modules;

/// <summary>What a module's planner decided for one task on one host, from facts alone.</summary>
public abstract record TaskPlan
{
    /// <summary>Module data for the task's result (Ansible's result keys: <c>ports</c>, <c>packages</c>…). The default is none.</summary>
    public IReadOnlyDictionary<string, object?> Data { get; init; } = ModuleResult.NoData;

    /// <summary>Warnings to show with the task, whatever its outcome. The default is none.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>The host already is in the desired state: no further round trip.</summary>
/// <param name="Reason">Why nothing needs to change, for the report.</param>
public sealed record NoChange(string Reason) : TaskPlan;

/// <summary>Commands to bring the host to the desired state.</summary>
/// <param name="Changes">What will change, one line each ("line added to /etc/x").</param>
/// <param name="Script">One sh script doing the whole change (sent as one command).</param>
/// <param name="Touches">What the change touches: facts about these subjects become stale; null means anything may be stale.</param>
public sealed record Change(IReadOnlyList<string> Changes, string Script, IReadOnlyList<Subject>? Touches = null) : TaskPlan
{
    private string? _diff;

    /// <summary>
    /// Computes the unified diff of the change where a file or rule set changes. Only check mode and <c>--diff</c> read
    /// <see cref="Diff"/>, so an apply without them never pays for diffing a large file. The default value is null (no diff).
    /// </summary>
    public Func<string>? DiffSource { get; init; }

    /// <summary>Unified diff of the change where a file or rule set changes, else null; computed on first read.</summary>
    public string? Diff => DiffSource is null ? null : _diff ??= DiffSource();

    /// <summary>
    /// The script only reads (an audit): it runs in check mode too, and <see cref="Module.Complete"/> decides the outcome.
    /// The default value is false.
    /// </summary>
    public bool ReadOnly { get; init; }

    /// <summary>
    /// The values some touched facts will have after the change, when the planner knows them (a file's new content and mode).
    /// Check mode, which runs nothing, plans the next tasks on them, so two edits of one file both show their diff.
    /// </summary>
    public IReadOnlyDictionary<Fact, object>? Predicted { get; init; }

    /// <summary>How to check, after the change ran, that the host still works (and undo the change if not); null for none.</summary>
    public Verification? Verify { get; init; }

    /// <summary>The script prints a host file that the engine writes on the controller (<c>fetch</c>). The default value is null.</summary>
    public ControllerDownload? Download { get; init; }
}

/// <summary>
/// A check run after a change, with the way back: when the check fails, the rollback script runs and the task fails with
/// "rolled back: …". Used where a bad change costs the host (sshd, the firewall).
/// </summary>
/// <param name="Description">What is checked, for messages ("sshd -t accepts the configuration").</param>
/// <param name="Script">A read-only sh script that exits 0 when the host is fine, or null.</param>
/// <param name="NewConnection">Also open a fresh SSH connection to the host (the change must not lock the controller out).</param>
/// <param name="Rollback">The sh script that restores the state before the change.</param>
public sealed record Verification(string Description, string? Script, bool NewConnection, string Rollback)
{
    /// <summary>The default of <see cref="ConfirmTimeout"/> for the modules that use it (ufw, sshd): 60 seconds.</summary>
    public static readonly TimeSpan DefaultConfirmTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// An sh script run before the change that saves what <see cref="Rollback"/> restores (the rollback then never reads a stale copy).
    /// The default value is null (the rollback carries the old state itself).
    /// </summary>
    public string? Save { get; init; }

    /// <summary>
    /// Commit confirmed: before the change, the host arms a detached timer that runs <see cref="Rollback"/> after this long unless the
    /// controller confirms (after the check and the fresh connection passed), so a host whose change cut the controller off restores
    /// itself. The default value is null (no timer: only the controller rolls back).
    /// </summary>
    public TimeSpan? ConfirmTimeout { get; init; }

    /// <summary>
    /// The change moves SSH to this port: the fresh connection goes there, and once it worked later tasks and plays connect there
    /// too. The default value is null (the port stays).
    /// </summary>
    public int? NewPort { get; init; }
}

/// <summary>The task does not apply (for example a command in check mode).</summary>
/// <param name="Reason">Why, for the report.</param>
public sealed record Skip(string Reason) : TaskPlan;

/// <summary>The desired state cannot be reached (for example a missing source file); nothing was run.</summary>
/// <param name="Message">What is wrong.</param>
public sealed record PlanFailure(string Message) : TaskPlan
{
    /// <summary>
    /// The failure is in the task's input on the controller (a file missing there, a malformed key), whatever the host's state: check mode
    /// reports it even where an earlier change would have altered what the task reads. The default value is false.
    /// </summary>
    public bool OnController { get; init; }
}
