using Fleet.Core.Modules;
using Fleet.Core.Modules.Files;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules.Files;

/// <summary>file's follow, force and timestamp parameters: planned from facts, run with the machine's /bin/sh in a temp directory.</summary>
public sealed class FileModuleParameterTests : IDisposable
{
    private readonly TempFiles _files = new();

    private string PathOf(string name) => Path.Combine(_files.Dir, name);

    private static string Stat(string format, string path, bool dereference = false) => Sh($"stat {(dereference ? "-L " : "")}-c '{format}' '{path}'").Stdout.Trim();

    private string LinkTo(string target, string name = "link")
    {
        var link = PathOf(name);
        File.CreateSymbolicLink(link, target);
        return link;
    }

    [Fact]
    public void NoState_ExistingDirectory_IsADirectory_AsInAnsible()
    {
        // dev-sec's os_hardening sets modes of the cron directories with file and no state.
        var dir = PathOf("cron.d");
        Directory.CreateDirectory(dir);
        Sh($"chmod 0755 '{dir}'");
        var args = Args(("path", dir), ("mode", "og-rwx"));

        Assert.IsType<Change>(Apply(new FileModule(), args));

        Assert.Equal("700", Stat("%a", dir));
        Assert.IsType<NoChange>(Apply(new FileModule(), args));
    }

    [Fact]
    public void NoState_MissingPath_IsAFile_WhichMustExist() =>
        Assert.IsType<PlanFailure>(Apply(new FileModule(), Args(("path", PathOf("missing")), ("mode", "0600"))));

    [Fact]
    public void Follow_Default_ModeAppliesToLinkTarget()
    {
        var target = _files.Write("target", "x");
        Sh($"chmod 0644 '{target}'");
        var link = LinkTo(target);
        var args = Args(("path", link), ("mode", "0600"), ("follow", true));

        Assert.IsType<Change>(Apply(new FileModule(), args));

        Assert.Equal("600", Stat("%a", target));
        Assert.IsType<NoChange>(Apply(new FileModule(), args));
    }

    [Fact]
    public void FollowFalse_Touch_ChownsTheLinkItself()
    {
        var target = _files.Write("target", "x");
        var link = LinkTo(target);
        var args = Args(("path", link), ("state", "touch"), ("follow", false), ("owner", "nobody"), ("modification_time", "preserve"), ("access_time", "preserve"));

        var change = Assert.IsType<Change>(Apply(new FileModule(), args));

        Assert.Contains("chown -h nobody", change.Script, StringComparison.Ordinal);
        Assert.Equal("nobody", Stat("%U", link));
        Assert.Equal("root", Stat("%U", target));
        Assert.IsType<NoChange>(Apply(new FileModule(), args));
    }

    [Fact]
    public void FollowFalse_StateFileOnLink_Fails()
    {
        var link = LinkTo(_files.Write("target", "x"));

        Assert.IsType<PlanFailure>(Apply(new FileModule(), Args(("path", link), ("mode", "0600"), ("follow", false))));
    }

    [Fact]
    public void Touch_TimesPreserve_ExistingFileIsNoOp()
    {
        var path = _files.Write("sysctl.conf", "");
        Sh($"chmod 0440 '{path}'");

        var plan = Apply(new FileModule(), Args(("path", path), ("state", "touch"), ("mode", "0440"), ("modification_time", "preserve"), ("access_time", "preserve")));

        Assert.IsType<NoChange>(plan);
    }

    [Fact]
    public void Touch_TimesPreserve_MissingFileIsCreated()
    {
        var path = PathOf("new.conf");
        var args = Args(("path", path), ("state", "touch"), ("modification_time", "preserve"), ("access_time", "preserve"));

        Assert.IsType<Change>(Apply(new FileModule(), args));

        Assert.True(File.Exists(path));
        Assert.IsType<NoChange>(Apply(new FileModule(), args));
    }

    [Fact]
    public void Touch_DefaultNow_AlwaysChanges()
    {
        var path = _files.Write("stamp", "");

        var plan = Assert.IsType<Change>(Apply(new FileModule(), Args(("path", path), ("state", "touch"))));

        Assert.Equal([$"{path} touched"], plan.Changes);
    }

    [Fact]
    public void ModificationTimeNow_StateFile_AlwaysChangesOnlyMtime()
    {
        var path = _files.Write("f", "");
        Sh($"touch -d '2001-01-01 00:00:00' '{path}'");
        var args = Args(("path", path), ("modification_time", "now"));

        Assert.IsType<Change>(Apply(new FileModule(), args));

        Assert.NotEqual(Sh("date -d '2001-01-01 00:00:00' +%s").Stdout.Trim(), Stat("%Y", path));
        Assert.Equal(Sh("date -d '2001-01-01 00:00:00' +%s").Stdout.Trim(), Stat("%X", path));
        Assert.IsType<Change>(Apply(new FileModule(), args));
    }

