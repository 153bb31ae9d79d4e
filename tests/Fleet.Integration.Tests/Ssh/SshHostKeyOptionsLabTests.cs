using Fleet.Integration.Tests.Cli;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Ssh;

/// <summary>
/// An Ansible inventory's <c>ansible_ssh_common_args</c> with <c>-o StrictHostKeyChecking</c> and <c>-o UserKnownHostsFile</c>,
/// run unmodified against a lab host: the host's keys are checked as ssh would check them with those options.
/// </summary>
[Collection("lab")]
public sealed class SshHostKeyOptionsLabTests(LabFixture lab) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-ssh-host-key-options-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>Ansible's INI inventory of the first lab host with these ssh args, and nothing else about host keys.</summary>
    private string Inventory(string sshArgs)
    {
        var host = lab.Info.Hosts[0];
        var path = Path.Combine(_dir.FullName, "hosts.ini");
        File.WriteAllText(path, $"""
            [web]
            {host.Name} ansible_host={host.Address} ansible_port={host.Port} ansible_user=root ansible_ssh_private_key_file={lab.Info.PrivateKeyPath} ansible_ssh_common_args='{sshArgs}'
            """);
        return path;
    }

    [LabTheory]
    [InlineData("-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null")]
    [InlineData("-oStrictHostKeyChecking=accept-new -o \"UserKnownHostsFile /dev/null\"")]
    public async Task Ping_KnownHostsDevNull_ConnectsWithNoEntryAndWritesNothing(string sshArgs)
    {
        var (exit, stdout, stderr) = await FleetProcess.RunAsync("ping", "-i", Inventory(sshArgs), "--no-progress");

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains($"{lab.Info.Hosts[0].Name} | reachable | ", stdout, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo("/dev/null").Length);
        Assert.False(File.Exists("/dev/null.lock"), "a lock file was made beside /dev/null");
        Assert.Equal(sshArgs.Contains("=no", StringComparison.Ordinal), stderr.Contains("warning: host_key_policy off (", StringComparison.Ordinal));
    }

    [LabFact]
    public async Task Ping_StrictWithAnEmptyKnownHostsFile_RefusesNamingWhereThePolicyIsWritten()
    {
        var empty = Path.Combine(_dir.FullName, "empty_known_hosts");
        await File.WriteAllTextAsync(empty, "");
        var inventory = Inventory($"-o StrictHostKeyChecking=yes -o UserKnownHostsFile={empty}");

        var (exit, stdout, stderr) = await FleetProcess.RunAsync("ping", "-i", inventory, "--no-progress");

        Assert.True(exit == 3, $"exit {exit}\n{stdout}\n{stderr}");
        var output = stdout + stderr;
        Assert.Contains("unknown host key ", output, StringComparison.Ordinal);
        Assert.Contains($"(policy strict from {inventory}:2:", output, StringComparison.Ordinal);
        Assert.Contains($"known_hosts {empty})", output, StringComparison.Ordinal);
        Assert.Equal("", await File.ReadAllTextAsync(empty));
    }

    [LabFact]
    public async Task Ping_AcceptNewIntoItsOwnFile_RecordsTheKeyThere_AndTheCommandLinePolicyWins()
    {
        var own = Path.Combine(_dir.FullName, "own_known_hosts");
        var inventory = Inventory($"-o StrictHostKeyChecking=accept-new -o UserKnownHostsFile={own}");

        var (exit, stdout, stderr) = await FleetProcess.RunAsync("ping", "-i", inventory, "--no-progress");

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains(lab.Info.Hosts[0].Address, await File.ReadAllTextAsync(own), StringComparison.Ordinal);

        File.Delete(own);
        (exit, stdout, stderr) = await FleetProcess.RunAsync("ping", "-i", inventory, "--no-progress", "--host-key-policy", "strict");

        Assert.True(exit == 3, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains($"(policy strict; known_hosts {own})", stdout + stderr, StringComparison.Ordinal);
    }
}
