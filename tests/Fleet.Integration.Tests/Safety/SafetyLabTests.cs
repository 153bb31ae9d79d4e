using System.Diagnostics;
using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Cli;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Safety;

/// <summary>
/// The safety rails over real SSH: a firewall or sshd change that would lock the controller out is refused before anything runs,
/// and one the static checks cannot see (or that the playbook forces with allow_lockout) is rolled back — by the host's own timer
/// when the controller cannot — with the host reachable at the end. Hosts are left as found (ufw purged, drop-ins removed).
/// </summary>
[Collection("lab")]
public sealed class SafetyLabTests(LabFixture lab) : IDisposable
{
    private const string DropIn = "/etc/ssh/sshd_config.d/00-fleet-safety-lab-test.conf";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-safety-test-");

    public void Dispose() => _dir.Delete(recursive: true);

    [LabFact]
    public async Task DenySshPortThenEnableUfw_ExitsNonZeroNamingTheRule_HostReachableTheWholeTime()
    {
        var host = lab.Info.Hosts[^1];
        await InstallUfwAsync(host.Name);
        var playbook = Path.Combine(_dir.FullName, "deny.yml");
        await File.WriteAllTextAsync(playbook, $"""
            - name: Firewall
              hosts: {host.Name}
              tasks:
                - name: Deny SSH
                  ufw: {"{"} rule: deny, port: "22", proto: tcp {"}"}
                - name: Enable
                  ufw: {"{"} state: enabled {"}"}
            """);
        using var watch = new ReachabilityWatch(host.Address);
        try
        {
            var (exit, stdout, stderr) = await FleetProcess.RunAsync("apply", "-i", lab.Info.InventoryPath, playbook, "--no-progress", "--known-hosts", lab.Info.KnownHostsPath, "--host-key-policy", "strict");

            Assert.True(exit == 2, $"exit {exit}\n{stdout}\n{stderr}");
            var output = stdout.Replace("\n", "", StringComparison.Ordinal); // the console wraps long lines
            Assert.Contains("refused: this task (firewall enabled) would lock Fleet out", output, StringComparison.Ordinal);
            Assert.Contains("rule 1 'deny in proto tcp from any to any port 22' would block it", output, StringComparison.Ordinal);

            // Nothing ran: the firewall is still off, and SSH answered on every probe during the run.
            Assert.Contains("ENABLED=no", await LabRun.ExecAsync(lab, host.Name, "cat /etc/ufw/ufw.conf"), StringComparison.Ordinal);
            Assert.Equal("", await LabRun.ExecAsync(lab, host.Name, "iptables -S | grep ufw-user-input || true"));
            Assert.True(await watch.StopAsync() is var (probes, refused) && probes > 0 && refused == 0, $"{refused} of {probes} TCP probes to port 22 failed during the run");
        }
        finally
        {
            await PurgeUfwAsync(host.Name);
        }
    }

