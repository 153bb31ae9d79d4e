using Fleet.Integration.Tests.Cli;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Ssh;

/// <summary><c>fleet apply -K</c> with the sudo password piped on stdin, as ansible-playbook reads it without a terminal, against real sudo.</summary>
[Collection("lab")]
public sealed class AskBecomePassLabTests(LabFixture lab) : IDisposable
{
    private const string Password = "Fleet-asked-pw-8816";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-ask-become-pass-");

    public void Dispose() => _dir.Delete(recursive: true);

    [LabFact]
    public async Task Apply_AskBecomePassFromStdin_SudoGetsThePasswordAndNoOutputShowsIt()
    {
        var host = lab.Info.Hosts[2];
        var publicKey = (await File.ReadAllTextAsync(lab.Info.PublicKeyPath)).Trim();
        // A login whose sudo asks for its password (no NOPASSWD); the inventory names no password.
        await LabRun.ExecAsync(lab, host.Name, $"""
            set -e
            command -v sudo >/dev/null || apt-get install -y -qq sudo >/dev/null 2>&1
            id asker >/dev/null 2>&1 || useradd -m -s /bin/sh asker
            echo 'asker:{Password}' | chpasswd
            mkdir -p /home/asker/.ssh; echo '{publicKey}' > /home/asker/.ssh/authorized_keys
            chown -R asker:asker /home/asker/.ssh; chmod 700 /home/asker/.ssh; chmod 600 /home/asker/.ssh/authorized_keys
            echo 'asker ALL=(ALL:ALL) ALL' > /etc/sudoers.d/asker; chmod 440 /etc/sudoers.d/asker
            rm -f /root/fleet-ask-become-pass
            """);
        var inventory = Path.Combine(_dir.FullName, "hosts.ini");
        await File.WriteAllTextAsync(inventory, $"{host.Name} ansible_host={host.Address} ansible_port={host.Port} ansible_user=asker ansible_ssh_private_key_file={lab.Info.PrivateKeyPath}\n");
        var playbook = Path.Combine(_dir.FullName, "site.yml");
        await File.WriteAllTextAsync(playbook, """
            - hosts: all
              become: true
              tasks:
                - name: Only root can write here
                  copy: { dest: /root/fleet-ask-become-pass, content: "through sudo -S\n" }
            """);
        var json = Path.Combine(_dir.FullName, "report.json");

        var (exit, stdout, stderr) = await FleetProcess.RunWithInputAsync(Password + "\n",
            "apply", "-i", inventory, playbook, "-K", "--known-hosts", lab.Info.KnownHostsPath, "--host-key-policy", "strict", "--no-progress", "--json", json);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Equal("root\n", await LabRun.ExecAsync(lab, host.Name, "stat -c %U /root/fleet-ask-become-pass"));
        Assert.DoesNotContain(Password, stdout + stderr + await File.ReadAllTextAsync(json), StringComparison.Ordinal);
    }
}
