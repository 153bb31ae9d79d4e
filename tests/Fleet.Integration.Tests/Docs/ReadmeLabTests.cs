using System.Diagnostics;
using System.Text;
using Fleet.Integration.Tests.Lab;
using Fleet.Tests;

namespace Fleet.Integration.Tests.Docs;

/// <summary>One fresh host that plays "your own hosts" for the README's first run; the README's lab tour brings up its own lab.</summary>
public sealed class ReadmeLab() : LabFixtureBase(1, "readme");

/// <summary>The README test has its own host: the first run changes it.</summary>
[CollectionDefinition("readme")]
public sealed class ReadmeCollection : ICollectionFixture<ReadmeLab>;

/// <summary>
/// Every shell command of README.md runs and ends with the exit code the README states (0 unless its comment says <c>exit N</c>);
/// only blocks marked "not run by the README test" with a reason are left out. The commands run in one bash session in a working
/// directory holding <c>inventory.yml</c> (the test host's inventory, standing in for the reader's), the README's saved blocks
/// and <c>playbooks/</c>. Two substitutions, both for this machine rather than the reader's: <c>fleet</c> and <c>./fleet</c> run
/// the CLI built beside the tests (the launcher would build it once more), and the default lab directory is the test's own.
/// </summary>
[Collection("readme")]
public sealed class ReadmeLabTests(ReadmeLab lab)
{
    private const string DefaultLabDir = "/var/tmp/fleet-lab";

    [LabFact]
    public async Task ReadmeCommands_RunAndExitAsTheReadmeSays()
    {
        var blocks = ReadmeCommands.Blocks(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "README.md")));
        var commands = blocks.Where(b => b.IsShell && b.NotRunReason is null).SelectMany(b => b.Commands).ToList();

        // The test must not pass by running nothing: the newcomer's path is there, as commands.
        foreach (var needed in new[] { "fleet validate ", "fleet check ", "fleet apply ", "fleet lab up", "fleet lab down" })
        {
            Assert.Contains(commands, c => Normalize(c.Text).StartsWith(needed, StringComparison.Ordinal));
        }

        var work = Directory.CreateTempSubdirectory("fleet-readme-").FullName;
        // Named as the fixtures name theirs, so that a later run takes it down if this one is killed mid-tour.
        var tourLab = Path.Combine("/var/tmp", $"fleet-test-lab-readme-tour-{Environment.ProcessId}");
        try
        {
            File.Copy(lab.Info.InventoryPath, Path.Combine(work, "inventory.yml"));
            Directory.CreateSymbolicLink(Path.Combine(work, "playbooks"), Path.Combine(Repository.Root, "playbooks"));
            foreach (var block in blocks.Where(b => b.SaveAs is not null))
            {
                await File.WriteAllTextAsync(Path.Combine(work, block.SaveAs!), block.Text);
            }

            var (exit, output) = await RunAsync(work, Script(commands, tourLab));
            Assert.True(exit == 0, output);
        }
        finally
        {
            // A failure in the middle of the tour must not leave its lab up.
            await Fleet.Lab.Lab.DownAsync(tourLab, _ => { }, CancellationToken.None);
            Directory.Delete(work, recursive: true);
        }
    }

    private static string Normalize(string command) => command.StartsWith("./fleet ", StringComparison.Ordinal) ? command[2..] : command;

    /// <summary>One bash script: each command, then a check of its exit code that names its README line.</summary>
    private static string Script(IReadOnlyList<ReadmeCommand> commands, string tourLab)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "fleet.dll");
        var script = new StringBuilder();
        script.AppendLine("set -u");
        script.AppendLine($"lab_dir={Quote(tourLab)}");

        // `fleet lab …` and `fleet demo` default to /var/tmp/fleet-lab: the tour gets the test's directory instead.
        script.AppendLine($$"""
            fleet() {
              if [[ "${1:-}" == lab && $# -ge 2 && " $* " != *" --dir "* ]]; then set -- "$1" "$2" --dir "$lab_dir" "${@:3}"; fi
              dotnet {{Quote(dll)}} "$@"
            }
            """);
        foreach (var command in commands)
        {
            var text = Normalize(command.Text).Replace(DefaultLabDir, tourLab, StringComparison.Ordinal);
            script.AppendLine($"echo {Quote($"README:{command.Line}: {command.Text}")} >&2");
            script.AppendLine(text);
            script.AppendLine($"rc=$?; if [[ $rc -ne {command.ExpectedExit} ]]; then echo {Quote($"README:{command.Line}: exited")} $rc{Quote($", the README says {command.ExpectedExit}: {command.Text}")} >&2; exit 1; fi");
        }

        return script.ToString();
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static async Task<(int Exit, string Output)> RunAsync(string work, string script)
    {
        var path = Path.Combine(work, "readme-commands.sh");
        await File.WriteAllTextAsync(path, script);
        var start = new ProcessStartInfo("bash", [path])
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.Environment.Remove("GITHUB_ACTIONS");
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
        process.StandardInput.Close();
        var output = new StringBuilder();
        var lines = new object();
        process.OutputDataReceived += (_, e) => { lock (lines) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (lines) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the README's commands ran past 10 minutes:\n" + output);
        }

        process.WaitForExit();
        lock (lines)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