    [LabFact]
    public async Task UfwForcedWithAllowLockout_NewConnectionDropped_HostRestoresItselfAndTheTaskFails()
    {
        var host = lab.Info.Hosts[^1];
        await InstallUfwAsync(host.Name);
        try
        {
            var clock = Stopwatch.StartNew();
            var report = await LabRun.RunAsync(lab, """
                - name: Firewall
                  hosts: all
                  tasks:
                    - name: SSH only from a range the controller is not in
                      ufw: { rule: allow, port: "22", proto: tcp, from: 192.0.2.0/24 }
                    - name: Enable anyway
                      ufw: { state: enabled, allow_lockout: true, confirm_timeout: 3 }
                """, new RunOptions { Limit = host.Name });

            var task = Assert.Single(report.Hosts).Tasks.Single(t => t.Name == "Enable anyway");
            Assert.Equal(TaskOutcome.Failed, task.Status);
            Assert.StartsWith("rolled back: a new connection was refused after the change", task.Message, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");

            // The host restored itself (the new connections were dropped, so the controller could not have confirmed).
            Assert.Contains("ENABLED=no", await LabRun.ExecAsync(lab, host.Name, "cat /etc/ufw/ufw.conf"), StringComparison.Ordinal);
            await AssertReachableAsync(host.Name);
            Assert.Equal("", await LabRun.ExecAsync(lab, host.Name, "ls /var/lib/fleet/confirm"));
        }
        finally
        {
            await PurgeUfwAsync(host.Name);
        }
    }

    [LabFact]
    public async Task SshdListenAddressTheControllerCannotReach_RolledBack_HostReachable()
    {
        var host = lab.Info.Hosts[2];
        try
        {
            var report = await LabRun.RunAsync(lab, $$"""
                - name: Sshd
                  hosts: all
                  tasks:
                    - name: Listen on loopback only
                      sshd: { path: {{DropIn}}, settings: { ListenAddress: 127.0.0.1 }, confirm_timeout: 5 }
                """, new RunOptions { Limit = host.Name });

            var task = Assert.Single(Assert.Single(report.Hosts).Tasks);
            Assert.Equal(TaskOutcome.Failed, task.Status);
            Assert.StartsWith("rolled back: a new connection was refused after the change", task.Message, StringComparison.Ordinal);
            Assert.Equal("absent\n", await LabRun.ExecAsync(lab, host.Name, $"test -e {DropIn} && echo present || echo absent"));
            Assert.Contains("listenaddress 0.0.0.0:22", await LabRun.ExecAsync(lab, host.Name, "sshd -T"), StringComparison.Ordinal);
            await AssertReachableAsync(host.Name);
        }
        finally
        {
            await LabRun.ExecAsync(lab, host.Name, $"if [ -e {DropIn} ]; then rm -f {DropIn}; kill -HUP $(cat /run/sshd.pid); fi");
            await LabRun.WaitUntilListeningAsync(host.Address, host.Port);
        }
    }

    [LabFact]
    public async Task SshdPortChange_LaterPlaysConnectToTheNewPort()
    {
        var host = lab.Info.Hosts[2];
        const string second = "/etc/ssh/sshd_config.d/01-fleet-safety-lab-test.conf";
        try
        {
            var report = await LabRun.RunAsync(lab, $$"""
                - name: Move SSH
                  hosts: all
                  tasks:
                    - name: Port 2222
                      sshd: { path: {{DropIn}}, settings: { Port: 2222 }, confirm_timeout: 10 }
                - name: Later play
                  hosts: all
                  tasks:
                    - name: Another sshd change (its fresh connection must find sshd on 2222)
                      sshd: { path: {{second}}, settings: { MaxAuthTries: 5 }, confirm_timeout: 10 }
                """, new RunOptions { Limit = host.Name });

            var result = Assert.Single(report.Hosts);
            Assert.True(result.Status == HostStatus.Changed, $"{result.Status}: {result.Error}");
            Assert.Contains(result.Tasks[0].Warnings, w => w.Contains("set port: 2222 in the inventory", StringComparison.Ordinal));
            Assert.Equal("port 2222\n", await LabRun.ExecAsync(lab, host.Name, "sshd -T | grep '^port '"));
        }
        finally
        {
            await LabRun.ExecAsync(lab, host.Name, $"rm -f {DropIn} {second}; kill -HUP $(cat /run/sshd.pid)");
            await AssertReachableAsync(host.Name);
        }
    }

    [LabFact]
    public async Task SshdAllowUsersWithoutTheLoginUser_RefusedWithTheReason_NothingWritten()
    {
        var host = lab.Info.Hosts[2];
        var report = await LabRun.RunAsync(lab, $$"""
            - name: Sshd
              hosts: all
              tasks:
                - name: Only nobody
                  sshd: { path: {{DropIn}}, settings: { AllowUsers: nobody } }
            """, new RunOptions { Limit = host.Name });

        var task = Assert.Single(Assert.Single(report.Hosts).Tasks);
        Assert.Equal(TaskOutcome.Failed, task.Status);
        Assert.StartsWith("refused: AllowUsers nobody would refuse root, the user Fleet logs in as from 10.213.", task.Message, StringComparison.Ordinal);
        Assert.Equal("absent\n", await LabRun.ExecAsync(lab, host.Name, $"test -e {DropIn} && echo present || echo absent"));
    }

    [LabFact]
    public async Task HostKeyPolicyOff_WarnsOnEveryRun_StrictDoesNot()
    {
        string[] ping = ["ping", "-i", lab.Info.InventoryPath, "--limit", lab.Info.Hosts[0].Name, "--no-progress", "--known-hosts", lab.Info.KnownHostsPath, "--host-key-policy"];

        var off = await FleetProcess.RunAsync([.. ping, "off"]);
        var strict = await FleetProcess.RunAsync([.. ping, "strict"]);

        Assert.True(off.ExitCode == 0, off.Stdout + off.Stderr);
        Assert.Contains("warning: --host-key-policy off: host keys are not checked", off.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("--host-key-policy off", strict.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Polls (a new SSH connection each time) until the host answers: the rollback may still be reloading.</summary>
    private async Task AssertReachableAsync(string host)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var report = await LabRun.RunAsync(lab, "- hosts: all\n  tasks:\n    - command: { cmd: \"true\" }\n", new RunOptions { Limit = host });
            if (report.Hosts[0].Status is HostStatus.Ok or HostStatus.Changed)
            {
                return;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{host} still unreachable: {report.Hosts[0].Error}");
            await Task.Delay(250);
        }
    }

    private Task InstallUfwAsync(string host) =>
        LabRun.ExecAsync(lab, host, "ufw --force reset >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -q ufw >/dev/null");

    private async Task PurgeUfwAsync(string host) =>
        await LabRun.ExecAsync(lab, host, """
            ufw --force reset >/dev/null 2>&1 || true
            DEBIAN_FRONTEND=noninteractive apt-get purge -y -q ufw >/dev/null 2>&1 || true
            rm -rf /etc/ufw /var/lib/fleet/ufw-rollback /var/lib/fleet/confirm
            iptables -S | grep -q ufw && { iptables -F; iptables -X; iptables -P INPUT ACCEPT; iptables -P OUTPUT ACCEPT; iptables -P FORWARD ACCEPT; } || true
            """);

    /// <summary>Opens a TCP connection to port 22 every 100 ms until stopped; counts the probes and the failures.</summary>
    private sealed class ReachabilityWatch : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<(int Probes, int Refused)> _loop;

        public ReachabilityWatch(string address) => _loop = Task.Run(() => LoopAsync(address, _stop.Token));

        public async Task<(int Probes, int Refused)> StopAsync()
        {
            await _stop.CancelAsync();
            return await _loop;
        }

        public void Dispose() => _stop.Dispose();

        private static async Task<(int, int)> LoopAsync(string address, CancellationToken stop)
        {
            var (probes, refused) = (0, 0);
            while (!stop.IsCancellationRequested)
            {
                probes++;
                try
                {
                    using var client = new System.Net.Sockets.TcpClient();
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await client.ConnectAsync(address, 22, timeout.Token);
                }
                catch (Exception ex) when (ex is System.Net.Sockets.SocketException or OperationCanceledException)
                {
                    refused++;
                }

                try
                {
                    await Task.Delay(100, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            return (probes, refused);
        }
    }
}
