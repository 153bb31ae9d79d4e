using System.Diagnostics;
using System.Globalization;
using System.Text;
using Fleet.Core.Remote;

namespace Fleet.Core.Execution.Placement;

/// <summary>
/// The controller as a host (<c>ansible_connection: local</c>, <c>delegate_to: localhost</c>): each script Fleet would send over
/// SSH runs in /bin/sh here instead, through sudo when it becomes (as Ansible's local connection does), so every module works
/// unchanged.
/// </summary>
internal sealed class LocalConnection(HostTarget target) : IHostConnection
{
    /// <summary>What reports show where an SSH host shows its key's fingerprint.</summary>
    public const string Fingerprint = "local";

    /// <summary>The first line of a script sent on stdin: what precedes it (a password sudo did not read) shows as a mismatch.</summary>
    private const string ScriptHeader = "# fleet script";

    /// <summary>
    /// Run as another user, which cannot read this user's script file: reads the header line (after the password line that sudo
    /// left unread when it did not ask, its credentials cached or NOPASSWD), then the script of $1 bytes into a file of its own,
    /// runs it with stdin from /dev/null, removes it. The shell's read takes one byte at a time from a pipe, so head gets the rest.
    /// </summary>
    private const string StdinRunner =
        $"IFS= read -r l || exit 125\n[ \"$l\" = '{ScriptHeader}' ] || IFS= read -r l || exit 125\n" +
        $"if [ \"$l\" != '{ScriptHeader}' ]; then echo 'fleet: the script did not arrive intact on stdin' >&2; exit 125; fi\n" +
        "f=$(mktemp) || exit 125\nhead -c \"$1\" > \"$f\" || exit 125\n" +
        "/bin/sh \"$f\" </dev/null\nrc=$?\nrm -f \"$f\"\nexit $rc";

    /// <inheritdoc />
    public HostTarget Target => target;

    /// <inheritdoc />
    public string HostKeyFingerprint => Fingerprint;

    /// <summary>
    /// The program and arguments that run <paramref name="command"/> on a controller whose user is <paramref name="controllerUser"/>:
    /// <c>/bin/sh FILE</c>; through sudo (<see cref="Sudo.Words"/>) when it becomes another user than the controller's, with the
    /// script on stdin (<see cref="StdinRunner"/>) when that user is not root. <paramref name="password"/>: sudo reads one on stdin.
    /// </summary>
    internal static IReadOnlyList<string> CommandLine(RemoteCommand command, string controllerUser, bool password, string scriptFile)
    {
        if (!Sudo.Needed(command.Become, controllerUser, command.BecomeUser))
        {
            return ["/bin/sh", scriptFile];
        }

        var sudo = Sudo.Words(command.BecomeUser, password, command.BecomeFlags);
        return command.BecomeUser is null or "root"
            ? [.. sudo, "/bin/sh", scriptFile]
            : [.. sudo, "/bin/sh", "-c", StdinRunner, "fleet", Encoding.UTF8.GetByteCount(command.Script).ToString(CultureInfo.InvariantCulture)];
    }

    /// <summary>The script as it travels on stdin to <see cref="StdinRunner"/>.</summary>
    internal static string Framed(string script) => ScriptHeader + "\n" + script;

    /// <inheritdoc />
    public async Task<CommandResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var controllerUser = Environment.IsPrivilegedProcess ? "root" : Environment.UserName;
        var password = Sudo.ReadsPassword(command.Become, controllerUser, command.BecomeUser, target.BecomePassword is not null);

        // The script goes in a file only this user reads, so a command in it that reads stdin cannot swallow the rest of it.
        var file = Path.Combine(Path.GetTempPath(), $"fleet-{Guid.NewGuid():N}.sh");
        var arguments = CommandLine(command, controllerUser, password, file);
        var onStdin = !arguments.Contains(file);
        if (!onStdin)
        {
            await WriteScriptAsync(file, command.Script, cancellationToken).ConfigureAwait(false);
        }

        var start = new ProcessStartInfo(arguments[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in arguments.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        var clock = Stopwatch.StartNew();
        var timeout = command.Timeout ?? Timeout.InfiniteTimeSpan;
        using var timer = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            using var process = Process.Start(start) ?? throw new HostUnreachableException($"the controller could not start {start.FileName}");
            var stdout = process.StandardOutput.ReadToEndAsync(linked.Token);
            var stderr = process.StandardError.ReadToEndAsync(linked.Token);
            try
            {
                await WriteStdinAsync(process, password ? target.BecomePassword : null, onStdin ? Framed(command.Script) : null, linked.Token).ConfigureAwait(false);
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
        catch (System.ComponentModel.Win32Exception) when (arguments[0] == "sudo")
        {
            // As in Ansible, a controller without sudo fails the task that becomes, not the host.
            return new CommandResult(127, "", "fleet: the controller has no sudo, which become runs through on the controller (as in Ansible); install sudo or leave become out", clock.Elapsed);
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

    private static async Task WriteScriptAsync(string file, string script, CancellationToken cancellationToken)
    {
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var stream = new FileStream(file, create);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(script), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The password sudo reads (one line), then the script when it travels on stdin; then end-of-file.</summary>
    private static async Task WriteStdinAsync(Process process, Secret? password, string? script, CancellationToken cancellationToken)
    {
        try
        {
            if (password is not null)
            {
                await process.StandardInput.WriteLineAsync(password.Reveal().AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            if (script is not null)
            {
                await process.StandardInput.WriteAsync(script.AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The process ended before reading it all (sudo refused): its exit code and stderr say why.
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
