using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Fleet.Core.Execution;
using Fleet.Core.Remote;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Fleet.Ssh;

/// <summary>One open SSH.NET connection; every command of the run goes over it as a POSIX sh script.</summary>
internal sealed class SshHostConnection(
    HostTarget target, SshClient client, string fingerprint, SshClient? jump, ForwardedPortLocal? tunnel, SshOptions options, Serilog.ILogger? log) : IHostConnection
{
    /// <summary>Scripts up to this size go in the command line (<c>sh -c</c>); larger ones on stdin (<c>sh -s</c>), far below ARG_MAX.</summary>
    private const int InlineScriptLimit = 32 * 1024;

    /// <summary>
    /// Runs <paramref name="launch"/> in the background under coreutils' <c>timeout</c> when the host has it (<c>timeout</c> puts
    /// the script in its own process group and, when the time is up or it receives SIGTERM, signals the whole group, SIGKILL 5 s
    /// later), with stdin from /dev/null. A watcher holds the channel's stdin, which the controller never closes while it waits:
    /// when it reads end-of-file (the controller cancelled, exited or lost the connection) it sends SIGTERM to that group. So the
    /// end of the channel ends the script, as root under sudo too, whatever sshd does with the SSH <c>signal</c> request.
    /// </summary>
    private static string Supervised(string seconds, string launch) =>
        "exec 3<&0 </dev/null\n" +
        $"if command -v timeout >/dev/null 2>&1; then timeout -k 5 {seconds} {launch} 3<&- & else {launch} 3<&- & fi\n" +
        "p=$!\n" +
        "{ while read -r _; do :; done; kill -TERM -\"$p\" || kill -TERM \"$p\"; } <&3 >/dev/null 2>&1 &\n" +
        "w=$!\n" +
        "exec 3<&-\n" +
        "wait \"$p\"\n" +
        "rc=$?\n" +
        "kill \"$w\" 2>/dev/null\n";

    /// <summary>Runs the script given as $1 under <see cref="Supervised"/>.</summary>
    private static string InlineRunner(string seconds) =>
        Supervised(seconds, "sh -c \"$1\"") + "exit $rc";

    /// <summary>The first line of a large script on stdin: what precedes it (a password sudo did not read) shows as a mismatch.</summary>
    private const string LargeScriptHeader = "# fleet script";

    /// <summary>
    /// Receives a large script of <paramref name="bytes"/> bytes on stdin into a temporary file (exactly that many: stdin stays
    /// open after it), runs it under <see cref="Supervised"/>, removes it. A file that does not start with
    /// <see cref="LargeScriptHeader"/> is shifted, so cut short: it is refused rather than run in part.
    /// </summary>
    private static string LargeScriptRunner(string seconds, int bytes) =>
        $"f=$(mktemp) || exit 125\nhead -c {bytes} > \"$f\" || exit 125\n" +
        $"if [ \"$(head -n 1 \"$f\")\" != '{LargeScriptHeader}' ]; then rm -f \"$f\"; echo 'fleet: the script did not arrive intact on stdin (did sudo leave the password unread?)' >&2; exit 125; fi\n" +
        Supervised(seconds, "sh \"$f\"") + "rm -f \"$f\"\nexit $rc";

    private readonly SemaphoreSlim _gate = new(4, 4);

    /// <inheritdoc />
    public HostTarget Target => target;

    /// <inheritdoc />
    public string HostKeyFingerprint => fingerprint;

    /// <inheritdoc />
    public bool IsOpen => client.IsConnected && (jump?.IsConnected ?? true);

    /// <inheritdoc />
    public string? KeyExchange => client.ConnectionInfo.CurrentKeyExchangeAlgorithm;

    /// <inheritdoc />
    public async Task<CommandResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var timeout = command.Timeout ?? options.CommandTimeout;
        var inline = Encoding.UTF8.GetByteCount(command.Script) <= InlineScriptLimit;
        var password = Sudo.ReadsPassword(command.Become, target.User, command.BecomeUser, target.BecomePassword is not null);
        var prefix = Sudo.Prefix(command.Become, target.User, command.BecomeUser, password, command.BecomeFlags);
        // A task's commands never read the session's stdin: they get /dev/null (a command that reads stdin ends instead of
        // hanging until its timeout); the channel's stdin is the runner's life line instead. A large script travels on stdin
        // into a temporary file first, so a command in it cannot swallow the rest of the script.
        // coreutils timeout: 0 disables it (a task with timeout: 0 has no limit).
        var seconds = timeout == Timeout.InfiniteTimeSpan ? "0" : timeout.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        var large = LargeScriptHeader + "\n" + command.Script;
        var text = inline
            ? prefix + "sh -c " + Sh.Quote(InlineRunner(seconds)) + " fleet " + Sh.Quote(command.Script)
            : prefix + "sh -c " + Sh.Quote(LargeScriptRunner(seconds, Encoding.UTF8.GetByteCount(large)));
        var stdin = new StringBuilder();
        if (password)
        {
            stdin.Append(target.BecomePassword!.Reveal()).Append('\n');
        }

        if (!inline)
        {
            stdin.Append(large);
        }

        var clock = Stopwatch.StartNew();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var timer = new CancellationTokenSource(timeout, options.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            using var ssh = client.CreateCommand(text);
            try
            {
                // No token for SSH.NET: on cancellation it sends the `signal` request, which misses the script's own process group, and waits 1.5 s.
                var execution = ssh.ExecuteAsync(CancellationToken.None);
                using var input = InputOf(ssh);
                try
                {
                    if (stdin.Length > 0 && input is not null)
                    {
                        await input.WriteAsync(Encoding.UTF8.GetBytes(stdin.ToString()), linked.Token).ConfigureAwait(false);
                        await input.FlushAsync(linked.Token).ConfigureAwait(false);
                    }

                    await execution.WaitAsync(linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // End-of-file on the channel's stdin makes the host's runner end the script's process group (see Supervised);
                    // nothing here waits for it, and a connection closed before the message leaves ends the channel all the same.
                    input?.Dispose();
                    _ = execution.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                    throw;
                }
            }
            catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                log?.Warning("command timed out after {Seconds} s: {FirstLine}", timeout.TotalSeconds, command.Describe());
                throw new RemoteTimeoutException($"command timed out after {timeout.TotalSeconds:0.#} s");
            }
            catch (Exception ex) when (ex is SshConnectionException or SocketException or ObjectDisposedException or SshException && ex is not SshOperationTimeoutException)
            {
                log?.Warning("connection lost: {Reason}", ex.Message);
                throw new HostUnreachableException($"connection to {target.Address}:{target.Port} lost: {SshPipelines.Describe(ex)}", ex);
            }

            var exit = ssh.ExitStatus ?? -1;
            // The host's timeout (124, or 137 after its SIGKILL) can end the script before a starved controller's timer fires: the same timeout.
            if (exit is 124 or 137 && timeout != Timeout.InfiniteTimeSpan && clock.Elapsed >= timeout)
            {
                log?.Warning("command timed out after {Seconds} s on the host: {FirstLine}", timeout.TotalSeconds, command.Describe());
                throw new RemoteTimeoutException($"command timed out after {timeout.TotalSeconds:0.#} s");
            }

            var stderr = ssh.Error;
            if (ssh.ExitStatus is null)
            {
                stderr += $"\n(terminated by signal {ssh.ExitSignal ?? "unknown"})";
            }

            log?.Debug("ran {FirstLine} in {DurationMs} ms: exit {ExitCode}", command.Describe(), clock.ElapsedMilliseconds, exit);
            return new CommandResult(exit, ssh.Result, stderr, clock.Elapsed);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The command's stdin, or null when the command already ended: a short script can finish before this thread asks for its
    /// stdin (SSH.NET then refuses the stream), which is a result, not an error. SSH.NET refuses it as soon as the channel is
    /// closed, which can be a moment before the execution's task completes (seen once in 500 hosts under load), so the
    /// refusal alone decides: a closed channel has no command left to read stdin, and the task gives the result or the error.
    /// </summary>
    private static Stream? InputOf(SshCommand ssh)
    {
        try
        {
            return ssh.CreateInputStream();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        client.Dispose();
        tunnel?.Dispose();
        jump?.Dispose();
        _gate.Dispose();
        return ValueTask.CompletedTask;
    }
}
