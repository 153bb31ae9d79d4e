using System.Diagnostics;

namespace Fleet.Integration.Tests;

/// <summary>Runs a program on the machine itself (not in a lab host) and captures its output.</summary>
internal static class MachineProcess
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    public static Task<(int ExitCode, string Stdout, string Stderr)> ShellAsync(string command) => RunAsync("/bin/sh", "-c", command);
}
