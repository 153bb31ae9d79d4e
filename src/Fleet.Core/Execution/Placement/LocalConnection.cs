using System.Diagnostics;
using System.Text;

namespace Fleet.Core.Execution.Placement;

/// <summary>
/// The controller as a host (<c>ansible_connection: local</c>, <c>delegate_to: localhost</c>): each script Fleet would send over
/// SSH runs in /bin/sh here instead, through sudo when it becomes and the controller is not root, so every module works unchanged.
/// </summary>
internal sealed class LocalConnection(HostTarget target) : IHostConnection
{
    /// <summary>What reports show where an SSH host shows its key's fingerprint.</summary>
    public const string Fingerprint = "local";

    /// <inheritdoc />
    public HostTarget Target => target;

    /// <inheritdoc />
    public string HostKeyFingerprint => Fingerprint;

    /// <inheritdoc />
    public async Task<CommandResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Become && command.BecomeUser is { } user && user != "root" && user != Environment.UserName)
        {
            // The script file is this user's alone, so sudo -u could not read it: refused, never run as this user instead.
            return new CommandResult(1, "", $"fleet: become_user '{user}' on the controller (ansible_connection: local, delegate_to: localhost) is not supported: the task would run as {Environment.UserName}; run it on an inventory host over SSH, or leave become_user out", TimeSpan.Zero);
        }

        // The script goes in a file only this user reads, so a command in it that reads stdin cannot swallow the rest of it.
        var file = Path.Combine(Path.GetTempPath(), $"fleet-{Guid.NewGuid():N}.sh");
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var stream = new FileStream(file, create);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(command.Script), cancellationToken).ConfigureAwait(false);
        }

        var sudo = command.Become && !Environment.IsPrivilegedProcess;
        var start = new ProcessStartInfo(sudo ? "sudo" : "/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (sudo)
        {
            foreach (var arg in target.BecomePassword is null ? ["-n"] : new[] { "-S", "-p", "" })
            {
                start.ArgumentList.Add(arg);
            }

            start.ArgumentList.Add("/bin/sh");
        }

        start.ArgumentList.Add(file);
        var clock = Stopwatch.StartNew();
        var timeout = command.Timeout ?? Timeout.InfiniteTimeSpan;
        using var timer = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            using var process = Process.Start(start) ?? throw new HostUnreachableException("the controller could not start /bin/sh");
            if (sudo && target.BecomePassword is { } password)
            {
                await process.StandardInput.WriteLineAsync(password.Reveal().AsMemory(), linked.Token).ConfigureAwait(false);
            }

            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(linked.Token);
            var stderr = process.StandardError.ReadToEndAsync(linked.Token);
            try
            {
                await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
                return new CommandResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false), clock.Elapsed);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                if (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw new RemoteTimeoutException($"command timed out after {timeout.TotalSeconds:0.#} s");
                }

                throw;
            }
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new HostUnreachableException($"the controller could not run {start.FileName}: {ex.Message}", ex);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
