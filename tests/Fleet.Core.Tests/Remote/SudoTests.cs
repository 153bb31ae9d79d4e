using Fleet.Core.Remote;

namespace Fleet.Core.Tests.Remote;

/// <summary>The sudo words a transport puts before a command, as Ansible's sudo plugin builds them.</summary>
public sealed class SudoTests
{
    [Theory]
    [InlineData(false, "deploy", null, false, "")]
    [InlineData(true, "root", null, false, "")]
    [InlineData(true, "root", "root", false, "")]
    [InlineData(true, "deploy", null, false, "sudo -n ")]
    [InlineData(true, "deploy", null, true, "sudo -S -p '' ")]
    [InlineData(true, "root", "postgres", false, "sudo -H -S -n -u postgres ")]
    [InlineData(true, "deploy", "postgres", true, "sudo -H -S -p '' -u postgres ")]
    [InlineData(true, "deploy", "deploy", false, "")]
    [InlineData(false, "root", "postgres", false, "")]
    public void Prefix_BecomeUser_IsAnsiblesSudo(bool become, string login, string? user, bool password, string expected) =>
        Assert.Equal(expected, Sudo.Prefix(become, login, user, password));

    [Fact]
    public void Prefix_UserWithShellCharacters_IsOneQuotedWord() =>
        Assert.Equal("sudo -H -S -n -u 'a'\\''; reboot' ", Sudo.Prefix(true, "root", "a'; reboot", false));

    [Theory]
    [InlineData(true, "deploy", null, true, true)]
    [InlineData(true, "root", "postgres", true, false)]
    [InlineData(false, "deploy", null, true, false)]
    [InlineData(true, "deploy", "postgres", false, false)]
    public void ReadsPassword_OnlyWhenSudoAsksForIt(bool become, string login, string? user, bool password, bool expected) =>
        Assert.Equal(expected, Sudo.ReadsPassword(become, login, user, password));
}
