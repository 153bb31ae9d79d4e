using System.Diagnostics;
using System.Text.Json;
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
/// the processes of before are gone, /tmp is empty and files on disk stayed — read with the host's own tools. ansible-playbook
/// reboots the same lab host with the same playbook, to the same statuses and result.
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

    [LabFact]
    public async Task Reboot_AnsiblePlaybookOnTheLabHost_SameStatusesAndResultAsFleet()
    {
        var host = lab.Info.Hosts[0];
        var bootBefore = (await LabRun.ExecAsync(lab, host.Name, "cat /proc/sys/kernel/random/boot_id")).Trim();
        var dir = Directory.CreateTempSubdirectory("fleet-reboot-ansible-");
        try
        {
            var inventory = Path.Combine(dir.FullName, "inventory.ini");
            await File.WriteAllTextAsync(inventory, $"""
                {host.Name} ansible_host={host.Address} ansible_user=root ansible_python_interpreter=/usr/bin/python3 ansible_ssh_private_key_file={lab.Info.PrivateKeyPath} ansible_ssh_common_args='-o UserKnownHostsFile={lab.Info.KnownHostsPath} -o StrictHostKeyChecking=yes'

                """);
            var playbook = Path.Combine(dir.FullName, "playbook.yml");
            await File.WriteAllTextAsync(playbook, Playbook.Replace("- hosts: all", "- hosts: all\n  gather_facts: false", StringComparison.Ordinal));
            var start = new ProcessStartInfo("ansible-playbook", ["-i", inventory, playbook]) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["ANSIBLE_STDOUT_CALLBACK"] = "ansible.posix.json";
            start.Environment["ANSIBLE_NOCOLOR"] = "1";
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"ansible-playbook exited {process.ExitCode}: {await stdout} {await stderr}");

            using var json = JsonDocument.Parse(await stdout);
            var tasks = json.RootElement.GetProperty("plays")[0].GetProperty("tasks");
            var reboot = tasks[0].GetProperty("hosts").GetProperty(host.Name);
            var after = tasks[1].GetProperty("hosts").GetProperty(host.Name);
            var bootAfter = (await LabRun.ExecAsync(lab, host.Name, "cat /proc/sys/kernel/random/boot_id")).Trim();
            Assert.NotEqual(bootBefore, bootAfter);
            Assert.True(reboot.GetProperty("changed").GetBoolean());
            Assert.True(reboot.GetProperty("rebooted").GetBoolean());
            Assert.Equal(JsonValueKind.Number, reboot.GetProperty("elapsed").ValueKind);
            Assert.Equal($"True\n{bootAfter}", after.GetProperty("stdout").GetString());

            var fleet = Assert.Single((await LabRun.RunAsync(lab, Playbook)).Hosts);
            Assert.Equal(["Changed", "Changed"], fleet.Tasks.Select(t => t.Status.ToString()));
            Assert.Equal((true, true), (fleet.Tasks[0].Result["changed"], fleet.Tasks[0].Result["rebooted"]));
            Assert.IsType<long>(fleet.Tasks[0].Result["elapsed"]);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
