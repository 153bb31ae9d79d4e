using System.Text.Json;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;
using Fleet.Tests;
using static Fleet.Core.Remote.Sh;

namespace Fleet.Integration.Tests.Enforce;

/// <summary>
/// deploy/systemd/install.sh run for real inside a lab host (its own /etc, /opt and /var/lib; no systemd runs there, so nothing
/// is started or enabled on the machine): the whole playbook tree and the inventory's group_vars are installed, the service
/// user gets its key, the unit passes <c>systemd-analyze verify</c>, and one enforce cycle as the service user, with the key
/// where systemd's LoadCredential puts it, reaches another lab host and runs 01-ssh-keys.yml.
/// </summary>
[Collection("lab")]
public sealed class ServiceInstallLabTests(LabFixture lab)
{
    private const string Credential = "/run/credentials/fleet-enforce.service/ssh-key";
    private const string Source = "/root/service-install";

    [LabFact]
    public async Task InstallScript_InstallsTreeKeyAndUnit_ServiceUserValidatesAndRunsACycle()
    {
        var installer = lab.Info.Hosts[0].Name;
        var target = lab.Info.Hosts[1];
        var cli = Path.Combine(Repository.Root, "src", "Fleet.Cli", "bin", "Release", "net10.0");
        try
        {
            // The admin's files, made inside the installing host (its /tmp is its own): a key, an inventory with group_vars
            // beside it, holding the variable the install used to lose (without it the service would log in as itself).
            await LabRun.ExecAsync(lab, installer, $$"""
                rm -rf {{Source}} && mkdir -p {{Source}}/inventory/group_vars
                ssh-keygen -q -t ed25519 -N '' -C service-test -f {{Source}}/key
                printf 'all:\n  hosts:\n    {{target.Name}}: { address: {{target.Address}}, port: {{target.Port}} }\n' > {{Source}}/inventory/hosts.yml
                printf 'user: root\nadmin_user: fleetsvc\n' > {{Source}}/inventory/group_vars/all.yml
                """);
            var publicKey = (await LabRun.ExecAsync(lab, installer, $"cat {Source}/key.pub")).Trim();
            await LabRun.ExecAsync(lab, target.Name, $"echo {Quote(publicKey)} >> /root/.ssh/authorized_keys");
            var install = await ExecAsync(installer, $"{Quote(Path.Combine(Repository.Root, "deploy", "systemd", "install.sh"))} --inventory {Source}/inventory/hosts.yml --fleet {Quote(cli)} --key {Source}/key --known-hosts {Quote(lab.Info.KnownHostsPath)}");
            Assert.True(install.ExitCode == 0, $"install.sh exited {install.ExitCode}\n{install.Stdout}\n{install.Stderr}");
            // site.yml and the 12 playbooks it imports, every one found in the installed tree.
            Assert.True(install.Stdout.Contains("fleet validate as fleet-enforce: ok: 1 playbook(s), 12 play(s)", StringComparison.Ordinal), install.Stdout);

            // The tree as installed: every playbook site.yml imports, the inventory's group_vars, the key root's and linked.
            var tree = await LabRun.ExecAsync(lab, installer, """
                cd /etc/fleet && ls playbooks | tr '\n' ' '; echo
                cat inventory/group_vars/all.yml
                stat -c '%U %a' enforce_ed25519 /etc/fleet /var/lib/fleet-enforce/.ssh
                readlink /var/lib/fleet-enforce/.ssh/id_ed25519
                cat /var/lib/fleet-enforce/.ssh/id_ed25519.pub
                getent passwd fleet-enforce | cut -d: -f6,7
                ls /etc/systemd/system/multi-user.target.wants 2>/dev/null | grep -c fleet-enforce || true
                """);
            var lines = tree.Split('\n');
            var shipped = Directory.EnumerateFiles(Path.Combine(Repository.Root, "playbooks")).Select(Path.GetFileName).Order(StringComparer.Ordinal);
            Assert.Equal(shipped, lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
            Assert.Equal(["user: root", "admin_user: fleetsvc"], lines[1..3]);
            Assert.Equal(["root 600", "root 750", "fleet-enforce 700"], lines[3..6]);
            Assert.Equal(Credential, lines[6]);
            Assert.Equal(publicKey, lines[7].Trim());
            Assert.Equal("/var/lib/fleet-enforce:/usr/sbin/nologin", lines[8]);
            Assert.Equal("0", lines[9]);

            var verify = await ExecAsync(installer, "systemd-analyze verify --man=no /etc/systemd/system/fleet-enforce.service");
            Assert.True(verify.ExitCode == 0, $"systemd-analyze verify: exit {verify.ExitCode}\n{verify.Stdout}\n{verify.Stderr}");
            var unit = await LabRun.ExecAsync(lab, installer, "grep '^ExecStart=' /etc/systemd/system/fleet-enforce.service");
            Assert.Contains("enforce -i /etc/fleet/inventory /etc/fleet/playbooks/site.yml", unit, StringComparison.Ordinal);
            Assert.Contains("--known-hosts /etc/fleet/known_hosts", unit, StringComparison.Ordinal);

            // One cycle as the service runs: its user and home, the credential where systemd puts it (owned by the user,
            // read-only), the unit's inventory and known_hosts; 01-ssh-keys.yml reads ~/.ssh/id_ed25519.pub on the controller.
            var cycle = await ExecAsync(installer, $"""
                install -d -m 0700 -o fleet-enforce -g fleet-enforce {Path.GetDirectoryName(Credential)}
                install -m 0400 -o fleet-enforce -g fleet-enforce /etc/fleet/enforce_ed25519 {Credential}
                runuser -u fleet-enforce -- env -i HOME=/var/lib/fleet-enforce STATE_DIRECTORY=/var/lib/fleet-enforce PATH=/usr/bin:/bin \
                  /opt/fleet/fleet enforce -i /etc/fleet/inventory /etc/fleet/playbooks/01-ssh-keys.yml --known-hosts /etc/fleet/known_hosts \
                  --mode check --cycles 1 --metrics-listen off
                """);
            Assert.True(cycle.ExitCode == 0, $"enforce: exit {cycle.ExitCode}\n{cycle.Stdout}\n{cycle.Stderr}");
            // Reached and checked: without the group_vars (user: root) or the credential the host is unreachable.
            using var report = JsonDocument.Parse(await LabRun.ExecAsync(lab, installer, "cat /var/lib/fleet-enforce/latest.json"));
            var cycleReport = report.RootElement;
            Assert.True(cycleReport.GetProperty("outcome").GetString() is "ok" or "drift", cycleReport.GetRawText());
            Assert.Equal(0, cycleReport.GetProperty("totals").GetProperty("unreachable").GetInt32());
            Assert.Equal(0, cycleReport.GetProperty("totals").GetProperty("failed").GetInt32());
            var host = Assert.Single(cycleReport.GetProperty("hosts").EnumerateArray());
            Assert.Equal(target.Name, host.GetProperty("name").GetString());
            Assert.True(host.GetProperty("status").GetString() is "ok" or "drifted", host.GetRawText());
        }
        finally
        {
            await Fleet.Lab.Lab.ExecAsync(lab.Info.Dir, installer, $"userdel fleet-enforce; rm -rf {Source} /etc/fleet /opt/fleet /var/lib/fleet-enforce /run/credentials /etc/systemd/system/fleet-enforce.service", CancellationToken.None);
            await Fleet.Lab.Lab.ExecAsync(lab.Info.Dir, target.Name, "sed -i '/ service-test$/d' /root/.ssh/authorized_keys", CancellationToken.None);
        }
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> ExecAsync(string host, string command) =>
        Fleet.Lab.Lab.ExecAsync(lab.Info.Dir, host, command, CancellationToken.None);
}
