using Fleet.Core.Remote;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>The one remote-file writer: the shell text of each option, then its scripts run with the real /bin/sh in a scratch directory.</summary>
public sealed class RemoteFileWriterTests : IDisposable
{
    private const string Target = "/etc/x.conf";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-writer-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>Option → lines the script must hold and lines it must not.</summary>
    public static TheoryData<string, RemoteFileWriter, string[], string[]> Options() => new()
    {
        {
            "defaults", new RemoteFileWriter(Target),
            [
                "[ -d /etc ] || { printf 'destination directory %s does not exist\\n' /etc >&2; exit 1; }\n",
                "t=$(mktemp /etc/.fleet.XXXXXX)\ntrap 'rm -f \"$t\"' EXIT\n",
                "if [ -e /etc/x.conf ]; then chown --reference=/etc/x.conf \"$t\"; chmod --reference=/etc/x.conf \"$t\"; else chmod 0644 \"$t\"; fi\n",
                "mv -f \"$t\" /etc/x.conf\ntrap - EXIT\n",
            ],
            ["mkdir", "chown alice", "chgrp", "cp -p", "validation failed"]
        },
        { "directory created", new RemoteFileWriter(Target) { MissingDirectory = MissingDirectory.Create }, ["mkdir -p /etc\nt=$(mktemp"], ["does not exist"] },
        { "owner and group", new RemoteFileWriter(Target) { Owner = "alice", Group = "staff" }, ["chown --reference", "chown alice:staff \"$t\"\n"], ["chgrp"] },
        { "owner only", new RemoteFileWriter(Target) { Owner = "alice" }, ["chown alice \"$t\"\n"], ["chgrp"] },
        { "group only", new RemoteFileWriter(Target) { Group = "staff" }, ["chgrp staff \"$t\"\n"], ["chown alice"] },
        { "mode", new RemoteFileWriter(Target) { Mode = "u=rw,g=r" }, ["chmod --reference", "chmod u=rw,g=r \"$t\"\n"], [] },
        { "every attribute set", new RemoteFileWriter(Target) { Owner = "1001", Group = "1001", Mode = "0600" }, ["chown 1001:1001 \"$t\"\nchmod 0600 \"$t\"\n"], ["--reference", "chmod 0644"] },
        {
            "validate", new RemoteFileWriter(Target) { Validate = "visudo -cf %s" },
            ["( visudo -cf \"$t\"\n) || { printf 'validation failed, %s left unchanged: %s\\n' /etc/x.conf 'visudo -cf %s' >&2; exit 1; }\nmv -f"], []
        },
        { "backup", new RemoteFileWriter(Target) { Backup = true }, ["if [ -e /etc/x.conf ]; then fleet_backup=/etc/x.conf.$$.$(date +%Y-%m-%d@%H:%M:%S~); cp -p /etc/x.conf \"$fleet_backup\"; printf '@@fleet-backup-file@@%s\\n' \"$fleet_backup\"; fi\nmv -f"], [] },
        { "temp name and variable", new RemoteFileWriter(Target) { TempPrefix = ".fleet-sshd-main", Variable = "c" }, ["c=$(mktemp /etc/.fleet-sshd-main.XXXXXX)\ntrap 'rm -f \"$c\"' EXIT\n", "mv -f \"$c\" /etc/x.conf\n"], ["\"$t\""] },
        { "caller's files removed too", new RemoteFileWriter(Target) { AlsoRemoveAtExit = ["\"$old\""] }, ["trap 'rm -f \"$t\" \"$old\"' EXIT\n", "mv -f \"$t\" /etc/x.conf\ntrap 'rm -f \"$old\"' EXIT\n"], ["trap - EXIT"] },
        {
            "hostile path and attributes", new RemoteFileWriter("/etc/a'; touch /tmp/pwned; '$(reboot).conf") { Owner = "x;reboot", Group = "$(reboot)", Mode = "`reboot`" },
            ["mv -f \"$t\" '/etc/a'\\''; touch /tmp/pwned; '\\''$(reboot).conf'\n", "chown 'x;reboot:$(reboot)' \"$t\"\n", "chmod '`reboot`' \"$t\"\n"],
            [" touch /tmp/pwned; mv", "chown x;reboot"]
        },
    };

