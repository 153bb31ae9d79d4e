using System.Collections.Concurrent;
using System.Diagnostics;
using Fleet.Core.Execution;

namespace Fleet.Core.Tests.Execution;

/// <summary>
/// A transport for runner unit tests: every "host" runs its scripts with the machine's real /bin/sh.
/// Hosts whose name starts with "down" are unreachable; on hosts whose name starts with "boom" a script that mentions "boom-here"
/// throws an unforeseen exception, and on hosts whose name starts with "drop" one that mentions "drop-here" loses the connection.
/// Hosts whose name starts with "lockout" accept only their first connection. A script that becomes a user gets that user's
/// LOGNAME, USER and HOME (/home/USER), as sudo -H -u gives them. The lab tests cover the same behaviour over SSH.
/// </summary>
internal sealed class LocalShellConnector : IConnector
{
    public ConcurrentQueue<string> Events { get; } = new();

    public Task<IHostConnection> ConnectAsync(HostTarget target, CancellationToken cancellationToken)
    {
        if (target.Name.StartsWith("down", StringComparison.Ordinal))
        {
            throw new HostUnreachableException($"connection refused ({target.Address}:{target.Port})");
        }

        if (target.Name.StartsWith("lockout", StringComparison.Ordinal) && Events.Contains("connect " + target.Name))
        {
            throw new HostUnreachableException($"connection refused ({target.Address}:{target.Port})");
        }

        Events.Enqueue("connect " + target.Name);
        return Task.FromResult<IHostConnection>(new Connection(target, this));
    }

    private sealed class Connection(HostTarget target, LocalShellConnector owner) : IHostConnection
    {
        public HostTarget Target => target;

        public string HostKeyFingerprint => "SHA256:local";

        public async Task<CommandResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
        {
            if (target.Name.StartsWith("boom", StringComparison.Ordinal) && command.Script.Contains("boom-here", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("the transport broke");
            }

            if (target.Name.StartsWith("drop", StringComparison.Ordinal) && command.Script.Contains("drop-here", StringComparison.Ordinal))
            {
                throw new HostUnreachableException("connection lost: aborted by the server");
            }

            var clock = Stopwatch.StartNew();
            var start = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["FLEET_HOST"] = target.Name;
            if (command.Become && command.BecomeUser is { } user)
            {
                // As sudo -H -u sets them: what the user facts read.
                (start.Environment["LOGNAME"], start.Environment["USER"], start.Environment["HOME"]) = (user, user, "/home/" + user);
            }

            using var process = Process.Start(start)!;
            await process.StandardInput.WriteAsync(command.Script);
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            var output = await stdout;
            foreach (var line in output.Split('\n').Where(l => l.StartsWith("event ", StringComparison.Ordinal)))
            {
                owner.Events.Enqueue(line["event ".Length..]);
            }

            return new CommandResult(process.ExitCode, output, await stderr, clock.Elapsed);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
