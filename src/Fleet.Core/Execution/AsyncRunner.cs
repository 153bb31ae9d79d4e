using System.Diagnostics;
using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.AsyncStatus;
using Fleet.Core.Playbooks;
using Fleet.Core.Remote;
using Fleet.Core.Results;
using static Fleet.Core.Execution.TaskResults;

namespace Fleet.Core.Execution;

/// <summary>
/// Runs a task's change as an <c>async</c> job, as Ansible does: started detached from the SSH session with its own time limit,
/// then read every <c>poll</c> seconds until it finished or the limit passed (the job is then killed and the task fails); a read
/// that meets a dropped connection reconnects and reads again. With <c>poll: 0</c> the task only starts it and registers its id.
/// </summary>
internal sealed class AsyncRunner(HostSession host, FactCache facts)
{
    /// <summary>How long one start, read or kill of a job may take (each is a few lines of sh).</summary>
    private static readonly TimeSpan TripLimit = TimeSpan.FromSeconds(60);

    /// <summary>Ansible's message when the job outlived its <c>async</c> seconds.</summary>
    public static string TooLong(long seconds) => $"async task did not complete within the requested time - {seconds}s";

    /// <summary>Ansible's message for an async task in check mode.</summary>
    public const string NotInCheckMode = "check mode and async cannot be used on same task.";

    /// <summary>Runs <paramref name="change"/> of <paramref name="task"/> as a job; the task's result, with the job's fields.</summary>
    public async Task<TaskResult> RunAsync(Play play, PreparedTask task, Change change, bool become, CancellationToken cancellationToken)
    {
        var definition = task.Definition;
        if (change.Verify is not null)
        {
            return Outcome(play, definition, TaskOutcome.Failed, message: $"async is not supported for {task.Module.Name}: its change must be verified with the controller attached", plan: change);
        }

        var jid = AsyncJob.NewId();
        var seconds = definition.Keywords.Async;
        var clock = Stopwatch.StartNew();
        CommandResult started;
        try
        {
            started = await host.Connection!.RunAsync(new RemoteCommand(AsyncJob.Start(jid, change.Script, seconds), become, TripLimit) { Sensitive = definition.NoLog, BecomeUser = task.BecomeUser, BecomeFlags = task.BecomeFlags }, cancellationToken).ConfigureAwait(false);
        }
        catch (HostUnreachableException ex)
        {
            facts.Invalidate(change.Touches);
            host.MarkUnreachable("connection lost: " + ex.Message);
            return Outcome(play, definition, TaskOutcome.Failed, change.Changes, message: ex.Message, plan: change);
        }
        catch (RemoteTimeoutException)
        {
            return Outcome(play, definition, TaskOutcome.Failed, message: $"starting the async job timed out after {TripLimit.TotalSeconds:0} s", plan: change);
        }

        if (!started.Succeeded)
        {
            return Outcome(play, definition, TaskOutcome.Failed, message: "could not start the async job: " + (started.Stderr.Trim() is { Length: > 0 } e ? e : $"exit {started.ExitCode}"), plan: change);
        }

        facts.Invalidate(change.Touches);
        var resultsFile = AsyncJob.PathOf(started);
        if (definition.Keywords.Poll == 0)
        {
            return Started(play, definition, change.Changes, jid, resultsFile, change);
        }

        var (status, lost) = await PollAsync(jid, seconds, definition.Keywords.Poll, become, task.BecomeUser, task.BecomeFlags, cancellationToken).ConfigureAwait(false);
        facts.Invalidate(change.Touches);
        if (status is not { Finished: true } or { TimedOut: true })
        {
            if (lost is not null)
            {
                host.MarkUnreachable("connection lost while polling the async job: " + lost);
                return Outcome(play, definition, TaskOutcome.Failed, change.Changes, message: lost, plan: change);
            }

            // Killed by the host's watchdog at the limit, or now by the controller: either way the job outlived its time.
            await KillAsync(jid, become, task.BecomeUser, task.BecomeFlags, cancellationToken).ConfigureAwait(false);
            var failed = Outcome(play, definition, TaskOutcome.Failed, message: TooLong(seconds), plan: change);
            return failed with { Result = With(failed.Result, new Dictionary<string, object?>(StringComparer.Ordinal) { ["async_result"] = JobFields(jid, resultsFile, status) }) };
        }

        var (job, backup) = BackupFile.Take(new CommandResult(status.ExitCode ?? -1, status.Stdout, status.Stderr, clock.Elapsed));
        var outcome = status.Found ? ChangeApplier.WithBackupFile(task.Module.Complete(change, job, task.Args), task.Module.BackupResultKey, backup, change.Data) : AsyncStatusModule.Outcome(status);
        var result = Outcome(
            play, definition, outcome.Status == TaskOutcome.Changed ? ChangedOr(definition) : outcome.Status, outcome.Status == TaskOutcome.Changed ? change.Changes : [],
            null, outcome.Message, change, outcome, status.ExitCode is null ? null : job);
        return result with { Result = With(result.Result, JobFields(jid, resultsFile, status)) };
    }

