using Fleet.Integration.Tests.Engine;

namespace Fleet.Integration.Tests.Lab;

/// <summary>Lab hosts are separate machines for every purpose Fleet's modules touch.</summary>
[Collection("lab")]
public sealed class LabIsolationTests(LabFixture lab)
{
    private string Host1 => lab.Info.Hosts[0].Name;

    private string Host2 => lab.Info.Hosts[1].Name;

    [LabFact]
    public async Task Firewall_RuleOnHost1_DoesNotAffectHost2OrMachine()
    {
        try
        {
            await LabRun.ExecAsync(lab, Host1, "apt-get install -y -qq ufw >/dev/null 2>&1; ufw --force reset >/dev/null; ufw default deny incoming >/dev/null; ufw deny 22/tcp >/dev/null; ufw --force enable >/dev/null");
            Assert.Contains("Status: active", await LabRun.ExecAsync(lab, Host1, "ufw status"), StringComparison.Ordinal);

            Assert.False(await TcpOpenAsync(lab.Info.Hosts[0].Address), "host 1 still accepts ssh after its firewall denied it");
            Assert.True(await TcpOpenAsync(lab.Info.Hosts[1].Address), "host 2 lost ssh because of host 1's firewall");
            Assert.DoesNotContain("ufw-user-input", await LabRun.ExecAsync(lab, Host2, "iptables -S"), StringComparison.Ordinal);
            var (_, machineRules, _) = await RunOnMachineAsync("iptables -S");
            Assert.DoesNotContain("ufw-user-input", machineRules, StringComparison.Ordinal);
        }
        finally
        {
            await LabRun.ExecAsync(lab, Host1, "ufw --force reset >/dev/null 2>&1 || true; ufw --force disable >/dev/null 2>&1 || true; iptables -P INPUT ACCEPT; iptables -F");
        }

        Assert.True(await TcpOpenAsync(lab.Info.Hosts[0].Address), "host 1 did not recover ssh after its firewall was reset");
    }

    [LabFact]
    public async Task Package_InstalledOnHost1_IsAbsentOnHost2()
    {
        await LabRun.ExecAsync(lab, Host1, "apt-get install -y -qq acct >/dev/null");

        Assert.StartsWith("ii", await LabRun.ExecAsync(lab, Host1, "dpkg-query -W -f '${db:Status-Abbrev}' acct"), StringComparison.Ordinal);
        var (_, status, _) = await Fleet.Lab.Lab.ExecAsync(lab.Info.Dir, Host2, "dpkg-query -W -f '${db:Status-Abbrev}' acct 2>/dev/null || echo absent", CancellationToken.None);
        Assert.DoesNotContain("ii", status, StringComparison.Ordinal);
    }

    [LabFact]
    public async Task Hosts_HaveTheirOwnHostnameAndReadOnlyKernelSettings()
    {
        Assert.Equal(Host1 + "\n", await LabRun.ExecAsync(lab, Host1, "hostname"));
        Assert.Equal(Host2 + "\n", await LabRun.ExecAsync(lab, Host2, "hostname"));
        Assert.Equal("read-only\n", await LabRun.ExecAsync(lab, Host1, "echo 1 > /proc/sys/kernel/sysrq 2>/dev/null && echo writable || echo read-only"));
        Assert.Equal("writable\n", await LabRun.ExecAsync(lab, Host1, "echo 1 > /proc/sys/net/ipv4/tcp_syncookies 2>/dev/null && echo writable || echo read-only"));
    }

    [LabFact]
    public async Task Hosts_UseOnlyTheLocalRepositoryAndHaveNoRouteOut()
    {
        Assert.Equal("deb [trusted=yes] file:/srv/fleet-apt ./\n", await LabRun.ExecAsync(lab, Host1, "cat /etc/apt/sources.list; ls /etc/apt/sources.list.d"));
        Assert.Equal("unreachable\n", await LabRun.ExecAsync(lab, Host1, "ip route get 192.0.2.200 >/dev/null 2>&1 && echo routed || echo unreachable"));
        Assert.Equal("read-only\n", await LabRun.ExecAsync(lab, Host1, "touch /srv/fleet-apt/x 2>/dev/null && echo writable || echo read-only"));
        var (_, route, _) = await RunOnMachineAsync("ip route show 10.213.0.0/16");
        Assert.Contains("unreachable 10.213.0.0/16", route, StringComparison.Ordinal);
    }

    [LabFact]
    public async Task Hosts_RunCronAndRsyslog()
    {
        var processes = await LabRun.ExecAsync(lab, Host1, "ps -eo comm");
        Assert.Contains("cron", processes, StringComparison.Ordinal);
        Assert.Contains("rsyslogd", processes, StringComparison.Ordinal);
        Assert.Contains("sshd", processes, StringComparison.Ordinal);
    }

    private static async Task<bool> TcpOpenAsync(string address)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(address, 22, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    internal static Task<(int ExitCode, string Stdout, string Stderr)> RunOnMachineAsync(string command) => MachineProcess.ShellAsync(command);
}
