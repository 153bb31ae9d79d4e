namespace Fleet.Core.Results;

/// <summary>How one task ended on one host.</summary>
public enum TaskOutcome
{
    /// <summary>The host already was in the desired state.</summary>
    Ok,
    /// <summary>Something changed (or, in check mode, would change).</summary>
    Changed,
    /// <summary>The task failed.</summary>
    Failed,
    /// <summary>Not run: its condition was false, check mode, or the host stopped earlier.</summary>
    Skipped,
}

/// <summary>How one host ended.</summary>
public enum HostStatus
{
    /// <summary>Nothing changed.</summary>
    Ok,
    /// <summary>Something changed (or, in check mode, would change).</summary>
    Changed,
    /// <summary>A task failed.</summary>
    Failed,
    /// <summary>The host could not be reached.</summary>
    Unreachable,
}

/// <summary>One task's result on one host.</summary>
/// <param name="Play">Play name.</param>
/// <param name="Name">Task name.</param>
/// <param name="Module">Module name.</param>
/// <param name="Status">Outcome.</param>
/// <param name="Changes">What changed (or would change), one line each.</param>
/// <param name="Diff">Unified diff of a changed file or rule set, or null.</param>
/// <param name="Message">Why it failed, was skipped or was a no-op; or command output.</param>
/// <param name="Attempts">How many times it ran (1 + retries used).</param>
/// <param name="DurationMs">Wall time of the task on this host.</param>
/// <param name="Ignored">It failed with <c>ignore_errors</c>: reported, but the host went on.</param>
public sealed record TaskResult(
    string Play,
    string Name,
    string Module,
    TaskOutcome Status,
    IReadOnlyList<string> Changes,
    string? Diff,
    string? Message,
    int Attempts,
    long DurationMs,
    bool Ignored = false)
{
    private readonly IReadOnlyDictionary<string, object?>? _result;

    /// <summary>
    /// How many times the recap counts this result, as Ansible's does: an include_role is not counted, an include_tasks with a
    /// loop once per included item. The default value is 1.
    /// </summary>
    public int Tally { get; init; } = 1;

    /// <summary>The result in Ansible's shape (<see cref="ModuleResult"/>). The default is built from the status and message alone.</summary>
    public IReadOnlyDictionary<string, object?> Result
    {
        get => _result ?? ModuleResult.Build(Status, Message, null, ModuleResult.NoData);
        init => _result = value;
    }

    /// <summary>It failed inside a block whose <c>rescue</c> ran: reported, but not counted as a failure (Ansible's "rescued"). The default value is false.</summary>
    public bool Rescued { get; init; }

    /// <summary>Warnings the module raised; a task can be ok with a warning. The default is none.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The host the task ran on for this one (<c>delegate_to</c>, <c>local_action</c>: shown as <c>web1 -> localhost</c>), or null. The default value is null.</summary>
    public string? DelegatedTo { get; init; }

    /// <summary>Where the task is written (CI annotations point there), or null for a task Fleet made up (audit) or a report read back.</summary>
    public SourceLocation? Location { get; init; }
}

/// <summary>A Lynis audit's summary for a host.</summary>
/// <param name="HardeningIndex">Lynis hardening index, 0–100.</param>
/// <param name="Warnings">Warnings as "ID: text".</param>
/// <param name="Suggestions">Number of suggestions.</param>
/// <param name="SuggestionList">Suggestions as "ID: text".</param>
public sealed record AuditSummary(int HardeningIndex, IReadOnlyList<string> Warnings, int Suggestions, IReadOnlyList<string> SuggestionList)
{
    /// <summary>The audit in a task's result (an audit module's <c>hardening_index</c>, <c>warnings</c>, <c>suggestions</c>), or null.</summary>
    public static AuditSummary? FromResult(IReadOnlyDictionary<string, object?> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.GetValueOrDefault("hardening_index") is not int index)
        {
            return null;
        }

        static IReadOnlyList<string> Texts(object? value) => value is IEnumerable<string> items ? [.. items] : [];
        var suggestions = Texts(result.GetValueOrDefault("suggestions"));
        return new AuditSummary(index, Texts(result.GetValueOrDefault("warnings")), suggestions.Count, suggestions);
    }
}

/// <summary>Everything that happened on one host during a run.</summary>
public sealed class HostResult(string name, string address)
{
    /// <summary>Inventory name.</summary>
    public string Name { get; } = name;