    [Theory]
    [MemberData(nameof(Options))]
    public void Script_HoldsTheLinesOfEachOption(string option, RemoteFileWriter writer, string[] expected, string[] absent)
    {
        var script = writer.Script("text\n");

        Assert.All(expected, line => Assert.True(script.Contains(line, StringComparison.Ordinal), $"{option}: missing {line}\n{script}"));
        Assert.All(absent, line => Assert.False(script.Contains(line, StringComparison.Ordinal), $"{option}: unexpected {line}\n{script}"));
        Assert.Contains(Fleet.Core.Remote.Sh.PrintText("text\n") + " > \"$" + writer.Variable + "\"\n", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Script_ChecksAndCreatesTheTempFileBeforeFillingIt_AndKeepsAttributesBeforeSettingThem()
    {
        var script = new RemoteFileWriter(Target) { Mode = "0600", Validate = "true %s", Backup = true }.Script("x");

        string[] order = ["[ -d /etc ]", "mktemp", "trap 'rm -f", "base64 -d", "--reference", "chmod 0600", "( true", "cp -p", "mv -f", "trap - EXIT"];
        var positions = order.Select(s => script.IndexOf(s, StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);
    }

    [Fact]
    public void Restore_OfAMissingFile_RemovesIt_ElseWritesTheOldText()
    {
        var writer = new RemoteFileWriter("/etc/a b.conf") { Mode = "0644" };

        Assert.Equal("rm -f '/etc/a b.conf'\n", writer.Restore(null));
        Assert.Equal(writer.Script("old\n"), writer.Restore("old\n"));
    }

    [Fact]
    public void Script_ValidateWithoutPercentS_IsAProgrammingError() =>
        Assert.Throws<InvalidOperationException>(() => new RemoteFileWriter(Target) { Validate = "true" }.Script("x"));

    [Fact]
    public void Script_VariableThatIsNoName_IsAProgrammingError() =>
        Assert.Throws<InvalidOperationException>(() => new RemoteFileWriter(Target) { Variable = "t; reboot" }.Script("x"));

    [Fact]
    public void Run_NewFile_Is0644WithTheContent()
    {
        var path = Scratch("new.conf");

        Assert.Equal(0, Sh(new RemoteFileWriter(path).Script("hello\n")).Exit);

        Assert.Equal("hello\n", File.ReadAllText(path));
        Assert.Equal("644\n", Sh($"stat -c %a '{path}'").Stdout);
        AssertNoTempFile();
    }

    [Fact]
    public void Run_ExistingFile_KeepsItsMode_UnlessModeIsSet()
    {
        var kept = Scratch("kept.conf");
        var set = Scratch("set.conf");
        File.WriteAllText(kept, "old\n");
        File.WriteAllText(set, "old\n");
        Assert.Equal(0, Sh($"chmod 0600 '{kept}' '{set}'").Exit);

        Assert.Equal(0, Sh(new RemoteFileWriter(kept).Script("new\n") + new RemoteFileWriter(set) { Mode = "0640" }.Script("new\n")).Exit);

        Assert.Equal("600\n", Sh($"stat -c %a '{kept}'").Stdout);
        Assert.Equal("640\n", Sh($"stat -c %a '{set}'").Stdout);
        Assert.Equal("new\n", File.ReadAllText(kept));
    }

    [Fact]
    public void Run_MissingDirectory_IsRefused_OrCreated()
    {
        var refused = Scratch("no/such/dir/a.conf");
        var created = Scratch("made/for/it/a.conf");

        var result = Sh("set -e\n" + new RemoteFileWriter(refused).Script("x"));
        Assert.Equal(0, Sh("set -e\n" + new RemoteFileWriter(created) { MissingDirectory = MissingDirectory.Create }.Script("x")).Exit);

        Assert.NotEqual(0, result.Exit);
        Assert.Contains("destination directory", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Scratch("no")));
        Assert.Equal("x", File.ReadAllText(created));
    }

    [Fact]
    public void Run_ValidateFails_LeavesTheFileAndNoTempFile()
    {
        var path = Scratch("checked.conf");
        File.WriteAllText(path, "old\n");

        var result = Sh("set -e\n" + new RemoteFileWriter(path) { Validate = "grep -q good %s" }.Script("bad\n"));

        Assert.NotEqual(0, result.Exit);
        Assert.Contains("validation failed", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("old\n", File.ReadAllText(path));
        AssertNoTempFile();
    }

    [Fact]
    public void Run_FailureAfterTheTempFileExists_RemovesIt_AndTheCallersFilesToo()
    {
        var path = Scratch("failed.conf");
        var callers = Scratch("callers.tmp");
        File.WriteAllText(callers, "");

        var result = Sh($"set -e\nold='{callers}'\n" + new RemoteFileWriter(path) { Mode = "u=bogus", AlsoRemoveAtExit = ["\"$old\""] }.Script("x"));

        Assert.NotEqual(0, result.Exit);
        Assert.False(File.Exists(path));
        Assert.False(File.Exists(callers));
        AssertNoTempFile();
    }

    [Fact]
    public void Run_Backup_KeepsTheOldContent()
    {
        var path = Scratch("backed.conf");
        File.WriteAllText(path, "old\n");

        Assert.Equal(0, Sh("set -e\n" + new RemoteFileWriter(path) { Backup = true }.Script("new\n")).Exit);

        Assert.Equal("old\n", File.ReadAllText(Assert.Single(_dir.GetFiles("backed.conf.*.*-*-*@*:*:*~")).FullName));
        Assert.Equal("new\n", File.ReadAllText(path));
    }

    [Fact]
    public void Run_Backup_NamesItsPathForTheResult_AndTheOutputLosesTheMarkedLine()
    {
        var path = Scratch("named.conf");
        File.WriteAllText(path, "old\n");
        var (exit, stdout, stderr) = Sh("set -e\necho before\n" + new RemoteFileWriter(path) { Backup = true }.Script("new\n") + "echo after\n");

        var (result, backup) = BackupFile.Take(new Fleet.Core.CommandResult(exit, stdout, stderr, TimeSpan.Zero));

        Assert.Equal(Assert.Single(_dir.GetFiles("named.conf.*.*-*-*@*:*:*~")).FullName, backup);
        Assert.Equal("before\nafter\n", result.Stdout);
    }

    [Fact]
    public void Run_BackupOfANewFile_NamesNone()
    {
        var (exit, stdout, stderr) = Sh("set -e\n" + new RemoteFileWriter(Scratch("fresh.conf")) { Backup = true }.Script("new\n"));

        Assert.Null(BackupFile.Take(new Fleet.Core.CommandResult(exit, stdout, stderr, TimeSpan.Zero)).Path);
    }

    [Fact]
    public void Run_HostilePath_IsOneFileName_AndRunsNothing()
    {
        var path = Scratch("a'; echo INJECTED >&2; '$(echo INJECTED >&2)`echo INJECTED >&2`.conf");

        var result = Sh("set -e\n" + new RemoteFileWriter(path) { Backup = true, Mode = "0600" }.Script("x"));

        Assert.Equal(0, result.Exit);
        Assert.Equal("x", File.ReadAllText(path));
        Assert.DoesNotContain("INJECTED", result.Stderr, StringComparison.Ordinal);
    }

    private string Scratch(string name) => Path.Combine(_dir.FullName, name);

    private void AssertNoTempFile() => Assert.Empty(_dir.GetFiles(".fleet.*"));
}
