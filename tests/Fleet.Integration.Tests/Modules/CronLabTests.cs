using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Modules;

/// <summary>cron over real SSH: root's crontab (read back with crontab -l) and a file in /etc/cron.d; second runs change nothing.</summary>
[Collection("lab")]
public sealed class CronLabTests(LabFixture lab)
{
    private static string Playbook(string hour, string state = "present") => $$"""
        - name: Cron
          hosts: all
          tasks:
            - name: Job in root's crontab
              cron: { name: "fleet cron lab test", minute: "7", hour: "{{hour}}", job: "/usr/bin/true fleet-cron-lab", user: root, state: {{state}} }
            - name: Variable
              cron: { name: FLEET_CRON_LAB, env: true, job: "yes it is", user: root, state: {{state}} }
            - name: Cron file
              cron: { name: "fleet cron lab weekly", cron_file: fleet-cron-lab, user: root, special_time: weekly, job: "/usr/bin/true weekly", state: {{state}} }
        """;

    [LabFact]
    public async Task Apply_CrontabAndCronFile_ThenNoOp_ThenUpdateInPlace_ThenAbsent()
    {
        var host = lab.Info.Hosts[0].Name;
        await LabRun.ExecAsync(lab, host, "(crontab -l 2>/dev/null | grep -v 'fleet cron lab\\|fleet-cron-lab\\|FLEET_CRON_LAB' || true) | crontab - ; rm -f /etc/cron.d/fleet-cron-lab");

        var first = await LabRun.RunAsync(lab, Playbook("3"));
        var second = await LabRun.RunAsync(lab, Playbook("3"));

        Assert.All(first.Hosts, h => Assert.Equal(3, h.Count(TaskOutcome.Changed)));
        var crontab = await LabRun.ExecAsync(lab, host, "crontab -l -u root");
        Assert.Contains("#Ansible: fleet cron lab test\n7 3 * * * /usr/bin/true fleet-cron-lab\n", crontab, StringComparison.Ordinal);
        Assert.StartsWith("FLEET_CRON_LAB=\"yes it is\"\n", crontab, StringComparison.Ordinal);
        Assert.Equal("#Ansible: fleet cron lab weekly\n@weekly root /usr/bin/true weekly\n644\n", await LabRun.ExecAsync(lab, host, "cat /etc/cron.d/fleet-cron-lab; stat -c %a /etc/cron.d/fleet-cron-lab"));
        Assert.All(second.Hosts, h => Assert.Equal(0, h.Count(TaskOutcome.Changed)));
        Assert.Equal(ExitCodes.Success, second.ExitCode);

        // A new schedule replaces the line: never a second block with the same name (ansible#37355).
        var check = await LabRun.RunAsync(lab, Playbook("4"), new RunOptions { Mode = "check", Limit = host });
        await LabRun.RunAsync(lab, Playbook("4"), new RunOptions { Limit = host });

        Assert.Contains("-7 3 * * * /usr/bin/true fleet-cron-lab\n+7 4 * * * /usr/bin/true fleet-cron-lab", Assert.Single(check.Hosts).Tasks[0].Diff, StringComparison.Ordinal);
        Assert.Equal("1\n7 4 * * * /usr/bin/true fleet-cron-lab\n", await LabRun.ExecAsync(lab, host, "crontab -l | grep -c '^#Ansible: fleet cron lab test$'; crontab -l | grep fleet-cron-lab"));

        var removed = await LabRun.RunAsync(lab, Playbook("4", "absent"));

        Assert.All(removed.Hosts, h => Assert.True(h.Status is HostStatus.Changed, $"{h.Name}: {h.Status} {h.Error}"));
        Assert.Equal("0\ngone\n", await LabRun.ExecAsync(lab, host, "crontab -l | grep -c 'fleet cron lab\\|FLEET_CRON_LAB' || true; [ -e /etc/cron.d/fleet-cron-lab ] || echo gone"));
    }
}
