using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;
using Fleet.Tests;

namespace Fleet.Integration.Tests.Hardening;

/// <summary>Two fresh hosts for the shipped hardening, apart from the shared lab (site.yml turns password login and more off).</summary>
public sealed class HardeningLabFixture() : LabFixtureBase(2, "hardening");

/// <summary>The shipped hardening runs on its own lab, in parallel with the shared one.</summary>
[CollectionDefinition("hardening")]
public sealed class HardeningCollection : ICollectionFixture<HardeningLabFixture>;

/// <summary>
/// playbooks/site.yml on fresh lab hosts: what it leaves on the hosts (read with the hosts' own tools, not with Fleet), a second
/// run that changes nothing and runs no write command at all, check clean, and drift on one host found and repaired.
/// </summary>
[Collection("hardening")]
public sealed class SiteLabTests(HardeningLabFixture lab)
{
    /// <summary>Commands that change a host; wrapped on the hosts so that every call is logged.</summary>
    private static readonly string[] WriteCommands =
        ["apt-get", "dpkg", "ufw", "service", "update-rc.d", "useradd", "usermod", "groupadd", "groupmod", "crontab", "sysctl", "systemctl", "chpasswd"];

    private const string WriteLog = "/var/log/fleet-test-writes.log";

    // AIDE's first database reads the whole build machine the hosts overlay (minutes of CPU per host): the test runs without it.
    private static RunOptions Options(string mode = "apply", string? limit = null) => new()
    {
        Mode = mode,
        Limit = limit,
        ExtraVars = new Dictionary<string, object?> { ["aide_init_database"] = false },
    };

    private static string Site => Path.Combine(Repository.Root, "playbooks", "site.yml");

    [LabFact]
    public async Task Site_ConvergesVerifiablyThenChangesNothingAndRepairsDrift()
    {
        var hosts = lab.Info.Hosts.Select(h => h.Name).ToList();

        var first = await LabRun.RunFileAsync(lab, Site, Options());

        Assert.True(first.ExitCode == ExitCodes.Success, Failures(first));
        foreach (var host in hosts)
        {
            await AssertHardenedAsync(host);
            await WrapWriteCommandsAsync(host);
        }

        var second = await LabRun.RunFileAsync(lab, Site, Options());
        var check = await LabRun.RunFileAsync(lab, Site, Options("check"));

        Assert.Equal(ExitCodes.Success, second.ExitCode);
        Assert.All(second.Hosts, h => Assert.Equal(0, h.Count(TaskOutcome.Changed)));
        foreach (var host in hosts)
        {
            // crontab -l (the cron facts) and init scripts' status are reads; anything else would be a write on a converged host.
            var writes = await LabRun.ExecAsync(lab, host, $"grep -v -e '^crontab .*-l' -e ' status$' {WriteLog} 2>/dev/null || true");
            Assert.True(writes.Length == 0, $"the second run ran write commands on {host}:\n{writes}");
        }

        Assert.Equal(ExitCodes.Success, check.ExitCode);

        // Drift on one host, made with the host's own tools (the wrapper logs them, so clear the log afterwards).
        var drifted = hosts[1];
        await LabRun.ExecAsync(lab, drifted, """
            ufw disable >/dev/null
            sed -i 's/^MaxAuthTries .*/MaxAuthTries 6/' /etc/ssh/sshd_config.d/00-fleet.conf
            sed -i '/logwatch --output mail/d' /etc/cron.daily/00logwatch
            DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq apt-show-versions >/dev/null 2>&1
            """);
        var drift = await LabRun.RunFileAsync(lab, Site, Options("check"));

        Assert.Equal(ExitCodes.Drift, drift.ExitCode);
        Assert.Equal(0, drift.Hosts.Single(h => h.Name == hosts[0]).Count(TaskOutcome.Changed));
        var changed = drift.Hosts.Single(h => h.Name == drifted).Tasks.Where(t => t.Status == TaskOutcome.Changed).ToList();

        // Exactly the four drifted tasks, each with its diff (later tasks that read what they change hold on the current state).
        Assert.True(changed.Count == 4, "changed: " + string.Join("; ", changed.Select(t => $"{t.Module} {t.Name}: {t.Message}")));
        Assert.Contains(changed, t => t.Module == "ufw" && t.Diff is { } d && d.Contains("+status: active", StringComparison.Ordinal));
        Assert.Contains(changed, t => t.Module == "sshd" && t.Diff is { } d && d.Contains("-MaxAuthTries 6", StringComparison.Ordinal) && d.Contains("+MaxAuthTries 3", StringComparison.Ordinal));
        Assert.Contains(changed, t => t.Module == "copy" && t.Diff is { } d && d.Contains("+/usr/sbin/logwatch --output mail", StringComparison.Ordinal));
        Assert.Contains(changed, t => t.Module == "apt" && t.Diff is { } d && d.Contains("apt-show-versions", StringComparison.Ordinal));
        Assert.Equal("inactive\n", await LabRun.ExecAsync(lab, drifted, "ufw status | grep -q 'Status: active' && echo active || echo inactive"));

        var repair = await LabRun.RunFileAsync(lab, Site, Options());
        var clean = await LabRun.RunFileAsync(lab, Site, Options("check"));

        Assert.True(repair.ExitCode == ExitCodes.Success, Failures(repair));
        Assert.Equal(ExitCodes.Success, clean.ExitCode);
        await AssertHardenedAsync(drifted);
    }

