namespace Fleet.Integration.Tests.Cli;

/// <summary>
/// <c>-k</c>/<c>--ask-pass</c> and <c>-K</c>/<c>--ask-become-pass</c> without a terminal: as ansible-playbook's getpass, each reads
/// the next line of stdin (with a warning) and never echoes it; an ended stdin gives no password.
/// </summary>
public sealed class AskPassCliTests : IDisposable
{
    private const string Secret = "Piped-pw-5521";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-cli-ask-pass-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>apply against a host that is never reached (TEST-NET-1, one second to connect): the prompts come first.</summary>
    private string[] Apply(params string[] options)
    {
        var playbook = Path.Combine(_dir.FullName, "site.yml");
        var inventory = Path.Combine(_dir.FullName, "hosts.ini");
        File.WriteAllText(playbook, "- hosts: all\n  gather_facts: false\n  become: true\n  tasks:\n    - command: 'true'\n");
        File.WriteAllText(inventory, "web1 ansible_host=192.0.2.10 ansible_user=deploy\n");
        return ["apply", "-i", inventory, playbook, "-T", "1", "--no-progress", .. options];
    }

    [Fact]
    public async Task AskBothPasswords_PipedInput_ReadsALineEachAndEchoesNeither()
    {
        var (exit, stdout, stderr) = await FleetProcess.RunWithInputAsync($"{Secret}-ssh\n{Secret}-sudo\n", Apply("-k", "-K"));

        Assert.True(exit == 3, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.StartsWith("SSH password: \nwarning: stdin is not a terminal: the password was read from its next line", stderr, StringComparison.Ordinal);
        Assert.Contains("BECOME password[defaults to SSH password]: \nwarning: stdin is not a terminal", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, stdout + stderr, StringComparison.Ordinal);
        Assert.Contains("web1", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskBecomePass_EndedInput_GoesOnWithoutAPassword()
    {
        var (exit, stdout, stderr) = await FleetProcess.RunWithInputAsync("", Apply("--ask-become-pass"));

        Assert.True(exit == 3, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.StartsWith("BECOME password: \nwarning: stdin is not a terminal and ended before a password line: none is used", stderr, StringComparison.Ordinal);
    }
}
