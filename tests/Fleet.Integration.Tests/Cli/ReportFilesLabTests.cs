using System.Text.Json;
using System.Xml.Linq;
using Fleet.Integration.Tests.Lab;
using Fleet.Tests;

namespace Fleet.Integration.Tests.Cli;

/// <summary><c>fleet apply --json --junit</c> against the lab writes reports in the documented shapes.</summary>
[Collection("lab")]
public sealed class ReportFilesLabTests(LabFixture lab) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-report-test-");

    [LabFact]
    public async Task Apply_WithJsonAndJunit_WritesSchemaAndSecondRunChangesNothing()
    {
        var playbook = Path.Combine(_dir.FullName, "site.yml");
        await File.WriteAllTextAsync(playbook, """
            - name: Report test
              hosts: all
              tasks:
                - name: Banner
                  copy: { dest: /etc/fleet-report-test, content: "hello\n", mode: "0644" }
            """);
        var json = Path.Combine(_dir.FullName, "r.json");
        var junit = Path.Combine(_dir.FullName, "r.xml");
        string[] args = ["apply", "-i", lab.Info.InventoryPath, playbook, "--json", json, "--junit", junit, "--no-progress", "--known-hosts", lab.Info.KnownHostsPath, "--host-key-policy", "strict"];

        var (exit, stdout, stderr) = await FleetProcess.RunAsync(args);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        ReportSchema.AssertValidFile(json);
        using (var report = JsonDocument.Parse(await File.ReadAllTextAsync(json)))
        {
            var root = report.RootElement;
            Assert.Equal(["schema", "mode", "playbooks", "shard", "startedAt", "durationMs", "totals", "hosts"], root.EnumerateObject().Select(p => p.Name).Take(8));
            Assert.Equal([playbook], root.GetProperty("playbooks").EnumerateArray().Select(p => p.GetString()));
            Assert.Equal(JsonValueKind.Null, root.GetProperty("shard").ValueKind);
            Assert.Equal("fleet-report/3", root.GetProperty("schema").GetString());
            Assert.Equal("apply", root.GetProperty("mode").GetString());
            Assert.Equal(lab.Info.Hosts.Count, root.GetProperty("totals").GetProperty("hosts").GetInt32());
            var host = root.GetProperty("hosts")[0];
            Assert.Equal(["name", "address", "status", "durationMs", "error", "tasks"], host.EnumerateObject().Select(p => p.Name).Take(6));
            var task = host.GetProperty("tasks")[0];
            Assert.Equal(["play", "name", "module", "status", "changes", "diff", "message", "attempts", "durationMs"], task.EnumerateObject().Select(p => p.Name).Take(9));
            Assert.Equal("copy", task.GetProperty("module").GetString());
        }

        var xml = XDocument.Load(junit);
        Assert.Equal(lab.Info.Hosts.Count, xml.Root!.Elements("testsuite").Count());
        Assert.All(xml.Root.Elements("testsuite"), s => Assert.Single(s.Elements("testcase")));

        (exit, stdout, stderr) = await FleetProcess.RunAsync(args);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        ReportSchema.AssertValidFile(json);
        using var second = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        Assert.Equal(0, second.RootElement.GetProperty("totals").GetProperty("changed").GetInt32());
        Assert.All(second.RootElement.GetProperty("hosts").EnumerateArray(), h => Assert.Equal("ok", h.GetProperty("status").GetString()));
    }

    [LabFact]
    public async Task Ping_LabHosts_PrintsFingerprintAndOs()
    {
        var (exit, stdout, stderr) = await FleetProcess.RunAsync("ping", "-i", lab.Info.InventoryPath, "--no-progress", "--known-hosts", lab.Info.KnownHostsPath);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains("SHA256:", stdout, StringComparison.Ordinal);
        Assert.Contains("Debian", stdout, StringComparison.Ordinal);
        Assert.All(lab.Info.Hosts, h => Assert.Contains(h.Name, stdout, StringComparison.Ordinal));
        Assert.All(lab.Info.Hosts, h => Assert.Contains($"{h.Name} | reachable | ", stdout, StringComparison.Ordinal));
        Assert.DoesNotContain("ok=", stdout, StringComparison.Ordinal);
    }

    [LabTheory]
    [InlineData("pq", "sntrup761x25519-sha512")]
    [InlineData("classic", "curve25519-sha256")]
    public async Task SshKex_EachHostsKeyExchange_InJsonAndVerbose(string mode, string expected)
    {
        // The lab's OpenSSH (Debian 12's 9.2) offers sntrup761 and no ML-KEM: pq lands on sntrup761, classic on curve25519.
        var (exchanges, stderr) = await Ssh.KeyExchangeRun.ApplyAsync(_dir, lab.Info.InventoryPath, lab.Info.KnownHostsPath, mode);

        Assert.Equal(lab.Info.Hosts.Select(h => h.Name).Order(), exchanges.Keys.Order());
        Assert.All(exchanges.Values, e => Assert.Equal(expected, e));
        Assert.All(lab.Info.Hosts, h => Assert.Matches($"{h.Name} connected to .*, key exchange {System.Text.RegularExpressions.Regex.Escape(expected)}", stderr));
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