    /// <summary>
    /// A <c>poll: 0</c> task whose planner found nothing to change: no job runs, but one is recorded as finished so that
    /// <c>async_status</c> finds the id it registers. Reported changed, as Ansible reports every started job.
    /// </summary>
    public async Task<TaskResult> RecordNothingToDoAsync(Play play, PreparedTask task, NoChange plan, bool become, CancellationToken cancellationToken)
    {
        var definition = task.Definition;
        var jid = AsyncJob.NewId();
        CommandResult recorded;
        try
        {
            recorded = await host.Connection!.RunAsync(new RemoteCommand(AsyncJob.Finished(jid, plan.Reason), become, TripLimit) { BecomeUser = task.BecomeUser, BecomeFlags = task.BecomeFlags }, cancellationToken).ConfigureAwait(false);
        }
        catch (HostUnreachableException ex)
        {
            host.MarkUnreachable("connection lost: " + ex.Message);
            return Outcome(play, definition, TaskOutcome.Failed, message: ex.Message, plan: plan);
        }

        return recorded.Succeeded
            ? Started(play, definition, [], jid, AsyncJob.PathOf(recorded), plan)
            : Outcome(play, definition, TaskOutcome.Failed, message: "could not record the async job: " + recorded.Stderr.Trim(), plan: plan);
    }

    /// <summary>
    /// Reads the job every <paramref name="poll"/> seconds, <paramref name="seconds"/> in all, as Ansible counts them; the last read,
    /// or null when none answered; and why the host was lost when the last read could not reach it.
    /// </summary>
    private async Task<(AsyncJobStatus? Status, string? Lost)> PollAsync(string jid, long seconds, long poll, bool become, string? user, IReadOnlyList<string>? flags, CancellationToken cancellationToken)
    {
        AsyncJobStatus? status = null;
        string? lost = null;
        for (var left = seconds; left > 0; left -= poll)
        {
            await Task.Delay(TimeSpan.FromSeconds(poll), cancellationToken).ConfigureAwait(false);
            try
            {
                if (host.Connection is null || lost is not null)
                {
                    await host.ReconnectAsync(cancellationToken).ConfigureAwait(false);
                }

                var read = await host.Connection!.RunAsync(new RemoteCommand(AsyncJob.Status(jid, cleanup: true), become, TripLimit) { ReadOnly = true, BecomeUser = user, BecomeFlags = flags }, cancellationToken).ConfigureAwait(false);
                status = AsyncJob.Parse(read);
                lost = null;
                if (status.Finished)
                {
                    break;
                }
            }
            catch (HostUnreachableException ex)
            {
                // The job runs on without the session: the next read reconnects (the connector retries), until the time is up.
                lost = ex.Message;
            }
            catch (Exception ex) when (ex is RemoteTimeoutException or FormatException)
            {
                lost = null;
                status = null;
            }
        }

        return (status, lost);
    }

    /// <summary>Kills a job the task gave up on; a host that cannot be reached keeps it until its own watchdog kills it.</summary>
    private async Task KillAsync(string jid, bool become, string? user, IReadOnlyList<string>? flags, CancellationToken cancellationToken)
    {
        if (host.Connection is not { } connection)
        {
            return;
        }

        try
        {
            await connection.RunAsync(new RemoteCommand(AsyncJob.Kill(jid), become, TripLimit) { BecomeUser = user, BecomeFlags = flags }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HostUnreachableException or RemoteTimeoutException)
        {
            // The runner on the host kills the job at the same limit.
        }
    }

    /// <summary>The result of a started job (<c>poll: 0</c>): changed, with the fields <c>async_status</c> needs.</summary>
    private static TaskResult Started(Play play, TaskDefinition definition, IReadOnlyList<string> changes, string jid, string resultsFile, TaskPlan plan)
    {
        var result = Outcome(play, definition, ChangedOr(definition), changes, plan: plan);
        return result with
        {
            Result = With(result.Result, new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["ansible_job_id"] = jid,
                ["started"] = 1L,
                ["finished"] = 0L,
                ["results_file"] = resultsFile,
            }),
        };
    }

    private static Dictionary<string, object?> JobFields(string jid, string resultsFile, AsyncJobStatus? status) => new(StringComparer.Ordinal)
    {
        ["ansible_job_id"] = jid,
        ["started"] = 1L,
        ["finished"] = status is { Finished: true } ? 1L : 0L,
        ["results_file"] = resultsFile,
    };

    private static Dictionary<string, object?> With(IReadOnlyDictionary<string, object?> result, IReadOnlyDictionary<string, object?> fields)
    {
        var merged = new Dictionary<string, object?>(result, StringComparer.Ordinal);
        foreach (var (key, value) in fields)
        {
            merged[key] = value;
        }

        return merged;
    }
}
