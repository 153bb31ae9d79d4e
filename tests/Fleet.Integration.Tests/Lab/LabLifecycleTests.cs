using Fleet.Lab;

namespace Fleet.Integration.Tests.Lab;

/// <summary>A lab of its own: down leaves nothing behind, down twice is harmless, up after down works.</summary>
[Collection("lab")]
public sealed class LabLifecycleTests
{
    [LabFact]
    public async Task Down_LeavesNoNamespaceLinkProcessOrFile_AndUpAgainWorks()
    {
        var dir = Path.Combine("/var/tmp", $"fleet-lifecycle-test-{Environment.ProcessId}");
        var first = await Fleet.Lab.Lab.UpAsync(new LabUpOptions { Hosts = 2, Dir = dir }, _ => { }, CancellationToken.None);
        var bridge = $"flab{first.Index}";
        var pids = first.Hosts.Select(h => h.InitPid).ToList();

        await Fleet.Lab.Lab.DownAsync(dir, _ => { }, CancellationToken.None);

        var (_, namespaces, _) = await LabIsolationTests.RunOnMachineAsync("ip netns list");
        Assert.DoesNotContain($"{bridge}-", namespaces, StringComparison.Ordinal);
        var (_, links, _) = await LabIsolationTests.RunOnMachineAsync("ip -o link show");
        Assert.DoesNotContain($"{bridge}:", links, StringComparison.Ordinal);
        Assert.DoesNotContain($"fl{first.Index}h", links, StringComparison.Ordinal);
        var (_, mounts, _) = await LabIsolationTests.RunOnMachineAsync("cat /proc/mounts");
        Assert.DoesNotContain(dir, mounts, StringComparison.Ordinal);
        Assert.All(pids, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"process {pid} still running"));
        var (_, rules, _) = await LabIsolationTests.RunOnMachineAsync("iptables -S FORWARD");
        Assert.DoesNotContain(bridge + " ", rules, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir), "lab directory left behind");

        await Fleet.Lab.Lab.DownAsync(dir, _ => { }, CancellationToken.None);
        var again = await Fleet.Lab.Lab.UpAsync(new LabUpOptions { Hosts = 1, Dir = dir }, _ => { }, CancellationToken.None);
        try
        {
            Assert.Single(again.Hosts);
            Assert.True(Fleet.Lab.Lab.IsRunning(again.Hosts[0]));
        }
        finally
        {
            await Fleet.Lab.Lab.DownAsync(dir, _ => { }, CancellationToken.None);
        }
    }
}
