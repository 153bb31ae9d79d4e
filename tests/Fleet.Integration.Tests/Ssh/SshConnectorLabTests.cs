using System.Diagnostics;
using Fleet.Core.Execution;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;
using Fleet.Ssh;

namespace Fleet.Integration.Tests.Ssh;

/// <summary>SSH.NET connections to the lab's real sshd: commands, big scripts, timeouts, host keys, retries, authentication.</summary>
[Collection("lab")]
public sealed class SshConnectorLabTests(LabFixture lab) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-ssh-test-");

    private HostTarget Target(int index = 0, int? port = null, string? identity = null)
    {
        var host = lab.Info.Hosts[index];
        return new HostTarget(host.Name, host.Address, port ?? host.Port, "root", identity ?? lab.Info.PrivateKeyPath);
    }

    private SshConnector Connector(HostKeyPolicy policy = HostKeyPolicy.Strict, string? knownHosts = null, int attempts = 4) => new(new SshOptions
    {
        KnownHostsPath = knownHosts ?? lab.Info.KnownHostsPath,
        HostKeyPolicy = policy,
        ConnectAttempts = attempts,
        RetryBaseDelay = TimeSpan.FromMilliseconds(50),
    });

    [LabFact]
    public async Task Run_Command_ReturnsExitStdoutStderr()
    {
        await using var connection = await Connector().ConnectAsync(Target(), CancellationToken.None);

        var result = await connection.RunAsync(new RemoteCommand("echo out; echo err >&2; hostname; exit 3"), CancellationToken.None);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal($"out\n{lab.Info.Hosts[0].Name}\n", result.Stdout);
        Assert.Equal("err\n", result.Stderr);
        Assert.StartsWith("SHA256:", connection.HostKeyFingerprint, StringComparison.Ordinal);
    }

    [LabFact]
    public async Task Run_CommandReadingStdin_GetsEndOfFile()
    {
        await using var connection = await Connector().ConnectAsync(Target(), CancellationToken.None);

        var result = await connection.RunAsync(new RemoteCommand("cat; echo done", Timeout: TimeSpan.FromSeconds(10)), CancellationToken.None);

        Assert.Equal("done\n", result.Stdout);
    }

    [LabFact]
    public async Task Run_LargeScript_GoesThroughStdin()
    {
        await using var connection = await Connector().ConnectAsync(Target(), CancellationToken.None);
        var payload = new string('x', 200 * 1024);

        var result = await connection.RunAsync(new RemoteCommand($"printf '%s' '{payload}' | wc -c"), CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal((200 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), result.Stdout.Trim());
    }

    [LabFact]
    public async Task Run_Timeout_ThrowsAndConnectionStaysUsable()
    {
        await using var connection = await Connector().ConnectAsync(Target(), CancellationToken.None);
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAsync<RemoteTimeoutException>(() => connection.RunAsync(new RemoteCommand("sleep 31\necho done", Timeout: TimeSpan.FromSeconds(1)), CancellationToken.None));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"timeout took {clock.Elapsed}");
        Assert.Equal("ok\n", (await connection.RunAsync(new RemoteCommand("echo ok"), CancellationToken.None)).Stdout);
        // The timed-out script's children are ended too (a leftover apt would hold the dpkg lock for the next task).
        var left = "";
        for (var i = 0; i < 20; i++)
        {
            left = (await connection.RunAsync(new RemoteCommand("pgrep -f '[s]leep 31' || true"), CancellationToken.None)).Stdout;
            if (left.Length == 0)
            {
                break;
            }

            await Task.Delay(250);
        }

        Assert.Equal("", left);
    }

    [LabFact]
    public async Task Run_ConnectionKilledByTheHost_IsHostUnreachable()
    {
        await using var connection = await Connector().ConnectAsync(Target(1), CancellationToken.None);
        var running = connection.RunAsync(new RemoteCommand("sleep 20"), CancellationToken.None);
        await Task.Delay(700);

        await Fleet.Lab.Lab.ExecAsync(lab.Info.Dir, lab.Info.Hosts[1].Name, "pkill -KILL -f 'sshd: root@notty'", CancellationToken.None);

        var error = await Assert.ThrowsAsync<HostUnreachableException>(() => running);
        Assert.Contains("lost", error.Message, StringComparison.Ordinal);
    }

    [LabTheory]
    [InlineData(KeyExchangeMode.PostQuantum, "sntrup761x25519-sha512")]
    [InlineData(KeyExchangeMode.Classic, "curve25519-sha256")]
    public async Task KeyExchange_Mode_IsNegotiated(KeyExchangeMode mode, string expected)
    {
        var connector = new SshConnector(new SshOptions { KnownHostsPath = lab.Info.KnownHostsPath, HostKeyPolicy = HostKeyPolicy.Strict, KeyExchange = mode });

        await using var connection = await connector.ConnectAsync(Target(), CancellationToken.None);

        Assert.StartsWith(expected, connection.KeyExchange, StringComparison.Ordinal);
        Assert.Equal("ok\n", (await connection.RunAsync(new RemoteCommand("echo ok"), CancellationToken.None)).Stdout);
    }

    [LabFact]
    public async Task Run_InfiniteTimeout_RunsToTheEnd()
    {
        await using var connection = await Connector().ConnectAsync(Target(), CancellationToken.None);

        var result = await connection.RunAsync(new RemoteCommand("sleep 1; echo done", Timeout: Timeout.InfiniteTimeSpan), CancellationToken.None);

        Assert.Equal((0, "done\n"), (result.ExitCode, result.Stdout));
    }

    [LabFact]
    public async Task Connect_HostDroppingPackets_GivesUpWithinTheBudget()
    {
        var host = lab.Info.Hosts[1].Name;
        const string Rule = "INPUT -p tcp --dport 22 -m conntrack --ctstate NEW -j DROP";
        await LabRun.ExecAsync(lab, host, $"iptables -I {Rule}");
        try
        {
            var connector = new SshConnector(new SshOptions
            {
                KnownHostsPath = lab.Info.KnownHostsPath,
                HostKeyPolicy = HostKeyPolicy.Strict,
                ConnectTimeout = TimeSpan.FromSeconds(1),
                ConnectAttempts = 10,
                RetryBaseDelay = TimeSpan.FromMilliseconds(50),
                ConnectBudget = TimeSpan.FromSeconds(2.5),
            });
            var clock = Stopwatch.StartNew();

            var error = await Assert.ThrowsAsync<HostUnreachableException>(() => connector.ConnectAsync(Target(1), CancellationToken.None));

            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2.4), TimeSpan.FromSeconds(5));
            Assert.Contains("timed out", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await LabRun.ExecAsync(lab, host, $"iptables -D {Rule}");
        }
    }

    [LabFact]
    public async Task Run_LargeScriptTimeout_EndsItsChildren()
    {
        await using var connection = await Connector().ConnectAsync(Target(), CancellationToken.None);
        var script = "# " + new string('x', 40 * 1024) + "\nsleep 32\necho done";

        await Assert.ThrowsAsync<RemoteTimeoutException>(() => connection.RunAsync(new RemoteCommand(script, Timeout: TimeSpan.FromSeconds(1)), CancellationToken.None));

        await Task.Delay(1500);
        Assert.Equal("", (await connection.RunAsync(new RemoteCommand("pgrep -f '[s]leep 32' || true"), CancellationToken.None)).Stdout);
    }

    [LabFact]
    public async Task AcceptNew_ParallelConnects_RecordEachKeyOnce()
    {
        var knownHosts = Path.Combine(_dir.FullName, "known_hosts");
        var connector = Connector(HostKeyPolicy.AcceptNew, knownHosts);

        await Parallel.ForEachAsync(Enumerable.Range(0, 20), async (_, ct) =>
        {
            await using var connection = await connector.ConnectAsync(Target(), ct);
        });

        var lines = (await File.ReadAllLinesAsync(knownHosts)).Where(l => l.Length > 0).ToList();
        Assert.Single(lines);
        Assert.StartsWith(lab.Info.Hosts[0].Address + " ", lines[0], StringComparison.Ordinal);
    }

    [LabFact]
    public async Task Strict_UnknownHost_IsRefused()
    {
        var knownHosts = Path.Combine(_dir.FullName, "empty_known_hosts");
        await File.WriteAllTextAsync(knownHosts, "");

        var error = await Assert.ThrowsAsync<HostUnreachableException>(() => Connector(HostKeyPolicy.Strict, knownHosts).ConnectAsync(Target(), CancellationToken.None));

        Assert.Contains("unknown host key", error.Message, StringComparison.Ordinal);
    }

    [LabFact]
    public async Task ChangedKey_IsRefusedEvenWithAcceptNew()
    {
        // Host 2's keys recorded under host 1's address: host 1 now presents a "changed" key.
        var knownHosts = Path.Combine(_dir.FullName, "changed_known_hosts");
        var host2 = lab.Info.Hosts[1].Address;
        var lines = (await File.ReadAllLinesAsync(lab.Info.KnownHostsPath)).Where(l => l.StartsWith(host2 + " ", StringComparison.Ordinal))
            .Select(l => lab.Info.Hosts[0].Address + l[host2.Length..]);
        await File.WriteAllLinesAsync(knownHosts, lines);

        var error = await Assert.ThrowsAsync<HostUnreachableException>(() => Connector(HostKeyPolicy.AcceptNew, knownHosts).ConnectAsync(Target(), CancellationToken.None));

        Assert.Contains("host key CHANGED", error.Message, StringComparison.Ordinal);
        Assert.Contains("SHA256:", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await File.ReadAllLinesAsync(knownHosts)).Length);
    }

    [LabFact]
    public async Task CertAuthorityOnly_IsRefusedAsNotSupported_RevokedKeyIsRefused()
    {
        var knownHosts = Path.Combine(_dir.FullName, "ca_known_hosts");
        var hostLines = (await File.ReadAllLinesAsync(lab.Info.KnownHostsPath)).Where(l => l.StartsWith(lab.Info.Hosts[0].Address + " ", StringComparison.Ordinal)).ToList();
        var someKey = string.Join(' ', hostLines[0].Split(' ')[1..3]);
        await File.WriteAllTextAsync(knownHosts, $"@cert-authority * {someKey}\n");

        var ca = await Assert.ThrowsAsync<HostUnreachableException>(() => Connector(HostKeyPolicy.AcceptNew, knownHosts).ConnectAsync(Target(), CancellationToken.None));

        Assert.Contains("host certificates are not supported by Fleet", ca.Message, StringComparison.Ordinal);
        Assert.Single(await File.ReadAllLinesAsync(knownHosts));

        await File.WriteAllLinesAsync(knownHosts, [.. hostLines, .. hostLines.Select(l => "@revoked " + l)]);
        var revoked = await Assert.ThrowsAsync<HostUnreachableException>(() => Connector(HostKeyPolicy.Strict, knownHosts).ConnectAsync(Target(), CancellationToken.None));

        Assert.Contains("is revoked in", revoked.Message, StringComparison.Ordinal);
    }

    [LabFact]
    public async Task HashedKnownHostsEntry_Matches()
    {
        var knownHosts = Path.Combine(_dir.FullName, "hashed_known_hosts");
        File.Copy(lab.Info.KnownHostsPath, knownHosts);
        var (exit, _, stderr) = await MachineProcess.RunAsync("ssh-keygen", "-H", "-f", knownHosts);
        Assert.True(exit == 0, stderr);
        Assert.DoesNotContain(lab.Info.Hosts[0].Address, await File.ReadAllTextAsync(knownHosts), StringComparison.Ordinal);

        await using var connection = await Connector(HostKeyPolicy.Strict, knownHosts).ConnectAsync(Target(), CancellationToken.None);

        Assert.Equal("ok\n", (await connection.RunAsync(new RemoteCommand("echo ok"), CancellationToken.None)).Stdout);
    }

    [LabFact]
    public async Task WrongKey_AuthenticationFailure_IsNotRetried()
    {
        var key = Path.Combine(_dir.FullName, "other_key");
        await MachineProcess.RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<HostUnreachableException>(() => Connector(attempts: 4).ConnectAsync(Target(identity: key), CancellationToken.None));

        Assert.Contains("authentication failed", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("attempts", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [LabFact]
    public async Task RefusedPort_IsRetriedThenUnreachable()
    {
        var error = await Assert.ThrowsAsync<HostUnreachableException>(() => Connector(attempts: 3).ConnectAsync(Target(port: 2), CancellationToken.None));

        Assert.Contains("connection refused", error.Message, StringComparison.Ordinal);
        Assert.Contains("after 3 attempts", error.Message, StringComparison.Ordinal);
    }

    [LabFact]
    public async Task ParallelHosts_TenCommandsEach_OnOneConnection()
    {
        var connector = Connector();

        var outputs = await Task.WhenAll(lab.Info.Hosts.Select(async (host, i) =>
        {
            await using var connection = await connector.ConnectAsync(Target(i), CancellationToken.None);
            var lines = new List<string>();
            for (var n = 0; n < 10; n++)
            {
                lines.Add((await connection.RunAsync(new RemoteCommand($"echo {n} $(hostname)"), CancellationToken.None)).Stdout.Trim());
            }

            return lines;
        }));

        for (var i = 0; i < outputs.Length; i++)
        {
            Assert.Equal(Enumerable.Range(0, 10).Select(n => $"{n} {lab.Info.Hosts[i].Name}"), outputs[i]);
        }
    }

    [LabFact]
    public async Task JumpHost_TunnelsToTarget()
    {
        var target = Target(1) with { Jump = Target(0) };

        await using var connection = await Connector().ConnectAsync(target, CancellationToken.None);

        Assert.Equal(lab.Info.Hosts[1].Name + "\n", (await connection.RunAsync(new RemoteCommand("hostname"), CancellationToken.None)).Stdout);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}

/// <summary>A non-root login with <c>become</c>: tasks run as root through <c>sudo -n</c>.</summary>
[Collection("lab")]
public sealed class BecomeLabTests(LabFixture lab)
{
    [LabFact]
    public async Task Become_NonRootUser_RunsAsRootThroughSudo()
    {
        var host = lab.Info.Hosts[2];
        var publicKey = (await File.ReadAllTextAsync(lab.Info.PublicKeyPath)).Trim();
        var (exit, _, stderr) = await Fleet.Lab.Lab.ExecAsync(lab.Info.Dir, host.Name, $"""
            set -e
            apt-get install -y -qq sudo >/dev/null 2>&1
            id deploy >/dev/null 2>&1 || useradd -m -s /bin/sh deploy
            mkdir -p /home/deploy/.ssh
            echo '{publicKey}' > /home/deploy/.ssh/authorized_keys
            chown -R deploy:deploy /home/deploy/.ssh; chmod 700 /home/deploy/.ssh; chmod 600 /home/deploy/.ssh/authorized_keys
            echo 'deploy ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/deploy; chmod 440 /etc/sudoers.d/deploy
            """, CancellationToken.None);
        Assert.True(exit == 0, stderr);
        var connector = new SshConnector(new SshOptions { KnownHostsPath = lab.Info.KnownHostsPath, HostKeyPolicy = HostKeyPolicy.Strict });
        var target = new HostTarget(host.Name, host.Address, host.Port, "deploy", lab.Info.PrivateKeyPath, Become: true);

        await using var connection = await connector.ConnectAsync(target, CancellationToken.None);
        var plain = await connection.RunAsync(new RemoteCommand("id -un"), CancellationToken.None);
        var become = await connection.RunAsync(new RemoteCommand("id -un; echo \"$0\"", Become: true), CancellationToken.None);

        Assert.Equal("deploy\n", plain.Stdout);
        Assert.Equal("root\nsh\n", become.Stdout);
    }
}
