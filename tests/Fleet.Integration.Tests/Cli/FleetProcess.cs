using System.Diagnostics;

namespace Fleet.Integration.Tests.Cli;

/// <summary>Runs the real <c>fleet</c> CLI (built beside the tests) as a child process.</summary>
internal static class FleetProcess
{
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        RunAsync(new Dictionary<string, string>(), args);

    /// <summary>Runs fleet with extra environment variables (GITHUB_ACTIONS=true…).</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunProgramAsync("dotnet", environment, [Path.Combine(AppContext.BaseDirectory, "fleet.dll"), .. args]);

    /// <summary>Runs fleet with <paramref name="input"/> written to its stdin (a pipe, not a terminal), which then ends.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunWithInputAsync(string input, params string[] args) =>
        RunCoreAsync("dotnet", new Dictionary<string, string>(), input, [Path.Combine(AppContext.BaseDirectory, "fleet.dll"), .. args]);

    /// <summary>Runs another build of fleet (a packed tool, a single-file binary) the same way.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunProgramAsync(string program, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunCoreAsync(program, environment, null, args);

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunCoreAsync(string program, IReadOnlyDictionary<string, string> environment, string? input, string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // A test's own environment must not leak in: the tests may run inside a GitHub Actions job.
        start.Environment.Remove("GITHUB_ACTIONS");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start fleet");
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
