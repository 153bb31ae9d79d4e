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

    [Theory]
    [InlineData("root", "postgres", false, new[] { "-i" }, "sudo -i -u postgres ")]
    [InlineData("deploy", null, false, new[] { "-H", "-S", "-n", "-E" }, "sudo -H -S -n -E ")]
    [InlineData("deploy", "postgres", true, new[] { "-H", "-S", "-n" }, "sudo -H -S -p '' -u postgres ")]
    [InlineData("deploy", "postgres", true, new[] { "-Hn", "--non-interactive", "-E" }, "sudo -H -E -S -p '' -u postgres ")]
    [InlineData("deploy", null, true, new[] { "-HSn" }, "sudo -HS -p '' ")]
    [InlineData("root", "postgres", false, new string[0], "sudo -u postgres ")]
    [InlineData("root", "app", false, new[] { "-E", "--close-from=4; reboot" }, "sudo -E '--close-from=4; reboot' -u app ")]
    public void Prefix_BecomeFlags_ReplaceTheDefaults_AsAnsiblesSudo(string login, string? user, bool password, string[] flags, string expected) =>
        Assert.Equal(expected, Sudo.Prefix(true, login, user, password, flags));

    [Fact]
    public void Words_AreThePrefixUnquoted() =>
        Assert.Equal(["sudo", "-H", "-S", "-p", "", "-u", "a b"], Sudo.Words("a b", password: true));
}
