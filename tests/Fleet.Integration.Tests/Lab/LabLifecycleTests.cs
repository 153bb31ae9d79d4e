using Fleet.Lab;

namespace Fleet.Integration.Tests.Lab;

/// <summary>A lab of its own: down leaves nothing behind (the delaying proxy included), down twice is harmless, up after down works.</summary>
[Collection("lab")]
public sealed class LabLifecycleTests
{
    [LabFact]
    public async Task Down_LeavesNoNamespaceLinkProcessOrFile_AndUpAgainWorks()
    {
        var dir = Path.Combine("/var/tmp", $"fleet-lifecycle-test-{Environment.ProcessId}");
        var first = await Fleet.Lab.Lab.UpAsync(new LabUpOptions { Hosts = 2, Dir = dir, Rtt = TimeSpan.FromMilliseconds(20), RttHosts = ["lab-02"] }, _ => { }, CancellationToken.None);
        var bridge = $"flab{first.Index}";
        var pids = first.Hosts.Select(h => h.InitPid).ToList();
        // lab-02 only is behind the proxy, which the inventory names; the proxy is a process of the lab.
        Assert.Equal([0, 22002], first.Hosts.Select(h => h.ProxyPort));
        var inventory = await File.ReadAllTextAsync(first.InventoryPath);
        Assert.Contains($"lab-01: {{ address: {first.Hosts[0].Address} }}", inventory, StringComparison.Ordinal);
        Assert.Contains($"lab-02: {{ address: 10.213.{first.Index}.1, port: 22002 }}", inventory, StringComparison.Ordinal);
        var (_, proxies, _) = await LabIsolationTests.RunOnMachineAsync($"pgrep -f 'rtt-proxy .*10[.]213[.]{first.Index}[.]1:22002=' || true");
        var proxy = Assert.Single(proxies.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        pids.Add(int.Parse(proxy, System.Globalization.CultureInfo.InvariantCulture));

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

    [LabFact]
    public async Task Up_InterruptedWhileStartingHosts_LeavesNothingBehind()
    {
        var dir = Path.Combine("/var/tmp", $"fleet-interrupt-test-{Environment.ProcessId}");
        using var interrupt = new CancellationTokenSource();
        var index = 0;
        void Log(string line)
        {
            if (line.StartsWith("lab ", StringComparison.Ordinal) && line.Contains(": preparing", StringComparison.Ordinal))
            {
                index = int.Parse(line["lab ".Length..line.IndexOf(':', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
            }

            if (line == "starting hosts")
            {
                interrupt.Cancel(); // as Ctrl-C would, after the hosts' processes are launched and before they are recorded
            }
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Fleet.Lab.Lab.UpAsync(new LabUpOptions { Hosts = 3, Dir = dir }, Log, interrupt.Token));

        Assert.NotEqual(0, index);
        var (_, processes, _) = await LabIsolationTests.RunOnMachineAsync("ps -eo args");
        Assert.DoesNotContain(dir, processes, StringComparison.Ordinal);
        var (_, links, _) = await LabIsolationTests.RunOnMachineAsync("ip -o link show");
        Assert.DoesNotContain($"fl{index}h", links, StringComparison.Ordinal);
        var (_, namespaces, _) = await LabIsolationTests.RunOnMachineAsync("ip netns list");
        Assert.DoesNotContain($"flab{index}-", namespaces, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir), "lab directory left behind");
    }
}
