using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Fleet.Core.Tests.Fuzz;

/// <summary>The contract checked on the built CLI: exit 0 or 1 (never 70 or a crash's 134), every stderr line Fleet's own and located.</summary>
public static partial class FuzzContract
{
    /// <summary>The built CLI beside this test build (same configuration), or null when the solution was not built.</summary>
    public static string? CliPath()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Release";
        var path = Path.Combine(Fleet.Tests.Repository.Root, "src", "Fleet.Cli", "bin", configuration, "net10.0", "fleet.dll");
        return File.Exists(path) ? path : null;
    }

    /// <summary>Runs the case with the CLI at <paramref name="cli"/>, its heap capped at the memory budget.</summary>
    public static async Task<Outcome> RunCliAsync(FuzzCase fuzzCase, string root, string cli)
    {
        var arguments = new List<string> { cli };
        arguments.AddRange(fuzzCase.Command == FuzzCommand.Validate ? ["validate", "-i", FuzzCase.Inventory, FuzzCase.Playbook] : ["inventory", "-i", FuzzCase.Inventory]);
        foreach (var extra in fuzzCase.ExtraVars)
        {
            arguments.AddRange(["-e", extra.Replace("{root}", root, StringComparison.Ordinal)]);
        }

        var start = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The GC refuses to grow the heap past the budget: a blow-up is an OutOfMemoryException (exit 70), not a machine out of memory.
            Environment = { ["DOTNET_GCHeapHardLimit"] = "0x" + CaseMemory.ToString("x", System.Globalization.CultureInfo.InvariantCulture), ["NO_COLOR"] = "1", ["TERM"] = "dumb" },
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // The CLI's start-up (a second or two on a loaded machine) comes on top of the case's own budget.
        using var timeout = new CancellationTokenSource(CaseTime + TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return new Outcome($"the CLI did not end within {(CaseTime + TimeSpan.FromSeconds(10)).TotalSeconds:0} s", false, Hung: false);
        }

        var said = (await stderr).Split('\n')[0];
        return new Outcome(CheckCliOutput(process.ExitCode, await stdout, await stderr, fuzzCase), process.ExitCode == 0, false, Shown(said));
    }

    /// <summary>Null when the exit code and output keep the contract; otherwise what broke it.</summary>
    public static string? CheckCliOutput(int exitCode, string stdout, string stderr, FuzzCase fuzzCase)
    {
        if (exitCode is not (0 or 1))
        {
            return $"exit {exitCode}: {Shown(stderr.Split('\n').FirstOrDefault(l => l.Length > 0) ?? "")}";
        }

        if (exitCode == 0 && fuzzCase.MustFail)
        {
            return "exit 0 for an input that cannot work";
        }

        if (stdout.FirstOrDefault(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')) is var raw and not '\0')
        {
            return $"a raw control character \\x{(int)raw:x2} on stdout";
        }

        // One line per message: each starts "warning: " or "error: " (warnings may come before errors); any other line continues
        // the message before it, which then held a newline from its input.
        var previous = "";
        foreach (var line in stderr.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0))
        {
            // A pipe lookup's command writes its own stderr to the terminal, as in Ansible: not a message of Fleet's.
            if (line.StartsWith("/bin/sh: ", StringComparison.Ordinal))
            {
                continue;
            }

            var warning = line.StartsWith("warning: ", StringComparison.Ordinal);
            if (!warning && !line.StartsWith("error: ", StringComparison.Ordinal))
            {
                return previous.Length > 0 ? $"more than one line: {Shown(previous + "\n" + line)}" : $"stderr line that is not a warning or an error: {Shown(line)}";
            }

            previous = line;
            var text = warning ? line["warning: ".Length..] : line["error: ".Length..];
            // A command-line option error names the option (-e, or an unknown one) instead of a file.
            if (!warning && !text.StartsWith('-') && !text.StartsWith("Unknown option", StringComparison.Ordinal) && !Located().IsMatch(text))
            {
                return $"stderr line without file:line:column: {Shown(line)}";
            }

            if (CheckLine(text) is { } problem)
            {
                return "stderr: " + problem;
            }
        }

        return null;
    }

    [GeneratedRegex(@"^\S.*?:\d+:\d+: ")]
    private static partial Regex Located();
}
