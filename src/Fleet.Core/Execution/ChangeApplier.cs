using Fleet.Core.Facts;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Remote;
using Fleet.Core.Results;
using static Fleet.Core.Execution.TaskResults;

namespace Fleet.Core.Execution;

/// <summary>
/// Applies a planned change on one host: runs its script (within the task's timeout), forgets the facts it touched, then runs
/// its verification, and confirms it or rolls it back (commit confirmed: a timer armed on the host restores it by itself).
/// </summary>
internal sealed partial class ChangeApplier(HostSession host, IConnector connector, RunOptions options, FactCache facts)
{
    /// <summary>Runs the change and what follows it; the task's result.</summary>
    public async Task<TaskResult> ApplyAsync(Play play, PreparedTask task, Change change, bool become, CancellationToken cancellationToken)
    {
        var definition = task.Definition;
        // No limit unless the task or the run sets one; a module's minimum only raises a run-wide limit.
        var timeout = definition.Timeout
            ?? (options.TaskTimeout is { } limit && task.Module.MinimumTimeout is { } least && least > limit ? least : options.TaskTimeout)
            ?? Timeout.InfiniteTimeSpan;
        ArmedRollback? armed = null;
        if (change.Verify is { ConfirmTimeout: { } confirmTimeout } confirmed)
        {
            // Commit confirmed: the host restores itself unless the controller confirms, even if the change cuts the controller off.
            (armed, var armError) = await ArmAsync(confirmed, confirmTimeout, become, cancellationToken).ConfigureAwait(false);
            if (armError is not null)
            {
                return Outcome(play, definition, TaskOutcome.Failed, message: armError, plan: change);
            }
        }

        var selfRestore = armed is null ? "" : $"; the host rolls the change back by itself within {armed.Seconds} s (commit confirmed)";
        CommandResult commandResult;
        try
        {
            commandResult = await host.Connection!.RunAsync(new RemoteCommand(change.Script, become, timeout) { Sensitive = definition.NoLog || options.Vault.Secrets.Contains(change.Script), BecomeUser = task.BecomeUser, BecomeFlags = task.BecomeFlags }, cancellationToken).ConfigureAwait(false);
        }
        catch (RemoteTimeoutException)
        {
            facts.Invalidate(change.Touches);
            return Outcome(play, definition, TaskOutcome.Failed, change.Changes, message: $"timed out after {timeout.TotalSeconds:0.#} s{selfRestore}", plan: change);
        }
        catch (HostUnreachableException ex)
        {
            host.MarkUnreachable("connection lost: " + ex.Message + selfRestore);
            return Outcome(play, definition, TaskOutcome.Failed, change.Changes, message: ex.Message + selfRestore, plan: change);
        }
        finally
        {
            // changed_when only says how the task is reported: a command that ran may have changed what later tasks read
            // (os_hardening's pam-auth-update rewrites /etc/pam.d under changed_when: false).
            if (!change.ReadOnly)
            {
                facts.Invalidate(change.Touches);
            }
        }

        (commandResult, var backup) = BackupFile.Take(commandResult);
        var outcome = WithBackupFile(task.Module.Complete(change, commandResult, task.Args), task.Module.BackupResultKey, backup, change.Data);
        if (outcome.Status == TaskOutcome.Changed && change.Download is { } download)
        {
            outcome = DownloadWriter.Write(download, commandResult, outcome, change.Data);
        }
        if (outcome.Status == TaskOutcome.Changed && change.Verify is { } verify
            && await VerifyAsync(verify, armed, become, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            outcome = new ChangeOutcome(TaskOutcome.Failed, refused) { Data = outcome.Data, Warnings = outcome.Warnings };
        }
        else if (outcome.Status != TaskOutcome.Changed && armed is not null)
        {
            // The script failed (or changed nothing) and the connection still works: nothing to confirm, the timer goes.
            await ConfirmAsync(armed, become, cancellationToken).ConfigureAwait(false);
        }

        var status = outcome.Status == TaskOutcome.Changed ? ChangedOr(definition) : outcome.Status;
        var changes = outcome.Status == TaskOutcome.Changed ? change.Changes : [];
        return Outcome(play, definition, status, changes, outcome.Status == TaskOutcome.Changed ? DiffFor(definition, change) : null, outcome.Message, change, outcome, outcome.ShowsScriptOutput ? commandResult : null);
    }

    /// <summary>The outcome with Ansible's <c>backup_file</c> in its data when the script made a backup.</summary>
    internal static ChangeOutcome WithBackupFile(ChangeOutcome outcome, string key, string? backup, IReadOnlyDictionary<string, object?> planData) =>
        backup is null ? outcome : outcome with { Data = new Dictionary<string, object?>(outcome.Data ?? planData, StringComparer.Ordinal) { [key] = backup } };

    /// <summary>
    /// Runs a change's verification (a check script, a fresh connection); when it fails, runs the rollback and returns why, so the
    /// task fails with the host back in its previous state. With a timer armed (commit confirmed), the fresh connection must come
    /// within the confirm timeout, success disarms the timer, and when the controller cannot roll back the timer does. Null when the
    /// host passed.
    /// </summary>
    private async Task<string?> VerifyAsync(Verification verify, ArmedRollback? armed, bool become, CancellationToken cancellationToken)
    {
        string? failure = null;
        try
        {
            if (verify.Script is { } check)
            {
                var result = await host.Connection!.RunAsync(new RemoteCommand(check, become, options.TaskTimeout), cancellationToken).ConfigureAwait(false);
                if (!result.Succeeded)
                {
                    failure = $"{verify.Description} failed: {(string.IsNullOrWhiteSpace(result.Stderr) ? result.Stdout : result.Stderr).Trim()}";
                }
            }

            var target = verify.NewPort is { } port ? host.Target with { Port = port, HostKeyPort = host.Target.HostKeyPort ?? host.Target.Port } : host.Target;
            if (failure is null && verify.NewConnection)
            {
                failure = await ProbeNewConnectionAsync(target, armed, cancellationToken).ConfigureAwait(false);
            }

            if (failure is null)
            {
                if (armed is not null && !await ConfirmAsync(armed, become, cancellationToken).ConfigureAwait(false))
                {
                    return $"rolled back: the change was not confirmed within {armed.Seconds} s (confirm_timeout): the host's timer restored the previous state";
                }

                host.Target = target;
                return null;
            }

            if (armed is not null)
            {
                var (succeeded, byTimer, error) = await RollbackArmedAsync(armed, become, cancellationToken).ConfigureAwait(false);
                return byTimer ? $"rolled back: {failure} (the host's timer had already restored the previous state)"
                    : succeeded ? $"rolled back: {failure}"
                    : $"{failure}; the rollback failed too: {error}";
            }

            var rollback = await host.Connection!.RunAsync(new RemoteCommand(verify.Rollback, become, options.TaskTimeout), cancellationToken).ConfigureAwait(false);
            return rollback.Succeeded
                ? $"rolled back: {failure}"
                : $"{failure}; the rollback failed too (exit {rollback.ExitCode}): {rollback.Stderr.Trim()}";
        }
        catch (Exception ex) when (armed is not null && ex is HostUnreachableException or RemoteTimeoutException)
        {
            // The controller's own connection is gone: the timer on the host restores the previous state by itself.
            host.MarkUnreachable($"connection lost after the change: {ex.Message}; the host rolls the change back by itself within {armed.Seconds} s (commit confirmed)");
            return $"rolled back: {failure ?? "the connection was lost after the change"}; the controller's connection is gone too, the host restores the previous state by itself within {armed.Seconds} s";
        }
    }

    /// <summary>Opens a fresh connection and runs <c>true</c>; with a timer armed it must connect before the timer would fire.</summary>
    private async Task<string?> ProbeNewConnectionAsync(HostTarget target, ArmedRollback? armed, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (armed is not null)
        {
            deadline.CancelAfter(armed.Timeout);
        }

        try
        {
            await using var fresh = await connector.ConnectAsync(target, deadline.Token).ConfigureAwait(false);
            var probe = await fresh.RunAsync(new RemoteCommand("true"), deadline.Token).ConfigureAwait(false);
            return probe.Succeeded ? null : $"a new connection could not run a command after the change (exit {probe.ExitCode})";
        }
        catch (HostUnreachableException ex)
        {
            return "a new connection was refused after the change: " + ex.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"a new connection was refused after the change: none within the confirm timeout ({armed!.Seconds} s)";
        }
    }

    private string? DiffFor(TaskDefinition definition, Change change) => options.ShowsDiff(definition) ? change.Diff : null;
}
