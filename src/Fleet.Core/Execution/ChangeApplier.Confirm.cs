using System.Globalization;
using System.Security.Cryptography;
using Fleet.Core.Modules;
using Fleet.Core.Remote;

namespace Fleet.Core.Execution;

/// <summary>
/// Commit confirmed: a rollback timer armed on the host before a risky change, confirmed (disarmed) by the controller only after a
/// fresh connection worked. The timer and the controller race through one <c>mkdir</c>: whoever creates <c>ID.fired</c> first
/// decides, so a rollback never runs twice and a confirmation never lands after the host already restored itself.
/// </summary>
internal sealed partial class ChangeApplier
{
    /// <summary>An armed timer on the host.</summary>
    private sealed record ArmedRollback(string Base, TimeSpan Timeout)
    {
        public string Seconds => Timeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
    }

    /// <summary>Saves the state to restore and starts the detached timer; the error text when that failed (nothing changed then).</summary>
    private async Task<(ArmedRollback? Armed, string? Error)> ArmAsync(Verification verify, TimeSpan timeout, bool become, CancellationToken cancellationToken)
    {
        var armed = new ArmedRollback($"{options.ConfirmDirectory}/{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}", timeout);
        var b = Sh.Quote(armed.Base);
        var script = $"""
            set -e
            PATH="$PATH:/usr/sbin:/sbin:/usr/bin:/bin"
            mkdir -p {Sh.Quote(options.ConfirmDirectory)}
            chmod 0700 {Sh.Quote(options.ConfirmDirectory)}
            (
            {verify.Save ?? "true"}
            )
            {Sh.PrintText(verify.Rollback)} > {b}.rollback
            setsid sh -c 'sleep "$1"; mkdir "$0.fired" 2>/dev/null || exit 0; sh "$0.rollback" > "$0.log" 2>&1; rm -f "$0.rollback" "$0.pid"' {b} {armed.Seconds} </dev/null >/dev/null 2>&1 &
            echo $! > {b}.pid

            """;
        var result = await host.Connection!.RunAsync(new RemoteCommand(script, become, options.TaskTimeout), cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? (armed, null) : (null, $"could not arm the rollback timer before the change (nothing was changed): {Trimmed(result)}");
    }

    /// <summary>Confirms the change: stops the timer. False when the timer had already fired and restored the previous state.</summary>
    private async Task<bool> ConfirmAsync(ArmedRollback armed, bool become, CancellationToken cancellationToken)
    {
        var b = Sh.Quote(armed.Base);
        var script = $"""
            if mkdir {b}.fired 2>/dev/null; then
              kill -TERM -"$(cat {b}.pid)" 2>/dev/null || true
              rm -rf {b}.rollback {b}.pid {b}.fired {b}.log
              echo confirmed
            else
              {WaitForTimer(b)}
              echo fired; rm -rf {b}.fired {b}.log
            fi

            """;
        var result = await host.Connection!.RunAsync(new RemoteCommand(script, become, options.TaskTimeout), cancellationToken).ConfigureAwait(false);
        return result.Stdout.Trim() == "confirmed";
    }

    /// <summary>Rolls back now over the controller's connection (stopping the timer), unless the timer already did.</summary>
    private async Task<(bool Succeeded, bool ByTimer, string Error)> RollbackArmedAsync(ArmedRollback armed, bool become, CancellationToken cancellationToken)
    {
        var b = Sh.Quote(armed.Base);
        var script = $"""
            if mkdir {b}.fired 2>/dev/null; then
              kill -TERM -"$(cat {b}.pid)" 2>/dev/null || true
              sh {b}.rollback; rc=$?
              rm -rf {b}.rollback {b}.pid {b}.fired {b}.log
              exit $rc
            fi
            {WaitForTimer(b)}
            echo 'timer fired'; cat {b}.log 2>/dev/null; rm -rf {b}.fired {b}.log

            """;
        var result = await host.Connection!.RunAsync(new RemoteCommand(script, become, options.TaskTimeout), cancellationToken).ConfigureAwait(false);
        return (result.Succeeded, result.Stdout.StartsWith("timer fired", StringComparison.Ordinal), Trimmed(result));
    }

    /// <summary>The timer fired: waits (at most 60 s) until its rollback finished (it removes the pid file last), so the report tells the truth.</summary>
    private static string WaitForTimer(string b) => $"i=0; while [ -e {b}.pid ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done";

    private static string Trimmed(CommandResult result) =>
        (string.IsNullOrWhiteSpace(result.Stderr) ? result.Stdout : result.Stderr).Trim() is { Length: > 0 } text ? text : $"exit {result.ExitCode}";
}
