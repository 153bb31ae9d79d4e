namespace Fleet.Integration.Tests.Cli;

/// <summary>
/// ansible-playbook's ssh argument options on fleet's command line: <c>--ssh-common-args</c> and <c>--ssh-extra-args</c> take a
/// value that starts with a dash, written with or without <c>=</c>, and read it as the inventory variables; the scp and sftp ones
/// are refused by name.
/// </summary>
public sealed class SshArgumentOptionsCliTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-cli-ssh-args-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string[] Apply(params string[] options) =>
    [
        "apply", Write("site.yml", "- hosts: web\n  gather_facts: false\n  tasks:\n    - command: 'true'\n"),
        "-i", Write("inventory.yml", "all:\n  hosts:\n    bastion: { ansible_host: 192.0.2.1 }\n  children:\n    web:\n      hosts:\n        web1: { ansible_host: 192.0.2.10 }\n"),
        "--list-hosts", .. options,
    ];

    [Theory]
    [InlineData("--ssh-common-args", "-o ProxyCommand=\"ssh -W %h:%p -q root@bastion\"")]
    [InlineData("--ssh-extra-args", "-J bastion")]
    [InlineData("--ssh-common-args=-o ProxyJump=bastion")]
    [InlineData("--ssh-common-args", "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null")]
    public async Task Option_ValueStartingWithADash_IsTakenAsItsValue(params string[] option)
    {
        var (exit, stdout, stderr) = await FleetProcess.RunAsync(Apply(option));

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Contains("web1", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Option_OtherSshOption_IsOneLineNamingTheOption()
    {
        var (exit, _, stderr) = await FleetProcess.RunAsync(Apply("--ssh-common-args", "-o Port=2222"));

        Assert.Equal(1, exit);
        Assert.Equal("error: --ssh-common-args: ssh option '-o Port' is not supported", stderr.Split('\n')[0][..63]);
    }

    [Theory]
    [InlineData("--scp-extra-args", "-l 8192")]
    [InlineData("--sftp-extra-args", "-f")]
    public async Task TransferOption_IsRefusedByName(string option, string value)
    {
        var (exit, _, stderr) = await FleetProcess.RunAsync(Apply(option, value));

        Assert.Equal(1, exit);
        Assert.Contains($"{option} is ansible-playbook's and Fleet does not honour it: Fleet copies files inside its SSH session", stderr, StringComparison.Ordinal);
    }
}
