using System.Globalization;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Remote;
using Fleet.Core.Results;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution.Actions;

/// <summary>
/// <c>reboot</c>, as ansible.builtin.reboot does it on Linux: reads the boot id, runs the reboot command, waits until a new
/// connection reads another boot id (the host went and came back), then until the test command passes; each wait backs off
/// 1, 2, 4, 8, then 12 s (plus up to 1 s) between attempts. Every fact read before is stale after it. In check mode it reports
/// the reboot without doing it.
/// </summary>
internal sealed class RebootAction(TimeProvider? time = null) : HostAction
{
    /// <summary>The longest one command of the reboot (boot id, lookup, reboot, test) may run before it counts as failed.</summary>
    private static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public override ActionSpec Spec => ActionSpec.Reboot;

    public override async Task<TaskResult> RunAsync(ActionCall call, IHostLink host, CancellationToken cancellationToken)
    {
        var options = RebootOptions.Read(name => call.Has(name) ? call.Value(name) : null, name => call.Task.Args[name]?.Location);
        if (call.CheckMode)
        {
            return Result(call, TaskOutcome.Changed, null, rebooted: true, elapsed: 0, ["would reboot"]);
        }

        string previous;
        string program;
        try
        {
            var before = await host.RunAsync(Command(call, options.BootTimeCommand), cancellationToken).ConfigureAwait(false);
            if (before.ExitCode != 0)
            {
                return Result(call, TaskOutcome.Failed, BootTimeFailure(before), rebooted: false, elapsed: null);
            }

            previous = before.Stdout.Trim();
            if (await FindAsync(call, host, options, cancellationToken).ConfigureAwait(false) is not { } found)
            {
                return Result(call, TaskOutcome.Failed, $"Unable to find command \"{options.Program}\" in search paths: {Values.Repr(options.SearchPaths.Cast<object?>().ToList())}", rebooted: false, elapsed: null);
            }

            program = found;
        }
        catch (Exception ex) when (ex is HostUnreachableException or RemoteTimeoutException)
        {
            return Result(call, TaskOutcome.Failed, "reboot: " + ex.Message, rebooted: false, elapsed: null);
        }

        try
        {
            var reboot = await host.RunAsync(Command(call, $"{Sh.Quote(program)} {options.Arguments}".TrimEnd()), cancellationToken).ConfigureAwait(false);
            if (reboot.ExitCode != 0)
            {
                return Result(call, TaskOutcome.Failed, $"Reboot command failed. Error was: '{reboot.Stdout.Trim()}, {reboot.Stderr.Trim()}'", rebooted: false, elapsed: 0);
            }
        }
        catch (Exception ex) when (ex is HostUnreachableException or RemoteTimeoutException)
        {
            // The connection closed as the host went down before the command could answer: Ansible counts that as issued.
        }

        var start = _time.GetUtcNow();
        host.ForgetFacts();
        if (options.PostRebootDelay > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(options.PostRebootDelay), _time, cancellationToken).ConfigureAwait(false);
        }