    [Theory]
    [InlineData("202001021030.15", null)]
    [InlineData("2020-01-02 10:30:15", "%Y-%m-%d %H:%M:%S")]
    public void ExplicitTimes_AreSetThenNoOp(string time, string? format)
    {
        var path = _files.Write("f", "");
        var args = Args(("path", path), ("modification_time", time), ("modification_time_format", format), ("access_time", time), ("access_time_format", format));

        Assert.IsType<Change>(Apply(new FileModule(), args));

        var expected = Sh("date -d '2020-01-02 10:30:15' +%s").Stdout.Trim();
        Assert.Equal(expected, Stat("%Y", path));
        Assert.Equal(expected, Stat("%X", path));
        Assert.IsType<NoChange>(Apply(new FileModule(), args));
    }

    [Fact]
    public void ExplicitTime_NotInFormat_Fails()
    {
        var path = _files.Write("f", "");

        var plan = Assert.IsType<PlanFailure>(Apply(new FileModule(), Args(("path", path), ("modification_time", "yesterday"))));

        Assert.Contains("%Y%m%d%H%M.%S", plan.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("202001021030.15", "%Y%m%d%H%M.%S", "2020-01-02 10:30:15")]
    [InlineData("02/01/20 07", "%d/%m/%y %H", "2020-01-02 07:00:00")]
    [InlineData("100%", "%Y%%", "0100-01-01 00:00:00")]
    [InlineData("20201332", "%Y%m%d", null)]
    [InlineData("2020x", "%Y", null)]
    [InlineData("2020", "%j", null)]
    public void ToLocal_ReadsPythonFormats(string value, string format, string? expected)
    {
        Assert.Equal(expected, FileTimes.ToLocal(value, format));
    }

    [Theory]
    [InlineData("1577961015.000000000", 1577961015, true)]
    [InlineData("1577961015.000000100", 1577961015, false)]
    [InlineData("1577961016", 1577961015, false)]
    public void Same_ComparesFractionsLikeAnsibleFloats(string current, long epoch, bool same)
    {
        Assert.Equal(same, FileTimes.Same(current, epoch));
    }

    [Fact]
    public void Link_OverFile_NeedsForce()
    {
        var target = _files.Write("system-auth-local", "x");
        var path = _files.Write("system-auth", "old");

        var refused = Apply(new FileModule(), Args(("path", path), ("src", target), ("state", "link")));
        var forced = Apply(new FileModule(), Args(("path", path), ("src", target), ("state", "link"), ("force", true), ("mode", "0640"), ("owner", "root")));

        Assert.Contains("refusing to convert from file", Assert.IsType<PlanFailure>(refused).Message, StringComparison.Ordinal);
        Assert.IsType<Change>(forced);
        Assert.Equal(target, new FileInfo(path).LinkTarget);
        Assert.Equal("640", Stat("%a", target));
        Assert.IsType<NoChange>(Apply(new FileModule(), Args(("path", path), ("src", target), ("state", "link"), ("force", true), ("mode", "0640"), ("owner", "root"))));
    }

    [Fact]
    public void Link_MissingSource_NeedsForce()
    {
        var path = PathOf("dangling");

        var refused = Apply(new FileModule(), Args(("path", path), ("src", "nowhere"), ("state", "link")));
        var forced = Apply(new FileModule(), Args(("path", path), ("src", "nowhere"), ("state", "link"), ("force", true), ("owner", "root")));

        Assert.Contains("src file does not exist", Assert.IsType<PlanFailure>(refused).Message, StringComparison.Ordinal);
        Assert.IsType<Change>(forced);
        Assert.Equal("nowhere", new FileInfo(path).LinkTarget);
    }

    [Fact]
    public void Link_OverEmptyDirectoryWithForce_ReplacesIt_NonEmptyFailsAtRunTime()
    {
        var target = _files.Write("target", "x");
        var empty = Directory.CreateDirectory(PathOf("empty")).FullName;
        var full = Path.GetDirectoryName(_files.Write("full/file", "x"))!;

        Apply(new FileModule(), Args(("path", empty), ("src", target), ("state", "link"), ("force", true)));
        var plan = Assert.IsType<Change>(Apply(new FileModule(), Args(("path", full), ("src", target), ("state", "link"), ("force", true)), checkMode: true));
        var (exit, _, stderr) = Sh(plan.Script);

        Assert.Equal(target, new FileInfo(empty).LinkTarget);
        Assert.NotEqual(0, exit);
        Assert.Contains($"the directory {full} is not empty", stderr, StringComparison.Ordinal);
        Assert.IsType<PlanFailure>(Apply(new FileModule(), Args(("path", full), ("src", target), ("state", "link"))));
    }

    public void Dispose() => _files.Dispose();
}
