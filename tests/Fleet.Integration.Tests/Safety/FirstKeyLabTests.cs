using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;
using Fleet.Ssh;

namespace Fleet.Integration.Tests.Safety;

/// <summary>
/// ssh-copy-id for a fleet: a host that accepts only a password gets the operator's key with authorized_key, the hardening
/// play turns password login off in the same run (allowed: Fleet has a key to offer, and the confirmed change proves the key
/// works before it stands), and the next run logs in with the key alone while the password is refused.
/// </summary>
[Collection("lab")]
public sealed class FirstKeyLabTests(LabFixture lab) : IDisposable
{
    private const string User = "firstkey";
    private const string Password = "Fleet-first-key-4417";
    private const string EnvName = "FLEET_TEST_FIRSTKEY_PASSWORD";
    private const string PasswordDropIn = "/etc/ssh/sshd_config.d/50-fleet-test-firstkey-passwords.conf";
    private const string HardeningDropIn = "/etc/ssh/sshd_config.d/00-fleet-test-firstkey-hardening.conf";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-firstkey-test-");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(EnvName, null);
        _dir.Delete(recursive: true);
    }

    [LabFact]
    public async Task PasswordOnlyHost_GetsTheKey_PasswordLoginTurnedOff_NextRunUsesTheKey()
    {
        var host = lab.Info.Hosts[3];
        await LabRun.ExecAsync(lab, host.Name, $"""
            set -e
            apt-get install -y -qq sudo >/dev/null 2>&1
            id {User} >/dev/null 2>&1 || useradd -m -s /bin/sh {User}
            echo '{User}:{Password}' | chpasswd
            rm -rf /home/{User}/.ssh
            echo '{User} ALL=(ALL) ALL' > /etc/sudoers.d/{User}; chmod 440 /etc/sudoers.d/{User}
            echo 'PasswordAuthentication yes' > {PasswordDropIn}
            rm -f {HardeningDropIn}
            sshd -t; kill -HUP $(cat /run/sshd.pid)
            """);
        await LabRun.WaitUntilListeningAsync(host.Address, host.Port);
        Environment.SetEnvironmentVariable(EnvName, Password);
        var connector = new SshConnector(new SshOptions { KnownHostsPath = lab.Info.KnownHostsPath, HostKeyPolicy = HostKeyPolicy.Strict, ConnectAttempts = 1 });
        // A login expected to succeed retries as a run does: sshd's restart (SIGHUP re-executes it) can refuse a connection after
        // the port probe was answered by the listener that was closing.
        var retrying = new SshConnector(new SshOptions { KnownHostsPath = lab.Info.KnownHostsPath, HostKeyPolicy = HostKeyPolicy.Strict });
        var keyOnly = new HostTarget(host.Name, host.Address, host.Port, User, lab.Info.PrivateKeyPath);
        var passwordOnly = new HostTarget(host.Name, host.Address, host.Port, User, Password: new Secret(Password));
        try
        {
            // Before: only the password gets in.
            await Assert.ThrowsAsync<HostUnreachableException>(() => connector.ConnectAsync(keyOnly, CancellationToken.None));
            await (await retrying.ConnectAsync(passwordOnly, CancellationToken.None)).DisposeAsync();

            var first = await LabRun.RunAsync(lab, $$"""
                - name: Operator's key
                  hosts: all
                  tasks:
                    - name: Install the key
                      authorized_key: { user: {{User}}, key_file: {{lab.Info.PublicKeyPath}} }
                - name: Hardening
                  hosts: all
                  tasks:
                    - name: No password logins
                      sshd: { path: {{HardeningDropIn}}, settings: { PasswordAuthentication: no } }
                """, inventoryPath: await InventoryAsync(host, withPassword: true));

            var firstHost = Assert.Single(first.Hosts);
            Assert.True(firstHost.Status == HostStatus.Changed, $"{firstHost.Status}: {firstHost.Error}");
            Assert.All(firstHost.Tasks, t => Assert.Equal(TaskOutcome.Changed, t.Status));
            Assert.Equal("passwordauthentication no\n", await LabRun.ExecAsync(lab, host.Name, $"sshd -T -C user={User},host=x,addr=10.213.0.1 | grep ^passwordauthentication"));

            // The next run has no password at all: the key gets in, and a password alone no longer does.
            var next = await LabRun.RunAsync(lab, """
                - hosts: all
                  tasks:
                    - name: Who am I
                      command: { cmd: id -un }
                """, inventoryPath: await InventoryAsync(host, withPassword: false));

            var nextHost = Assert.Single(next.Hosts);
            Assert.True(nextHost.Status == HostStatus.Changed, $"{nextHost.Status}: {nextHost.Error}");
            Assert.Equal("root", ((string?)nextHost.Tasks[0].Result["stdout"])?.Trim()); // logged in as firstkey by key, root through sudo
            await Assert.ThrowsAsync<HostUnreachableException>(() => connector.ConnectAsync(passwordOnly, CancellationToken.None));
        }
        finally
        {
            await LabRun.ExecAsync(lab, host.Name, $"""
                rm -f {PasswordDropIn} {HardeningDropIn} /etc/sudoers.d/{User}
                userdel -r {User} >/dev/null 2>&1 || true
                kill -HUP $(cat /run/sshd.pid)
                """);
            await LabRun.WaitUntilListeningAsync(host.Address, host.Port);
        }
    }

    /// <summary>The host as the operator's inventory has it: the key to offer, and (the first time) the password too.</summary>
    private async Task<string> InventoryAsync(Fleet.Lab.LabHost host, bool withPassword)
    {
        var path = Path.Combine(_dir.FullName, withPassword ? "first.yml" : "next.yml");
        await File.WriteAllTextAsync(path, $"""
            all:
              hosts:
                {host.Name}:
                  address: {host.Address}
                  user: {User}
                  identity_file: {lab.Info.PrivateKeyPath}
                  become: true
                  become_password_env: {EnvName}
            {(withPassword ? $"      password_env: {EnvName}\n" : "")}
            """);
        return path;
    }
}