    /// <summary>The seven steps' state, read with sshd -T, ufw, dpkg, pgrep and the files themselves.</summary>
    private async Task AssertHardenedAsync(string host)
    {
        var sshd = await LabRun.ExecAsync(lab, host, "sshd -T 2>/dev/null | grep -E '^(passwordauthentication|permitrootlogin|maxauthtries|x11forwarding) '");
        Assert.Contains("passwordauthentication no", sshd, StringComparison.Ordinal);
        Assert.Contains("permitrootlogin without-password", sshd, StringComparison.Ordinal);
        Assert.Contains("maxauthtries 3", sshd, StringComparison.Ordinal);
        var ufw = await LabRun.ExecAsync(lab, host, "ufw status verbose");
        Assert.Contains("Status: active", ufw, StringComparison.Ordinal);
        Assert.Contains("Default: deny (incoming), allow (outgoing)", ufw, StringComparison.Ordinal);
        Assert.Matches(@"22/tcp\s+LIMIT IN", ufw);
        var installed = await LabRun.ExecAsync(lab, host, "dpkg-query -W -f='${Package} ${Status}\\n' sudo chrony ufw fail2ban psad logwatch postfix lynis apt-show-versions | grep -c 'install ok installed'");
        Assert.Equal("9\n", installed);
        Assert.Equal("1\n", await LabRun.ExecAsync(lab, host, "grep -cx '/usr/sbin/logwatch --output mail --format html --mailto root --range yesterday --service all' /etc/cron.daily/00logwatch"));
        Assert.Contains("lynis audit system", await LabRun.ExecAsync(lab, host, "cat /etc/cron.d/fleet-lynis"), StringComparison.Ordinal);
        await LabRun.ExecAsync(lab, host, "pgrep -x chronyd >/dev/null && pgrep -f fail2ban-server >/dev/null && pgrep -x cron >/dev/null");
        Assert.Contains("deploy", await LabRun.ExecAsync(lab, host, "getent group sudo"), StringComparison.Ordinal);
        Assert.Equal(
            (await File.ReadAllTextAsync(lab.Info.PublicKeyPath)).Trim().Split(' ')[1],
            (await LabRun.ExecAsync(lab, host, "cat /home/deploy/.ssh/authorized_keys")).Trim().Split(' ')[1]);
    }

    /// <summary>Puts a logging wrapper before each write command on the host's PATH (/usr/local/sbin comes first for root).</summary>
    private async Task WrapWriteCommandsAsync(string host)
    {
        foreach (var command in WriteCommands)
        {
            await LabRun.ExecAsync(lab, host, $$"""
                real=$(PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v {{command}}) || exit 0
                printf '#!/bin/sh\necho "{{command}} $*" >> {{WriteLog}}\nexec %s "$@"\n' "$real" > /usr/local/sbin/{{command}}
                chmod 755 /usr/local/sbin/{{command}}
                """);
        }
    }

    private static string Failures(RunReport report) => string.Join("\n", report.Hosts.SelectMany(h =>
        h.Tasks.Where(t => t.Status == TaskOutcome.Failed).Select(t => $"{h.Name}: {t.Name}: {t.Message}").Append(h.Error is null ? "" : $"{h.Name}: {h.Error}")));
}
