using System.Text.Json;
using System.Xml.Linq;
using Fleet.Integration.Tests.Cli;
using Fleet.Tests;

namespace Fleet.Integration.Tests.Ci;

/// <summary>A run split with <c>--shard</c> over parallel processes and merged is the same run as one process over every host.</summary>
[Collection("ci-lab")]
public sealed class ShardLabTests(CiLab lab) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-shard-lab-");

    private string File(string name) => Path.Combine(_dir.FullName, name);

    private const string Playbook = """
        - name: CI drift check
          hosts: all
          tasks:
            - name: Marker present
              copy: { dest: /etc/fleet-ci-marker, content: "ci\n", mode: "0644" }
            - name: Broken on one host
              file: { path: /nonexistent-fleet-ci/x, state: file }
              when: inventory_hostname == 'lab-05'
        """;

    [LabFact]
    public async Task Check_ThreeShardsInParallelMerged_SameHostsStatusesAndExitCodeAsOneRun()
    {
        // lab-01..04 already have the marker (ok), lab-05 fails, the rest would change: exit 2 for the whole fleet.
        foreach (var host in lab.Info.Hosts.Take(4))
        {
            await Fleet.Lab.Lab.ExecAsync(lab.Info.Dir, host.Name, "printf 'ci\\n' > /etc/fleet-ci-marker && chmod 0644 /etc/fleet-ci-marker", CancellationToken.None);
        }

        var playbook = File("ci.yml");
        await System.IO.File.WriteAllTextAsync(playbook, Playbook);
        string[] common = ["check", "-i", lab.Info.InventoryPath, playbook, "--no-progress", "--known-hosts", lab.Info.KnownHostsPath, "--host-key-policy", "strict"];

        var whole = await FleetProcess.RunAsync([.. common, "--json", File("whole.json"), "--junit", File("whole.xml")]);
        var shards = await Task.WhenAll(Enumerable.Range(1, 3).Select(i => FleetProcess.RunAsync(
            new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_WORKSPACE"] = _dir.FullName },
            [.. common, "--shard", $"{i}/3", "--json", File($"shard{i}.json"), "--junit", File($"shard{i}.xml")])));
        var merge = await FleetProcess.RunAsync("report", "merge", "-o", File("merged.json"), File("shard1.json"), File("shard2.json"), File("shard3.json"), "--junit", File("merged.xml"));

        Assert.True(whole.ExitCode == 2, $"exit {whole.ExitCode}\n{whole.Stdout}\n{whole.Stderr}");
        Assert.True(merge.ExitCode == whole.ExitCode, $"merge exit {merge.ExitCode}\n{merge.Stdout}\n{merge.Stderr}");
        foreach (var name in new[] { "whole", "shard1", "shard2", "shard3", "merged" })
        {
            ReportSchema.AssertValidFile(File(name + ".json"));
        }

        // Each shard is a normal run of its hosts (shard 1 of 3: lab-04, 05, 06, 09; 2: lab-01, 02, 03, 07; 3: lab-08) with its own exit code.
        Assert.Equal([2, 4, 4], shards.Select(s => s.ExitCode));
        Assert.Equal(["lab-04", "lab-05", "lab-06", "lab-09"], Hosts(File("shard1.json")).Keys.Order());
        var merged = Hosts(File("merged.json"));
        var unsharded = Hosts(File("whole.json"));
        Assert.Equal(CiLab.Size, unsharded.Count);
        Assert.Equal(unsharded.OrderBy(h => h.Key), merged.OrderBy(h => h.Key));
        Assert.Equal(["changed", "failed", "ok"], unsharded.Values.Select(v => v.Split(':')[0]).Distinct().Order());

        // The merged JUnit fails the same test cases as the unsharded one.
        Assert.Equal(Failures(File("whole.xml")), Failures(File("merged.xml")));

        // Under GitHub Actions the shard with the failure points at the task's line in the playbook (ci.yml line 6, column 7).
        Assert.Contains("::error file=ci.yml,line=6,col=7,title=fleet task failed%3A Broken on one host::CI drift check / Broken on one host on lab-05: ", shards[0].Stdout, StringComparison.Ordinal);
        Assert.Contains("::warning file=ci.yml,line=4,col=7,title=fleet drift%3A Marker present::CI drift check / Marker present on lab-08: would change", shards[2].Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("::", whole.Stdout, StringComparison.Ordinal);
    }

    /// <summary>Host name → "status: task statuses" from a JSON report.</summary>
    private static Dictionary<string, string> Hosts(string path)
    {
        using var report = JsonDocument.Parse(System.IO.File.ReadAllText(path));
        return report.RootElement.GetProperty("hosts").EnumerateArray().ToDictionary(
            h => h.GetProperty("name").GetString()!,
            h => h.GetProperty("status").GetString() + ": " + string.Join(",", h.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("name").GetString() + "=" + t.GetProperty("status").GetString())));
    }

    /// <summary>The failed test cases of a JUnit file as "suite/case type", sorted.</summary>
    private static List<string> Failures(string path) =>
        XDocument.Load(path).Descendants("testcase")
            .Where(c => c.Element("failure") is not null)
            .Select(c => $"{c.Parent!.Attribute("name")!.Value}/{c.Attribute("name")!.Value} {c.Element("failure")!.Attribute("type")!.Value}")
            .Order()
            .ToList();

    public void Dispose() => _dir.Delete(recursive: true);
}
