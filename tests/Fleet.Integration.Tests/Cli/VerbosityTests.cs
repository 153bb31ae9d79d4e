using System.Text.Json;
using Fleet.Cli.Commands;

namespace Fleet.Integration.Tests.Cli;

/// <summary><c>-v</c> counted as ansible-playbook counts it: <c>debug</c> with <c>verbosity: 2</c> shows only from <c>-vv</c> on.</summary>
public sealed class VerbosityTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-cli-verbosity-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Theory]
    [InlineData(new[] { "apply", "site.yml", "-vv" }, new[] { "apply", "site.yml", "-v", "--verbosity", "2" })]
    [InlineData(new[] { "check", "-v", "site.yml", "--verbose", "-v" }, new[] { "check", "-v", "--verbosity", "3", "site.yml" })]
    [InlineData(new[] { "apply", "site.yml", "-v" }, new[] { "apply", "site.yml", "-v" })]
    [InlineData(new[] { "apply", "site.yml", "--", "-vv" }, new[] { "apply", "site.yml", "--", "-vv" })]
    [InlineData(new[] { "enforce", "-vv" }, new[] { "enforce", "-vv" })]
    public void Expand_CountsEveryV(string[] args, string[] expected) => Assert.Equal(expected, VerbosityArguments.Expand(args));

    [Theory]
    [InlineData("-v", "skipped")]
    [InlineData("-vv", "ok")]
    [InlineData("-vvv", "ok")]
    public async Task DebugVerbosityTwo_ShowsFromDashVV(string flag, string status)
    {
        var playbook = Path.Combine(_dir.FullName, "site.yml");
        var report = Path.Combine(_dir.FullName, "report.json");
        var inventory = Path.Combine(_dir.FullName, "inventory.yml");
        await File.WriteAllTextAsync(inventory, "all:\n  hosts:\n    localhost: { ansible_connection: local }\n");
        await File.WriteAllTextAsync(playbook, "- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n    - debug: { msg: detail, verbosity: 2 }\n");

        var (exit, _, stderr) = await FleetProcess.RunAsync("apply", playbook, "-i", inventory, flag, "--no-progress", "--json", report);

        Assert.True(exit == 0, stderr);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(report));
        var task = json.RootElement.GetProperty("hosts")[0].GetProperty("tasks")[0];
        Assert.Equal(status, task.GetProperty("status").GetString());
    }
}
