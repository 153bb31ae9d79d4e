using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Modules;

/// <summary>One host of its own to reboot, apart from the shared lab (a reboot ends every process the other tests started).</summary>
public sealed class RebootLabFixture() : LabFixtureBase(1, "reboot");

/// <summary>The reboot tests run on their own lab.</summary>
[CollectionDefinition("reboot")]
public sealed class RebootCollection : ICollectionFixture<RebootLabFixture>;

/// <summary>
/// reboot over real SSH on a lab host (whose reboot restarts every process of the host with a new boot id): check mode leaves
/// the host alone; apply waits for the host to go and come back, and the next task runs over the new connection on a host where
/// the processes of before are gone, /tmp is empty and files on disk stayed — read with the host's own tools.
/// </summary>
[Collection("reboot")]
public sealed class RebootLabTests(RebootLabFixture lab)
{
    private const string Playbook = """
        - hosts: all
          tasks:
            - name: Reboot
              ansible.builtin.reboot: { reboot_timeout: 120, msg: "Fleet lab test" }
              register: reboot_result
            - name: After the reboot
              shell: "echo {{ reboot_result.rebooted }}; cat /proc/sys/kernel/random/boot_id"
        """;

    [LabFact]
    public async Task Reboot_CheckModeLeavesTheHost_ApplyComesBackWithANewBootAndTheNextTaskRuns()
    {
        var host = lab.Info.Hosts[0].Name;
        var marker = (await LabRun.ExecAsync(lab, host, "setsid sleep 4242 </dev/null >/dev/null 2>&1 & echo $!; touch /tmp/before-reboot /root/kept-across-reboot")).Trim();
        var bootBefore = (await LabRun.ExecAsync(lab, host, "cat /proc/sys/kernel/random/boot_id")).Trim();
        Assert.NotEqual((await File.ReadAllTextAsync("/proc/sys/kernel/random/boot_id")).Trim(), bootBefore);

        var check = await LabRun.RunAsync(lab, Playbook, new RunOptions { Mode = "check" });

        var checkedHost = Assert.Single(check.Hosts);
        Assert.Equal(TaskOutcome.Changed, checkedHost.Tasks[0].Status);
        Assert.Equal(bootBefore, (await LabRun.ExecAsync(lab, host, "cat /proc/sys/kernel/random/boot_id")).Trim());
        Assert.Equal("alive\n", await LabRun.ExecAsync(lab, host, $"kill -0 {marker} && echo alive"));

        var applied = await LabRun.RunAsync(lab, Playbook);

        var result = Assert.Single(applied.Hosts);
        Assert.True(result.Status == HostStatus.Changed, $"{result.Status}: {result.Error} {string.Join("; ", result.Tasks.Select(t => t.Message))}");
        var reboot = result.Tasks[0];
        Assert.Equal(TaskOutcome.Changed, reboot.Status);
        Assert.Equal(true, reboot.Result["rebooted"]);
        Assert.IsType<long>(reboot.Result["elapsed"]);
        var after = result.Tasks[1];
        Assert.Equal(TaskOutcome.Changed, after.Status);
        var bootAfter = (await LabRun.ExecAsync(lab, host, "cat /proc/sys/kernel/random/boot_id")).Trim();
        Assert.NotEqual(bootBefore, bootAfter);
        Assert.Equal($"True\n{bootAfter}", after.Result["stdout"]);
        Assert.Equal("gone\n", await LabRun.ExecAsync(lab, host, "ps -eo args | grep -qx 'sleep 4242' && echo running || echo gone"));
        Assert.Equal("empty kept\n", await LabRun.ExecAsync(lab, host, "[ -e /tmp/before-reboot ] && printf 'left ' || printf 'empty '; [ -e /root/kept-across-reboot ] && echo kept || echo lost"));
        Assert.Contains("sshd", await LabRun.ExecAsync(lab, host, "ps -eo comm"), StringComparison.Ordinal);
    }
}
