namespace Fleet.Integration.Tests.Cli;

/// <summary>The command line as an Ansible user meets it: help, did-you-mean, Ansible's options Fleet refuses, --start-at-task.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-cli-line-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Theory]
    [InlineData(new[] { "help" }, new[] { "--help" })]
    [InlineData(new[] { "help", "apply" }, new[] { "apply", "--help" })]
    [InlineData(new[] { "help", "lab", "up" }, new[] { "lab", "up", "--help" })]
    public async Task Help_IsTheSameTextAsDashDashHelp(string[] help, string[] dashDashHelp)
    {
        var (exit, stdout, _) = await FleetProcess.RunAsync(help);
        var (_, expected, _) = await FleetProcess.RunAsync(dashDashHelp);

        Assert.Equal(0, exit);
        Assert.Equal(expected, stdout);
        Assert.Contains("USAGE", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "aply" }, "Unknown command 'aply' (did you mean 'apply'?)")]
    [InlineData(new[] { "lab", "upp" }, "Unknown command 'upp' (did you mean 'up'?)")]
    [InlineData(new[] { "apply", "site.yml", "--limt", "web" }, "Unknown option 'limt' (did you mean '--limit'?); fleet help apply lists the options")]
    [InlineData(new[] { "apply", "site.yml", "--start-at", "x" }, "(did you mean '--start-at-task'?)")]
    [InlineData(new[] { "apply", "site.yml", "--step" }, "--step is ansible-playbook's and Fleet does not honour it: Fleet does not stop to confirm each task")]
    [InlineData(new[] { "check", "site.yml", "-M", "lib" }, "-M is ansible-playbook's and Fleet does not honour it")]
    public async Task UnknownName_SaysWhatWasMeant(string[] args, string expected)
    {
        var (exit, _, stderr) = await FleetProcess.RunAsync(args);

        Assert.True(exit == 1, $"exit {exit}: {stderr}");
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("raw")]
    [InlineData("deploy")]
    [InlineData("apply", "site.yml", "-Z")]
    public async Task UnknownName_NothingClose_SuggestsNothing(params string[] args)
    {
        var (exit, _, stderr) = await FleetProcess.RunAsync(args);

        Assert.Equal(1, exit);
        Assert.DoesNotContain("did you mean", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAtTask_NoSuchTask_ExitsOneBeforeContactingAnyHost()
    {
        var key = Write("id_test", "not a key: never read, nothing connects\n");
        var inventory = Write("inventory.yml", $"all:\n  hosts:\n    target: {{ address: 192.0.2.1, user: root, identity_file: {key} }}\n");
        var playbook = Write("site.yml", "- hosts: all\n  tasks:\n    - name: Hello\n      command: echo hello\n");

        var (exit, _, stderr) = await FleetProcess.RunAsync("apply", "-i", inventory, playbook, "--start-at-task", "Helo", "--no-progress", "--flush-cache");

        Assert.True(exit == 1, $"exit {exit}: {stderr}");
        Assert.Contains("--start-at-task 'Helo': no task of the playbooks has that name", stderr, StringComparison.Ordinal);
    }
}