    /// <summary>Address connected to.</summary>
    public string Address { get; } = address;

    /// <summary>Outcome; derived from the tasks unless the host was unreachable.</summary>
    public HostStatus Status { get; set; } = HostStatus.Ok;

    /// <summary>Wall time from connect to the last task.</summary>
    public long DurationMs { get; set; }

    /// <summary>Why the host failed or was unreachable, or null.</summary>
    public string? Error { get; set; }

    /// <summary>Host key fingerprint seen at connect, or null.</summary>
    public string? HostKeyFingerprint { get; set; }

    /// <summary>The key exchange negotiated at connect (mlkem768x25519-sha256, sntrup761x25519-sha512, curve25519-sha256…), or null.</summary>
    public string? KeyExchange { get; set; }

    /// <summary>Facts read at connect (os, hostname…), for <c>fleet ping</c>.</summary>
    public IReadOnlyDictionary<string, string> Facts { get; set; } = new Dictionary<string, string>();

    /// <summary>Task results in the order they ran.</summary>
    public List<TaskResult> Tasks { get; } = [];

    /// <summary>The last audit a task reported (a lynis task), else null.</summary>
    public AuditSummary? Audit => Tasks.Select(t => AuditSummary.FromResult(t.Result)).LastOrDefault(a => a is not null);

    /// <summary>Every warning the host's tasks raised, as "task: warning".</summary>
    public IEnumerable<string> Warnings => Tasks.SelectMany(t => t.Warnings.Select(w => $"{t.Name}: {w}"));

    /// <summary>Counts tasks with a status.</summary>
    public int Count(TaskOutcome status) => Tasks.Where(t => t.Status == status && !t.Ignored && !t.Rescued).Sum(t => t.Tally);
}

/// <summary>A whole run: what the reports and the exit code are made of.</summary>
/// <param name="Mode">"apply", "check", "ping" or "audit".</param>
/// <param name="StartedAt">UTC start.</param>
/// <param name="DurationMs">Wall time.</param>
/// <param name="Hosts">One result per host, in natural name order (<see cref="HostNameOrder"/>).</param>
/// <param name="Interrupted">Ctrl-C / SIGTERM stopped the run.</param>
public sealed record RunReport(string Mode, DateTimeOffset StartedAt, long DurationMs, IReadOnlyList<HostResult> Hosts, bool Interrupted = false)
{
    /// <summary>The playbook files the run was given, as given (empty for ping; <c>&lt;audit&gt;</c> for audit). The default is none.</summary>
    public IReadOnlyList<string> Playbooks { get; init; } = [];

    /// <summary>The <c>--shard</c> this run covered, or null for a run over every selected host.</summary>
    public Shard? Shard { get; init; }

    /// <summary>Hosts counted by status.</summary>
    public int CountHosts(HostStatus status) => Hosts.Count(h => h.Status == status);

    /// <summary>The process exit code: 130 interrupted, 2 failed, 3 unreachable, 4 drift in check, 0 fine (docs/exit-codes.md).</summary>
    public int ExitCode
    {
        get
        {
            if (Interrupted)
            {
                return ExitCodes.Interrupted;
            }

            if (CountHosts(HostStatus.Failed) > 0)
            {
                return ExitCodes.TaskFailed;
            }

            if (CountHosts(HostStatus.Unreachable) > 0)
            {
                return ExitCodes.Unreachable;
            }

            return Mode == "check" && CountHosts(HostStatus.Changed) > 0 ? ExitCodes.Drift : ExitCodes.Success;
        }
    }
}

/// <summary>Process exit codes, as docs/exit-codes.md documents them.</summary>
public static class ExitCodes
{
    /// <summary>Every host converged / is in the desired state.</summary>
    public const int Success = 0;
    /// <summary>Invalid input; nothing was contacted.</summary>
    public const int InvalidInput = 1;
    /// <summary>At least one task failed.</summary>
    public const int TaskFailed = 2;
    /// <summary>At least one host unreachable, nothing failed.</summary>
    public const int Unreachable = 3;
    /// <summary>Check mode: some host would change.</summary>
    public const int Drift = 4;
    /// <summary>A bug in Fleet: an unexpected exception ended the command (EX_SOFTWARE of sysexits.h).</summary>
    public const int InternalError = 70;
    /// <summary>Interrupted by Ctrl-C / SIGTERM.</summary>
    public const int Interrupted = 130;
}
