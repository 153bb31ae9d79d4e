using System.Diagnostics;
using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;
using Fleet.Ssh;

namespace Fleet.Integration.Tests.Ssh;

/// <summary>
/// Keys as operators hold them, against a lab host's real sshd: a real ssh-agent (SSH_AUTH_SOCK) signing with ed25519, ECDSA
/// and RSA (rsa-sha2-512: OpenSSH 9.2 refuses SHA-1 ssh-rsa) when no identity file is set, and a passphrase-protected identity
/// file opened with identity_passphrase_env. The test's keys are authorized on the host only for its duration.
/// </summary>
[Collection("lab")]
public sealed class AgentLabTests(LabFixture lab) : IDisposable
{
    private const string Marker = "fleet-agent-lab-test";
    private const string Passphrase = "correct horse fleet 8812";
    private const string PassphraseEnv = "FLEET_TEST_IDENTITY_PASSPHRASE";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-agent-test-");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(PassphraseEnv, null);
        _dir.Delete(recursive: true);
    }

    private Fleet.Lab.LabHost Host => lab.Info.Hosts[1];

    private SshConnector Connector() => new(new SshOptions { KnownHostsPath = lab.Info.KnownHostsPath, HostKeyPolicy = HostKeyPolicy.Strict, ConnectAttempts = 1 });

    /// <summary>A new key pair from the machine's ssh-keygen, authorized for root on the host; returns the private key's path.</summary>
    private async Task<string> AuthorizedKeyAsync(string type, string passphrase = "")
    {
        var path = Path.Combine(_dir.FullName, "id_" + type);
        var (exit, _, stderr) = await MachineProcess.RunAsync("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", Marker, "-f", path);
        Assert.True(exit == 0, stderr);
        await LabRun.ExecAsync(lab, Host.Name, $"echo '{(await File.ReadAllTextAsync(path + ".pub")).Trim()}' >> /root/.ssh/authorized_keys");
        return path;
    }

    private Task RemoveTestKeysAsync() => LabRun.ExecAsync(lab, Host.Name, $"sed -i '/ {Marker}$/d' /root/.ssh/authorized_keys");

    [LabFact]
    public async Task Agent_SignsTheLoginWithEd25519EcdsaAndRsaSha2_WhenNoIdentityFileIsSet()
    {
        var socket = Path.Combine(_dir.FullName, "agent.sock");
        using var agent = Process.Start(new ProcessStartInfo("ssh-agent", ["-D", "-a", socket]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var previous = Environment.GetEnvironmentVariable("SSH_AUTH_SOCK");
        try
        {
            var clock = Stopwatch.StartNew();
            while (!File.Exists(socket) && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20);
            }

            Environment.SetEnvironmentVariable("SSH_AUTH_SOCK", socket);
            var keys = new[] { ("ssh-ed25519", lab.Info.PrivateKeyPath), ("ecdsa-sha2-nistp256", await AuthorizedKeyAsync("ecdsa")), ("ssh-rsa", await AuthorizedKeyAsync("rsa")) };
            var target = new HostTarget(Host.Name, Host.Address, Host.Port, "root");

            // An empty agent (and no default key that the host knows): no way in, so what follows proves the agent signed.
            await Assert.ThrowsAsync<HostUnreachableException>(() => Connector().ConnectAsync(target, CancellationToken.None));

            foreach (var (type, key) in keys)
            {
                var (exit, _, stderr) = await MachineProcess.ShellAsync($"SSH_AUTH_SOCK='{socket}' ssh-add -D >/dev/null 2>&1; SSH_AUTH_SOCK='{socket}' ssh-add '{key}'");
                Assert.True(exit == 0, stderr);
                Assert.Equal([type], new SshAgent(socket).ListKeys().Select(k => k.Type));

                await using var connection = await Connector().ConnectAsync(target, CancellationToken.None);

                Assert.Equal("ok\n", (await connection.RunAsync(new RemoteCommand("echo ok"), CancellationToken.None)).Stdout);
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable("SSH_AUTH_SOCK", previous);
            agent.Kill();
            await agent.WaitForExitAsync();
            await RemoveTestKeysAsync();
        }
    }

    [LabFact]
    public async Task PassphraseProtectedIdentity_OpensWithIdentityPassphraseEnv_ClearErrorsWithoutOrWrong()
    {
        try
        {
            var key = await AuthorizedKeyAsync("ed25519", Passphrase);
            Environment.SetEnvironmentVariable(PassphraseEnv, Passphrase);
            var inventory = Path.Combine(_dir.FullName, "inventory.yml");
            await File.WriteAllTextAsync(inventory, $"""
                all:
                  hosts:
                    {Host.Name}:
                      address: {Host.Address}
                      user: root
                      identity_file: {key}
                      identity_passphrase_env: {PassphraseEnv}
                """);

            var report = await LabRun.RunAsync(lab, "- hosts: all\n  tasks:\n    - command: { cmd: \"true\" }\n      changed_when: false\n", inventoryPath: inventory);

            var result = Assert.Single(report.Hosts);
            Assert.True(result.Status == HostStatus.Ok, $"{result.Status}: {result.Error}");

            var without = await Assert.ThrowsAsync<HostUnreachableException>(() => Connector().ConnectAsync(new HostTarget(Host.Name, Host.Address, Host.Port, "root", key), CancellationToken.None));
            var wrong = await Assert.ThrowsAsync<HostUnreachableException>(() => Connector().ConnectAsync(new HostTarget(Host.Name, Host.Address, Host.Port, "root", key, IdentityPassphrase: new Secret("not it")), CancellationToken.None));

            Assert.Contains("is encrypted: name the environment variable holding its passphrase with identity_passphrase_env", without.Message, StringComparison.Ordinal);
            Assert.Contains("wrong passphrase?", wrong.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Passphrase, without.Message + wrong.Message, StringComparison.Ordinal);
        }
        finally
        {
            await RemoveTestKeysAsync();
        }
    }
}
