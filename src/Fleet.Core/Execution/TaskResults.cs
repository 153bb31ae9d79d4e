using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Execution;

/// <summary>How a task's result is shaped: one outcome, a loop's items in one, a <c>no_log</c> task's censored, secrets masked, and as <c>register</c> keeps it.</summary>
internal static class TaskResults
{
    private const string Hidden = "(hidden: no_log)";

    /// <summary>
    /// A task's result: its outcome, and its result in Ansible's shape from the plan's data (or the completed script's) and the
    /// script's output (a <c>no_log</c> task's is censored when it is reported).
    /// </summary>
    public static TaskResult Outcome(
        Play play,
        TaskDefinition task,
        TaskOutcome status,
        IReadOnlyList<string>? changes = null,
        string? diff = null,
        string? message = null,
        TaskPlan? plan = null,
        ChangeOutcome? completed = null,
        CommandResult? command = null)
    {
        var data = completed?.Data ?? plan?.Data ?? ModuleResult.NoData;
        return new(play.Name, task.Name, task.Module, status, changes ?? [], diff, message, Attempts: 1, DurationMs: 0)
        {
            Result = ModuleResult.Build(status, message, command, data),
            Warnings = [.. plan?.Warnings ?? [], .. completed?.Warnings ?? []],
            Location = task.Location,
        };
    }

    /// <summary>A loop item's result: the item under the loop variable's name, as Ansible's <c>results</c> show it.</summary>
    public static IReadOnlyDictionary<string, object?> WithItem(IReadOnlyDictionary<string, object?> result, TaskDefinition task, object? item) =>
        new Dictionary<string, object?>(result, StringComparer.Ordinal)
        {
            [task.Keywords.Loop!.LoopVar] = item,
            ["ansible_loop_var"] = task.Keywords.Loop.LoopVar,
        };

    /// <summary>A loop's one result: failed if an item failed, changed if one changed, skipped if all were skipped; <c>results</c> holds each item's.</summary>
    public static TaskResult Aggregate(Play play, TaskDefinition task, IReadOnlyList<TaskResult> items)
    {
        var status = items.Any(r => r.Status == TaskOutcome.Failed) ? TaskOutcome.Failed
            : items.Any(r => r.Status == TaskOutcome.Changed) ? TaskOutcome.Changed
            : items.All(r => r.Status == TaskOutcome.Skipped) ? TaskOutcome.Skipped
            : TaskOutcome.Ok;
        var message = status == TaskOutcome.Failed
            ? "One or more items failed: " + string.Join("; ", items.Where(r => r.Status == TaskOutcome.Failed).Select(r => r.Message))
            : status == TaskOutcome.Skipped ? "all items skipped" : "All items completed";
        var result = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["changed"] = items.Any(r => r.Status == TaskOutcome.Changed),
            ["failed"] = status == TaskOutcome.Failed,
            ["skipped"] = status == TaskOutcome.Skipped,
            ["msg"] = message,
            ["results"] = items.Select(r => (object?)r.Result).ToList(),
        };
        var diffs = items.Select(r => r.Diff).Where(d => d is not null).ToList();
        return Outcome(play, task, status, items.SelectMany(r => r.Changes).ToList(), diffs.Count == 0 ? null : string.Join("\n", diffs), message) with
        {
            Result = result,
            Attempts = items.Max(r => r.Attempts),
            DurationMs = items.Sum(r => r.DurationMs),
            Warnings = items.SelectMany(r => r.Warnings).Distinct().ToList(),
        };
    }

    /// <summary>What a <c>no_log</c> task reports: its status, and that the rest is hidden (Ansible's "censored").</summary>
    public static TaskResult Censored(TaskResult result) => result with
    {
        Changes = result.Changes.Count > 0 ? [Hidden] : [],
        Diff = null,
        Message = result.Message is null ? null : Hidden,
        Result = ModuleResult.Build(result.Status, result.Message is null ? null : Hidden, null, ModuleResult.NoData),
        Warnings = [],
    };

    /// <summary>A result as it is reported: every secret text (a decrypted vault value) in its name, changes, diff, message, result and warnings masked.</summary>
    public static TaskResult Masked(TaskResult result, SecretTexts secrets) => secrets.IsEmpty ? result : result with
    {
        Name = secrets.Mask(result.Name)!,
        Changes = result.Changes.Select(c => secrets.Mask(c)!).ToList(),
        Diff = secrets.Mask(result.Diff),
        Message = secrets.Mask(result.Message),
        Result = (IReadOnlyDictionary<string, object?>)secrets.MaskValue(result.Result)!,
        Warnings = result.Warnings.Select(w => secrets.Mask(w)!).ToList(),
    };

    /// <summary>
    /// A result as <c>register</c> exposes it, in Ansible's shape: only a skipped result (or loop item) has <c>skipped</c>, so
    /// <c>selectattr('skipped', 'defined')</c> picks a loop's skipped items. Reports keep all three flags (their schema requires them).
    /// </summary>
    public static IReadOnlyDictionary<string, object?> Registered(IReadOnlyDictionary<string, object?> result)
    {
        if (!(result.TryGetValue("skipped", out var skipped) && skipped is false) && !result.ContainsKey("results"))
        {
            return result;
        }

        var shaped = new Dictionary<string, object?>(result, StringComparer.Ordinal);
        if (skipped is false)
        {
            shaped.Remove("skipped");
        }

        if (shaped.TryGetValue("results", out var items) && items is IEnumerable<object?> list)
        {
            shaped["results"] = list.Select(i => i is IReadOnlyDictionary<string, object?> item ? Registered(item) : i).ToList();
        }

        return shaped;
    }

    /// <summary><c>changed_when: false</c> turns a change into ok.</summary>
    public static TaskOutcome ChangedOr(TaskDefinition task) => task.ChangedWhen == false ? TaskOutcome.Ok : TaskOutcome.Changed;
}
