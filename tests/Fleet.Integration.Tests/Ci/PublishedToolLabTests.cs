using System.Diagnostics;
using System.Text.Json;
using Fleet.Integration.Tests.Cli;
using Fleet.Tests;

namespace Fleet.Integration.Tests.Ci;

/// <summary>
/// The two published builds, made as a user makes them: the .NET tool (<c>dotnet pack</c>, <c>dotnet tool install</c>) and the
/// self-contained single-file binary for CI runners without .NET; each runs <c>--version</c>, <c>validate</c> and <c>ping</c> on the lab.
/// </summary>
[Collection("ci-lab")]
public sealed class PublishedToolLabTests(CiLab lab) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-published-");

    private string At(string name) => Path.Combine(_dir.FullName, name);

    [LabFact]
    public async Task PackedToolAndSingleFileBinary_RunVersionValidateAndPingOnTheLab()
    {
        var project = Path.Combine(RepositoryRoot(), "src", "Fleet.Cli", "Fleet.Cli.csproj");
        var version = FileVersionInfo.GetVersionInfo(Path.Combine(AppContext.BaseDirectory, "fleet.dll")).ProductVersion!;
        var clock = Stopwatch.StartNew();

        // One artifacts path for both: the second build reuses the restore and whatever does not depend on the runtime identifier.
        string[] quiet = ["-c", "Release", "--artifacts-path", At("artifacts"), "-nologo", "-v", "q", "-clp:NoSummary"];
        await MustAsync("dotnet", ["pack", project, "-o", At("nupkg"), .. quiet]);
        await MustAsync("dotnet", ["publish", project, "-r", "linux-x64", "--self-contained", "-p:PublishSingleFile=true", "-o", At("single"), .. quiet]);

        // Install from the packed directory only (a cleared source list), so no other source can supply a package of that name.
        await File.WriteAllTextAsync(At("nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="packed" value="{At("nupkg")}" />
              </packageSources>
            </configuration>
            """);
        await MustAsync("dotnet", ["tool", "install", "Fleet.Cli", "--version", version, "--tool-path", At("tools"), "--configfile", At("nuget.config")]);
        var builds = clock.Elapsed;

        // Single file: one executable and no fleet.dll or runtime beside it.
        Assert.Equal(["fleet"], Directory.EnumerateFiles(At("single")).Select(Path.GetFileName).Where(f => !f!.EndsWith(".pdb", StringComparison.Ordinal)));
        var playbook = At("site.yml");
        await File.WriteAllTextAsync(playbook, "- hosts: all\n  tasks:\n    - name: Banner\n      copy: { dest: /etc/issue.net, content: \"hello\\n\" }\n");
        foreach (var fleet in new[] { At("tools/fleet"), At("single/fleet") })
        {
            var run = (string[] args) => FleetProcess.RunProgramAsync(fleet, new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" }, args);

            var shown = await run(["--version"]);
            Assert.True(shown.ExitCode == 0 && shown.Stdout.Trim() == version, $"{fleet} --version: exit {shown.ExitCode}\n{shown.Stdout}\n{shown.Stderr}");

            var validated = await run(["validate", "-i", lab.Info.InventoryPath, playbook]);
            Assert.True(validated.ExitCode == 0, $"{fleet} validate: exit {validated.ExitCode}\n{validated.Stdout}\n{validated.Stderr}");
            Assert.Contains($"ok: 1 playbook(s), 1 play(s), 1 task(s), {CiLab.Size} host(s)", validated.Stdout, StringComparison.Ordinal);

            var json = At(Path.GetFileName(Path.GetDirectoryName(fleet)) + "-ping.json");
            var pinged = await run(["ping", "-i", lab.Info.InventoryPath, "--shard", "2/3", "--known-hosts", lab.Info.KnownHostsPath, "--host-key-policy", "strict", "--no-progress", "--json", json]);
            Assert.True(pinged.ExitCode == 0, $"{fleet} ping: exit {pinged.ExitCode}\n{pinged.Stdout}\n{pinged.Stderr}");
            Assert.Contains("shard 2/3: 4 of 9 selected host(s)", pinged.Stdout, StringComparison.Ordinal);
            ReportSchema.AssertValidFile(json);
            using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            Assert.Equal(["lab-01", "lab-02", "lab-03", "lab-07"], report.RootElement.GetProperty("hosts").EnumerateArray().Select(h => h.GetProperty("name").GetString()));
            Assert.All(report.RootElement.GetProperty("hosts").EnumerateArray(), h => Assert.Equal("Debian", h.GetProperty("facts").GetProperty("ansible_distribution").GetString()));
        }

        // Both builds from scratch in one test: keep an eye on what the suite pays for them (about a minute on two cores).
        Assert.True(builds < TimeSpan.FromMinutes(6), $"the pack, publish and install took {builds}");
    }

    private static async Task MustAsync(string program, string[] args)
    {
        var (exit, stdout, stderr) = await FleetProcess.RunProgramAsync(program, new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" }, args);
        Assert.True(exit == 0, $"{program} {string.Join(' ', args)}: exit {exit}\n{stdout}\n{stderr}");
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Fleet.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Fleet.sln not found above " + AppContext.BaseDirectory);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
