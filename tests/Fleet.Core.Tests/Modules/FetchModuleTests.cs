using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Fetch;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>fetch: where the file lands on the controller, and the planner on the host's checksum against the controller's copy.</summary>
public sealed class FetchModuleTests
{
    private const string Sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";

    private static readonly StatState Remote = new(true, "regular file", "0644", "root", "root", 0, 0, 12, null, Sha1);

    private static readonly ModuleContext Context = new("web1", false, "/play");

    [Fact]
    public void Destination_NotFlat_IsDestHostSrc() =>
        Assert.Equal("/play/backup/web1/etc/ssh/sshd_config", FetchModule.Destination(Args(("src", "/etc/ssh/sshd_config"), ("dest", "backup")), Context));

    [Fact]
    public void Destination_InARole_IsRelativeToThePlaybook() =>
        Assert.Equal("/play/backup/web1/etc/issue", FetchModule.Destination(Args(("src", "/etc/issue"), ("dest", "backup")),
            new ModuleContext("web1", false, "/play/roles/r") { Variables = Fleet.Core.Templating.VariableScope.Of(new Dictionary<string, object?> { ["playbook_dir"] = "/play" }) }));

    [Fact]
    public void Destination_FlatWithSlash_IsDestBasename() =>
        Assert.Equal("/tmp/keys/id.pub", FetchModule.Destination(Args(("src", "/root/id.pub"), ("dest", "/tmp/keys/"), ("flat", true)), Context));

    [Fact]
    public void Destination_FlatOnExistingDirectoryWithoutSlash_IsRefused() =>
        Assert.Null(FetchModule.Destination(Args(("src", "/root/id.pub"), ("dest", Path.GetTempPath().TrimEnd('/')), ("flat", true)), Context));

    [Fact]
    public void Plan_SameChecksum_IsNoOp() =>
        Assert.IsType<NoChange>(FetchModule.Plan(Args(("src", "/etc/x"), ("dest", "/b")), Remote, "/b/web1/etc/x", (Sha1, "md5")));

    [Fact]
    public void Plan_Differs_DownloadsWithExpectedChecksum()
    {
        var plan = Assert.IsType<Change>(FetchModule.Plan(Args(("src", "/etc/x"), ("dest", "/b")), Remote, "/b/web1/etc/x", null));

        Assert.Equal(new ControllerDownload("/b/web1/etc/x", Sha1), plan.Download);
        Assert.Equal("set -e\nbase64 -w0 /etc/x\necho\n", plan.Script);
        Assert.Empty(plan.Touches!);
    }

    [Fact]
    public void Plan_NoValidation_ExpectsNoChecksum() =>
        Assert.Null(Assert.IsType<Change>(FetchModule.Plan(Args(("src", "/etc/x"), ("dest", "/b"), ("validate_checksum", false)), Remote, "/d", null)).Download!.ExpectedChecksum);

    [Fact]
    public void Plan_Missing_FailsOrIsIgnored()
    {
        var missing = Remote with { Exists = false };

        Assert.Equal("the remote file does not exist, not transferring, ignored", Assert.IsType<PlanFailure>(FetchModule.Plan(Args(("src", "/x"), ("dest", "/b")), missing, "/d", null)).Message);
        Assert.IsType<NoChange>(FetchModule.Plan(Args(("src", "/x"), ("dest", "/b"), ("fail_on_missing", false)), missing, "/d", null));
    }

    [Fact]
    public void Plan_Directory_Fails() =>
        Assert.Equal("remote file is a directory, fetch cannot work on directories",
            Assert.IsType<PlanFailure>(FetchModule.Plan(Args(("src", "/etc"), ("dest", "/b")), Remote with { Type = "directory" }, "/d", null)).Message);

    [Fact]
    public void Checksums_AreAnsiblesSha1AndMd5() =>
        Assert.Equal((Sha1, "d41d8cd98f00b204e9800998ecf8427e"), ControllerDownload.Checksums([]));
}

/// <summary>The engine's half of fetch: the bytes a host printed written on the controller, replaced only when they differ.</summary>
public sealed class DownloadWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fleet-fetch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Fleet.Core.CommandResult Printed(string text) =>
        new(0, Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text)) + "\n", "", TimeSpan.Zero);

    [Fact]
    public void Write_NewFile_CreatesDirectoriesAndReportsChecksums()
    {
        var path = Path.Combine(_dir, "web1", "etc", "x");
        var changed = new ChangeOutcome(Fleet.Core.Results.TaskOutcome.Changed);

        var outcome = Fleet.Core.Execution.DownloadWriter.Write(new ControllerDownload(path, null), Printed("hello\n"), changed, new Dictionary<string, object?>());
        var again = Fleet.Core.Execution.DownloadWriter.Write(new ControllerDownload(path, null), Printed("hello\n"), changed, new Dictionary<string, object?>());

        Assert.Equal(Fleet.Core.Results.TaskOutcome.Changed, outcome.Status);
        Assert.Equal("hello\n", File.ReadAllText(path));
        Assert.Equal("f572d396fae9206628714fb2ce00f72e94f2258f", outcome.Data!["checksum"]);
        Assert.Equal(Fleet.Core.Results.TaskOutcome.Ok, again.Status);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void Write_ChecksumDiffers_FailsAsAnsible() =>
        Assert.Equal("checksum mismatch", Fleet.Core.Execution.DownloadWriter.Write(new ControllerDownload(Path.Combine(_dir, "y"), "0000"), Printed("hello\n"),
            new ChangeOutcome(Fleet.Core.Results.TaskOutcome.Changed), new Dictionary<string, object?>()).Message);
}
