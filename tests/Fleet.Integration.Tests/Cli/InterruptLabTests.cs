using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Fleet.Integration.Tests.Lab;
using Fleet.Tests;

namespace Fleet.Integration.Tests.Cli;

/// <summary>
/// Ctrl-C or SIGTERM stops a run: exit 130 within a second, the reports of what finished are still written, and nothing of the
/// interrupted task keeps running on the hosts.
/// </summary>
[Collection("lab")]
public sealed class InterruptLabTests(LabFixture lab) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-interrupt-test-");

    private IEnumerable<string> Hosts => lab.Info.Hosts.Select(h => h.Name);

    [LabTheory]
    [InlineData("INT", "3171")]
    [InlineData("TERM", "3172")]
    public async Task Signal_DuringRun_Exits130WritesReportAndLeavesNothingOnTheHosts(string signal, string marker)
    {
        var playbook = Path.Combine(_dir.FullName, "slow.yml");
        await File.WriteAllTextAsync(playbook, $"""
            - name: Slow
              hosts: all
              tasks:
                - name: Quick
                  command: echo quick
                - name: Long
                  shell: "sleep {marker} & sleep {marker}; wait"
            """);
        var json = Path.Combine(_dir.FullName, "r.json");
        var junit = Path.Combine(_dir.FullName, "r.xml");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "fleet.dll"), "apply", "-i", lab.Info.InventoryPath, playbook, "--no-progress", "--json", json, "--junit", junit })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var quickLines = 0;
        while (quickLines < lab.Info.Hosts.Count && await process.StandardOutput.ReadLineAsync() is { } line)
        {
            quickLines += line.Contains("| Quick", StringComparison.Ordinal) ? 1 : 0;
        }

        await HostProcessTable.WaitUntilRunningAsync(lab, Hosts, $"sleep {marker}");
        var clock = Stopwatch.StartNew();
        await MachineProcess.RunAsync("kill", "-" + signal, process.Id.ToString(CultureInfo.InvariantCulture));
        var rest = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        var stopped = clock.Elapsed;

        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}: {await rest} {await stderr}");
        // The remote sleeps last 53 minutes and the task timeout is ten minutes: stopping in seconds means Fleet did not wait for them
        // (under 1 s on a quiet machine; the bound leaves room for a loaded one).
        Assert.True(stopped < TimeSpan.FromSeconds(10), $"stopping took {stopped}");
        ReportSchema.AssertValidFile(json);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        Assert.True(report.RootElement.GetProperty("interrupted").GetBoolean());
        Assert.All(report.RootElement.GetProperty("hosts").EnumerateArray(), h => Assert.Equal("Quick", h.GetProperty("tasks")[0].GetProperty("name").GetString()));
        Assert.All(report.RootElement.GetProperty("hosts").EnumerateArray(), h =>
        {
            // A host cut off mid-play did not converge: it is not reported as ok.
            Assert.Equal("failed", h.GetProperty("status").GetString());
            Assert.Equal("interrupted before this host finished", h.GetProperty("error").GetString());
        });
        // JUnit too: each host is a suite holding the task that finished before the signal, passed.
        var suites = System.Xml.Linq.XDocument.Load(junit).Root!.Elements("testsuite").ToList();
        Assert.Equal(lab.Info.Hosts.Count, suites.Count);
        Assert.All(suites, s => Assert.Contains(s.Elements("testcase"), c => (string?)c.Attribute("name") == "Quick" && !c.Elements("failure").Any()));
        await HostProcessTable.WaitUntilGoneAsync(lab, Hosts, $"sleep {marker}");
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
