using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Modules;

/// <summary>
/// sysctl over real SSH: a net.* key (the host's own network namespace) applied and persisted; a kernel.* key, read-only in the
/// lab, persisted with a warning while the machine's own value stays as it was; a second run changes nothing.
/// </summary>
[Collection("lab")]
public sealed class SysctlLabTests(LabFixture lab)
{
    private const string File = "/etc/sysctl.d/98-fleet-labtest.conf";
    private const string Redirects = "/proc/sys/net/ipv4/conf/all/accept_redirects";

    [LabFact]
    public async Task Apply_NetKeyApplied_KernelKeyPersistedWithWarning_MachineUntouched()
    {
        var host = lab.Info.Hosts[^1].Name;
        var machineBefore = (await System.IO.File.ReadAllTextAsync("/proc/sys/kernel/kptr_restrict")).Trim();
        var wanted = machineBefore == "2" ? "1" : "2";
        var original = (await LabRun.ExecAsync(lab, host, $"cat {Redirects}")).Trim();
        await LabRun.ExecAsync(lab, host, $"echo 1 > {Redirects}; rm -f {File}");
        var playbook = $$"""
            - hosts: all
              tasks:
                - name: No ICMP redirects
                  sysctl: { name: net.ipv4.conf.all.accept_redirects, value: "0", sysctl_file: {{File}} }
                - name: Hide kernel pointers
                  sysctl: { name: kernel.kptr_restrict, value: "{{wanted}}", sysctl_file: {{File}} }
            """;
        try
        {
            var first = await LabRun.RunAsync(lab, playbook, new RunOptions { Limit = host });

            var result = Assert.Single(first.Hosts);
            Assert.True(result.Status == HostStatus.Changed, $"{result.Status}: {result.Error}");
            Assert.Equal("0\n", await LabRun.ExecAsync(lab, host, $"cat {Redirects}"));
            Assert.Equal($"net.ipv4.conf.all.accept_redirects=0\nkernel.kptr_restrict={wanted}\n", await LabRun.ExecAsync(lab, host, $"cat {File}"));
            var kernelTask = result.Tasks.Single(t => t.Name == "Hide kernel pointers");
            Assert.Equal(TaskOutcome.Changed, kernelTask.Status);
            Assert.Contains("read-only", Assert.Single(kernelTask.Warnings), StringComparison.Ordinal);
            Assert.Empty(result.Tasks.Single(t => t.Name == "No ICMP redirects").Warnings);

            var second = await LabRun.RunAsync(lab, playbook, new RunOptions { Limit = host });

            var again = Assert.Single(second.Hosts);
            Assert.Equal(HostStatus.Ok, again.Status);
            Assert.Equal(0, again.Count(TaskOutcome.Changed));
            Assert.Single(again.Tasks.Single(t => t.Name == "Hide kernel pointers").Warnings);
        }
        finally
        {
            await LabRun.ExecAsync(lab, host, $"rm -f {File}; echo {original} > {Redirects}");
            Assert.Equal(machineBefore, (await System.IO.File.ReadAllTextAsync("/proc/sys/kernel/kptr_restrict")).Trim());
        }
    }
}
