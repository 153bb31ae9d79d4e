using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Modules;

/// <summary>apt upgrade (check mode, against the host's own apt-get -s) and clean on a lab host, checked with the host's tools.</summary>
[Collection("lab")]
public sealed class AptUpgradeLabTests(LabFixture lab)
{
    private const string Host = "lab-03";

    private static string Playbook(string args) => $$"""
        - name: Apt
          hosts: {{Host}}
          tasks:
            - name: Package
              apt: { {{args}} }
        """;

    private static TaskResult Task(RunReport report) => Assert.Single(Assert.Single(report.Hosts).Tasks);

    [LabFact]
    public async Task Apt_UpgradeDist_CheckMode_AgreesWithTheHostsSimulation_AndCleanEmptiesTheArchive()
    {
        var simulated = await LabRun.ExecAsync(lab, Host, "LC_ALL=C apt-get -s dist-upgrade | grep -E '^[0-9]+ upgraded, '");
        var check = Task(await LabRun.RunAsync(lab, Playbook("upgrade: dist"), new RunOptions { Mode = "check" }));

        Assert.Equal(simulated.StartsWith("0 upgraded, 0 newly installed", StringComparison.Ordinal) ? TaskOutcome.Ok : TaskOutcome.Changed, check.Status);

        await LabRun.ExecAsync(lab, Host, "touch /var/cache/apt/archives/fleet-test_1.0_all.deb");
        var clean = Task(await LabRun.RunAsync(lab, Playbook("clean: true")));
        var left = await LabRun.ExecAsync(lab, Host, "ls /var/cache/apt/archives/*.deb 2>/dev/null | wc -l");

        Assert.Equal(TaskOutcome.Ok, clean.Status);
        Assert.Equal("0", left.Trim());
    }
}
