using System.Diagnostics;
using System.Text.Json;
using Fleet.Integration.Tests.Lab;
using Fleet.Tests;

namespace Fleet.Integration.Tests.Cli;

/// <summary>Ctrl-C stops a run: exit 130, and the reports of what finished are still written.</summary>
[Collection("lab")]
public sealed class InterruptLabTests(LabFixture lab) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-interrupt-test-");

    [LabFact]
    public async Task Sigint_DuringRun_Exits130AndWritesReport()
    {
        var playbook = Path.Combine(_dir.FullName, "slow.yml");
        await File.WriteAllTextAsync(playbook, """
            - name: Slow
              hosts: all
              tasks:
                - name: Quick
                  command: echo quick
                - name: Long
                  command: sleep 60
            """);
        var json = Path.Combine(_dir.FullName, "r.json");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "fleet.dll"), "apply", "-i", lab.Info.InventoryPath, playbook, "--no-progress", "--json", json })
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

        var clock = Stopwatch.StartNew();
        await MachineProcess.RunAsync("kill", "-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var rest = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}: {await rest} {await stderr}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"stopping took {clock.Elapsed}");
        ReportSchema.AssertValidFile(json);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        Assert.True(report.RootElement.GetProperty("interrupted").GetBoolean());
        Assert.All(report.RootElement.GetProperty("hosts").EnumerateArray(), h => Assert.Equal("Quick", h.GetProperty("tasks")[0].GetProperty("name").GetString()));
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
