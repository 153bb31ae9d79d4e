using System.Diagnostics;

namespace Fleet.Lab;

/// <summary>Runs the machine's tools (ip, iptables, ssh-keygen, apt) for the lab.</summary>
internal static class Shell
{
    /// <summary>Runs <c>sh -c script</c>; returns exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string script, CancellationToken cancellationToken, string? stdin = null)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.Environment["LC_ALL"] = "C";
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start) ?? throw new LabException("could not start /bin/sh");
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin.AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>Runs a script that must succeed; a failure is a <see cref="LabException"/> naming <paramref name="what"/>.</summary>
    public static async Task<string> MustAsync(string what, string script, CancellationToken cancellationToken)
    {
        var (exit, stdout, stderr) = await RunAsync(script, cancellationToken).ConfigureAwait(false);
        return exit == 0 ? stdout : throw new LabException($"{what} failed (exit {exit}): {(stderr.Length > 0 ? stderr : stdout).Trim()}");
    }

    /// <summary>Quotes a value as one sh word.</summary>
    public static string Q(string value) => Fleet.Core.Remote.Sh.Quote(value);
}