        var timedOut = await UntilAsync(ct => NewBootAsync(call, host, options, previous, ct), "last boot time check", options.RebootTimeout, cancellationToken).ConfigureAwait(false)
            ?? await UntilAsync(ct => TestAsync(call, host, options, ct), "post-reboot test command", options.RebootTimeout, cancellationToken).ConfigureAwait(false);
        var elapsed = (long)(_time.GetUtcNow() - start).TotalSeconds;
        return timedOut is not null
            ? Result(call, TaskOutcome.Failed, timedOut, rebooted: true, elapsed)
            : Result(call, TaskOutcome.Changed, null, rebooted: true, elapsed, [string.Create(CultureInfo.InvariantCulture, $"rebooted: back after {elapsed} s")]);
    }

    /// <summary>Tries <paramref name="attempt"/> (null: it passed; else why not) until it passes or the timeout ends; null, or Ansible's message.</summary>
    private async Task<string?> UntilAsync(Func<CancellationToken, Task<string?>> attempt, string description, int timeoutSeconds, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow().AddSeconds(timeoutSeconds);
        for (var failures = 0; _time.GetUtcNow() < deadline; failures++)
        {
            if (await attempt(cancellationToken).ConfigureAwait(false) is null)
            {
                return null;
            }

            var backoff = Math.Min(Math.Pow(2, failures), 12) + Random.Shared.NextDouble();
            await Task.Delay(TimeSpan.FromSeconds(backoff), _time, cancellationToken).ConfigureAwait(false);
        }

        return $"Timed out waiting for {description} (timeout={timeoutSeconds})";
    }

    /// <summary>One attempt: a new connection reads the boot id; null once it differs from the one before the reboot.</summary>
    private async Task<string?> NewBootAsync(ActionCall call, IHostLink host, RebootOptions options, string previous, CancellationToken cancellationToken)
    {
        try
        {
            await ReconnectAsync(host, options, cancellationToken).ConfigureAwait(false);
            var now = await host.RunAsync(Command(call, options.BootTimeCommand) with { ReadOnly = true }, cancellationToken).ConfigureAwait(false);
            return now.ExitCode != 0 ? BootTimeFailure(now)
                : now.Stdout.Trim() is var id && (id.Length == 0 || id == previous) ? "boot time has not changed"
                : null;
        }
        catch (Exception ex) when (ex is HostUnreachableException or RemoteTimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return ex.Message;
        }
    }

    /// <summary>One attempt of the test command; after a transport failure the next attempt has a new connection.</summary>
    private async Task<string?> TestAsync(ActionCall call, IHostLink host, RebootOptions options, CancellationToken cancellationToken)
    {
        try
        {
            var test = await host.RunAsync(Command(call, options.TestCommand), cancellationToken).ConfigureAwait(false);
            return test.ExitCode == 0 ? null : $"Test command failed: {test.Stderr.Trim()} {test.Stdout.Trim()}";
        }
        catch (Exception ex) when (ex is HostUnreachableException or RemoteTimeoutException)
        {
            try
            {
                await ReconnectAsync(host, options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception again) when (again is HostUnreachableException || (again is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // The next attempt tries again.
            }

            return ex.Message;
        }
    }

    /// <summary>A new connection, within connect_timeout when it is set.</summary>
    private async Task ReconnectAsync(IHostLink host, RebootOptions options, CancellationToken cancellationToken)
    {
        if (options.ConnectTimeout is not { } seconds)
        {
            await host.ReconnectAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(1, seconds)), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        await host.ReconnectAsync(linked.Token).ConfigureAwait(false);
    }

    /// <summary>The full path of the reboot command's program: as written when absolute, else the first search path that has it; null when none does.</summary>
    private static async Task<string?> FindAsync(ActionCall call, IHostLink host, RebootOptions options, CancellationToken cancellationToken)
    {
        if (options.Program.StartsWith('/'))
        {
            return options.Program;
        }

        var name = Sh.Quote(options.Program);
        var script = $"for d in {string.Join(' ', options.SearchPaths.Select(Sh.Quote))}; do if [ -e \"$d\"/{name} ] || [ -L \"$d\"/{name} ]; then printf '%s\\n' \"${{d%/}}\"/{name}; break; fi; done";
        var found = await host.RunAsync(Command(call, script) with { ReadOnly = true }, cancellationToken).ConfigureAwait(false);
        return found.Stdout.Trim() is { Length: > 0 } path ? path : null;
    }

    private static RemoteCommand Command(ActionCall call, string script) => call.Command(script, CommandLimit);

    private static string BootTimeFailure(CommandResult result) =>
        $"reboot: failed to get host boot time info, rc: {result.ExitCode}, stdout: {result.Stdout.Trim()}, stderr: {result.Stderr.Trim()}";

    /// <summary>The task's result in Ansible's shape: <c>rebooted</c>, and <c>elapsed</c> (seconds) once the reboot was issued.</summary>
    private static TaskResult Result(ActionCall call, TaskOutcome status, string? message, bool rebooted, long? elapsed, IReadOnlyList<string>? changes = null)
    {
        var data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["rebooted"] = rebooted };
        if (elapsed is { } seconds)
        {
            data["elapsed"] = seconds;
        }

        return TaskResults.Outcome(call.Run.Play, call.Task, status, changes, message: message, plan: new NoChange(message ?? "") { Data = data });
    }
}
