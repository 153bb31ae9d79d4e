namespace Fleet.Integration.Tests.Cli;

/// <summary>
/// Numbers on the command line past their range or not numbers at all (issue 22): one line naming the option or the host, exit 1,
/// never .NET's conversion text ("Failed to convert '…' to Int32", an overflow).
/// </summary>
public sealed class NumericInputTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-numeric-test-");

    [Theory]
    [InlineData("-f", "99999999999", "error: -f must be a number from 0 to 2147483647, not '99999999999'")]
    [InlineData("--forks", "abc", "error: --forks must be a number, not 'abc'")]
    [InlineData("-T", "99999999999", "error: -T must be a number from 0 to 2147483647, not '99999999999'")]
    [InlineData("--task-timeout", "9999999999999", "error: --task-timeout must be a number from 0 to 2147483647, not '9999999999999'")]
    [InlineData("--shard", "99999999999/3", "error: --shard must be I/N with 1 <= I <= N <= 1000")]
    [InlineData("--serial", "99999999999999", "error: --serial must be a positive number of hosts")]
    public async Task Check_NumericOptionPastItsRange_IsOneLineNamingIt(string option, string value, string expected)
    {
        var playbook = Path.Combine(_dir.FullName, "pb.yml");
        await File.WriteAllTextAsync(playbook, "- hosts: all\n  tasks: []\n");

        var (exit, _, stderr) = await FleetProcess.RunAsync(["check", "-i", "h1,", option, value, playbook, "--no-progress"]);

        Assert.True(exit == 1, $"exit {exit}\n{stderr}");
        Assert.StartsWith(expected, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.DoesNotContain("Int32", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inventory_HostListPortPast64Bits_IsThePortRangeError()
    {
        var (exit, _, stderr) = await FleetProcess.RunAsync(["inventory", "-i", "web:99999999999999999999,"]);

        Assert.True(exit == 1, $"exit {exit}\n{stderr}");
        Assert.Equal("error: -i:1:1: host 'web': port must be a number from 1 to 65535, not '99999999999999999999'", stderr.Trim());
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
