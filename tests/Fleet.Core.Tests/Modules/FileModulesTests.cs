using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Copy;
using Fleet.Core.Modules.Files;
using Fleet.Core.Modules.LineInFile;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>copy, file, lineinfile, blockinfile: planners from facts, scripts run for real with /bin/sh in a temp directory.</summary>
public sealed class FileModulesTests : IDisposable
{
    private readonly TempFiles _files = new();

    private string PathOf(string name) => Path.Combine(_files.Dir, name);

    [Fact]
    public void Copy_NewFile_CreatesWithModeThenIsNoOp()
    {
        var dest = PathOf("motd");
        var args = Args(("dest", dest), ("content", "hello\n"), ("mode", "0640"));

        var first = Apply(new CopyModule(), args);
        var second = Apply(new CopyModule(), args);

        var change = Assert.IsType<Change>(first);
        Assert.Equal([$"{dest} created"], change.Changes);
        Assert.Equal("hello\n", File.ReadAllText(dest));
        Assert.Equal("0640", Gather([new FileFact(dest)]).Get(new FileFact(dest)).Mode);
        Assert.IsType<NoChange>(second);
    }

    [Fact]
    public void Copy_ContentDiffers_ReportsUnifiedDiff()
    {
        var dest = _files.Write("conf", "a\nb\nc\n");

        var plan = Assert.IsType<Change>(Apply(new CopyModule(), Args(("dest", dest), ("content", "a\nB\nc\n")), checkMode: true));

        Assert.Equal($"--- {dest} (before)\n+++ {dest} (after)\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n", plan.Diff);
        Assert.Equal("a\nb\nc\n", File.ReadAllText(dest));
    }

    [Fact]
    public void Copy_DirectoryMissing_FailsWithItsNameAndRunsNothingFromIt()
    {
        var canary = PathOf("CANARY");
        var dest = PathOf($"no-$(touch {canary})-dir") + "/file";
        var plan = Assert.IsType<Change>(Apply(new CopyModule(), Args(("dest", dest), ("content", "x\n")), checkMode: true));

        var (exit, _, stderr) = Sh(plan.Script);

        Assert.Equal(1, exit);
        Assert.Equal($"destination directory {Path.GetDirectoryName(dest)} does not exist\n", stderr);
        Assert.False(File.Exists(canary), "the directory name was run as a command");
    }

    [Fact]
    public void Copy_RemoteSrc_CopiesTheHostsFileThenIsNoOp()
    {
        var src = _files.Write("issue.orig", "from the host\n");
        var dest = PathOf("issue");
        var args = Args(("src", src), ("dest", dest), ("remote_src", true));

        var first = Apply(new CopyModule(), args);
        var second = Apply(new CopyModule(), args);

        Assert.Equal([$"{dest} created"], Assert.IsType<Change>(first).Changes);
        Assert.Equal("from the host\n", File.ReadAllText(dest));
        Assert.IsType<NoChange>(second);
    }

    [Fact]
    public void Copy_RemoteSrcMissing_FailsAsAnsible() =>
        Assert.Equal($"Source {PathOf("gone")} not found",
            Assert.IsType<PlanFailure>(Apply(new CopyModule(), Args(("src", PathOf("gone")), ("dest", PathOf("x")), ("remote_src", true)))).Message);

    [Fact]
    public void Copy_DestIsADirectory_CopiesIntoIt()
    {
        var src = _files.Write("app.conf", "a=1\n");
        var dir = PathOf("etc");
        Directory.CreateDirectory(dir);

        var first = Apply(new CopyModule(), Args(("src", src), ("dest", dir), ("remote_src", true)));
        var content = Apply(new CopyModule(), Args(("content", "x"), ("dest", dir)));

        Assert.Equal([$"{dir}/app.conf created"], Assert.IsType<Change>(first).Changes);
        Assert.Equal("a=1\n", File.ReadAllText(Path.Combine(dir, "app.conf")));
        Assert.StartsWith("can not use content with a dir as dest", Assert.IsType<PlanFailure>(content).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Copy_ForceFalse_LeavesAnExistingFileAloneAttributesIncluded()
    {
        var dest = _files.Write("kept", "old\n");
        Sh($"chmod 600 '{dest}'");

        var plan = Apply(new CopyModule(), Args(("dest", dest), ("content", "new\n"), ("mode", "0644"), ("force", false)));

        Assert.IsType<NoChange>(plan);
        Assert.Equal("old\n", File.ReadAllText(dest));
        Assert.Equal("0600", Gather([new FileFact(dest)]).Get(new FileFact(dest)).Mode);
    }

    [Fact]
    public void Copy_NumericOwnerAndGroup_MatchTheFilesIds()
    {
        var dest = _files.Write("owned", "x\n");
        var state = Gather([new FileFact(dest)]).Get(new FileFact(dest));

        var plan = Apply(new CopyModule(), Args(("dest", dest), ("content", "x\n"), ("owner", state.Uid!), ("group", state.Gid!)));

        Assert.IsType<NoChange>(plan);
        Assert.Matches("^[0-9]+$", state.Uid!);
    }

    [Fact]
    public void Copy_MissingSrc_IsPlanFailure() =>
        Assert.IsType<PlanFailure>(Apply(new CopyModule(), Args(("dest", PathOf("x")), ("src", "/nonexistent/fleet/file"))));

    [Theory]
    [InlineData("'; touch CANARY #")]
    [InlineData("$(touch CANARY)")]
    [InlineData("`touch CANARY`")]
    [InlineData("a\nb; touch CANARY")]
    public void Copy_HostileContentAndPath_AreWrittenLiterally(string hostile)
    {
        var canary = PathOf("CANARY");
        var dest = PathOf("weird " + hostile.Replace('/', '_').Replace("\n", " ", StringComparison.Ordinal).Replace("CANARY", "x", StringComparison.Ordinal));

        Apply(new CopyModule(), Args(("dest", dest), ("content", hostile.Replace("CANARY", canary, StringComparison.Ordinal))));

        Assert.Equal(hostile.Replace("CANARY", canary, StringComparison.Ordinal), File.ReadAllText(dest));
        Assert.False(File.Exists(canary), "an injected command ran");
    }

    [Fact]
    public void File_Directory_CreatedThenNoOp_AndSymbolicMode()
    {
        var dir = PathOf("d/e");

        var first = Assert.IsType<Change>(Apply(new FileModule(), Args(("path", dir), ("state", "directory"), ("mode", "0750"))));
        var again = Apply(new FileModule(), Args(("path", dir), ("state", "directory"), ("mode", "u=rwx,g=rx,o=")));

        Assert.Contains($"{dir} directory created", first.Changes);
        Assert.True(Directory.Exists(dir));
        Assert.IsType<NoChange>(again);
    }

    [Fact]
    public void File_Absent_RemovesThenNoOp()
    {
        var path = _files.Write("gone", "x");

        Assert.IsType<Change>(Apply(new FileModule(), Args(("path", path), ("state", "absent"))));
        Assert.False(File.Exists(path));
        Assert.IsType<NoChange>(Apply(new FileModule(), Args(("path", path), ("state", "absent"))));
    }

    [Fact]
    public void File_MissingWithStateFile_IsPlanFailure() =>
        Assert.IsType<PlanFailure>(Apply(new FileModule(), Args(("path", PathOf("missing")), ("mode", "0600"))));

    [Fact]
    public void File_Link_CreatedThenNoOp()
    {
        var link = PathOf("link");

        Apply(new FileModule(), Args(("path", link), ("state", "link"), ("src", "/etc/hostname")));

        Assert.Equal("/etc/hostname", new FileInfo(link).LinkTarget);
        Assert.IsType<NoChange>(Apply(new FileModule(), Args(("path", link), ("state", "link"), ("src", "/etc/hostname"))));
    }

    [Theory]
    [InlineData("a\nPASS_MAX_DAYS 99999\nb\n", "^PASS_MAX_DAYS", "PASS_MAX_DAYS 90", null, null, "a\nPASS_MAX_DAYS 90\nb\n")]
    [InlineData("x=1\nx=2\n", "^x=", "x=3", null, null, "x=1\nx=3\n")]
    [InlineData("a\nb\n", "^c", "c", null, null, "a\nb\nc\n")]
    [InlineData("a\n# anchor\nb\n", "^c", "c", "^# anchor", null, "a\n# anchor\nc\nb\n")]
    [InlineData("a\nb\n", null, "first", null, "BOF", "first\na\nb\n")]
    [InlineData("a\nkeep\n", null, "keep", null, null, "a\nkeep\n")]
    [InlineData("no newline", null, "added", null, null, "no newline\nadded\n")]
    [InlineData("", null, "only", null, null, "only\n")]
    public void LineInFile_Edit_MatchesAnsible(string text, string? regexp, string line, string? after, string? before, string expected)
    {
        var args = Args(("path", "/x"), ("line", line), ("regexp", regexp), ("insertafter", after), ("insertbefore", before));

        Assert.Equal(expected, LineInFileModule.Edit(text, args));
    }

    // Each expected text is what Ansible 2.14's lineinfile left in the file.
    [Theory]
    [InlineData("x=1\ny=0\nx=2\n", "^x=", "x=3", null, null, true, "x=3\ny=0\nx=2\n")]
    [InlineData("a\nb\n", null, "z", "BOF", null, false, "z\na\nb\n")]
    [InlineData("h\na\nh\n", null, "z", "^h", null, true, "h\nz\na\nh\n")]
    [InlineData("h\na\nh\n", null, "z", null, "^h", false, "h\na\nz\nh\n")]
    [InlineData("a\nlast", "^last", "last2", null, null, false, "a\nlast2\n")]
    [InlineData("a\nz", null, "z", null, null, false, "a\nz\n")]
    [InlineData("h\nz\nh\n", null, "z", "^h", null, true, "h\nz\nh\n")]
    public void LineInFile_FirstMatchAndEnds_MatchAnsible(string text, string? regexp, string line, string? after, string? before, bool firstmatch, string expected) =>
        Assert.Equal(expected, LineInFileModule.Edit(text, Args(("path", "/x"), ("line", line), ("regexp", regexp), ("insertafter", after), ("insertbefore", before), ("firstmatch", firstmatch))));

    [Fact]
    public void LineInFile_BackrefsWithoutMatch_LeavesFileAlone() =>
        Assert.Equal("a\n", LineInFileModule.Edit("a\n", Args(("path", "/x"), ("regexp", "^(b)=.*"), ("line", "\\1=2"), ("backrefs", true))));

    [Fact]
    public void LineInFile_Backrefs_ReplaceGroups() =>
        Assert.Equal("key=new # old\n", LineInFileModule.Edit("key=old\n", Args(("path", "/x"), ("regexp", "^(key)=(.*)$"), ("line", "\\1=new # \\2"), ("backrefs", true))));

    [Fact]
    public void LineInFile_AbsentByRegexp_RemovesEveryMatch() =>
        Assert.Equal("keep\n", LineInFileModule.Edit("x=1\nkeep\nx=2\n", Args(("path", "/x"), ("regexp", "^x="), ("state", "absent"))));

    [Fact]
    public void LineInFile_RealFile_ChangeThenNoOpAndCreate()
    {
        var path = _files.Write("login.defs", "UMASK 022\n");
        var args = Args(("path", path), ("regexp", "^UMASK"), ("line", "UMASK 027"));

        var change = Assert.IsType<Change>(Apply(new LineInFileModule(), args));
        var created = Apply(new LineInFileModule(), Args(("path", PathOf("new.conf")), ("line", "a"), ("create", true)));
        var missing = Apply(new LineInFileModule(), Args(("path", PathOf("absent.conf")), ("line", "a")));

        Assert.Contains("-UMASK 022", change.Diff, StringComparison.Ordinal);
        Assert.Equal("UMASK 027\n", File.ReadAllText(path));
        Assert.IsType<NoChange>(Apply(new LineInFileModule(), args));
        Assert.IsType<Change>(created);
        Assert.Equal("a\n", File.ReadAllText(PathOf("new.conf")));
        Assert.IsType<PlanFailure>(missing);
    }

    [Fact]
    public void LineInFile_CreateInMissingDirectory_CreatesItsParentsAsAnsible()
    {
        var path = PathOf("new.d/sub/app.conf");

        var plan = Apply(new LineInFileModule(), Args(("path", path), ("line", "a"), ("create", true)));

        Assert.IsType<Change>(plan);
        Assert.Equal("a\n", File.ReadAllText(path));
    }

    [Fact]
    public void Copy_DestIsSymbolicLink_ReplacesTheLinkWithAFile_AndLeavesTheTarget()
    {
        // Ansible's follow: false (the default): the link itself becomes the file, the file it led to stays as it was.
        var target = _files.Write("target", "old\n");
        var link = PathOf("link");
        File.CreateSymbolicLink(link, target);

        var plan = Assert.IsType<Change>(Apply(new CopyModule(), Args(("dest", link), ("content", "new\n"))));

        Assert.Equal([$"{link}: symbolic link replaced by a file"], plan.Changes);
        Assert.Null(new FileInfo(link).LinkTarget);
        Assert.Equal("new\n", File.ReadAllText(link));
        Assert.Equal("old\n", File.ReadAllText(target));
    }

    [Fact]
    public void LineInFile_HostileLine_IsWrittenLiterally()
    {
        var canary = PathOf("CANARY");
        var path = _files.Write("f", "");
        var line = $"$(touch {canary}) `touch {canary}` '; touch {canary}; '";

        Apply(new LineInFileModule(), Args(("path", path), ("line", line)));

        Assert.Equal(line + "\n", File.ReadAllText(path));
        Assert.False(File.Exists(canary));
    }

    [Fact]
    public void BlockInFile_InsertReplaceRemove()
    {
        var inserted = BlockInFileModule.Edit("a\n", Args(("path", "/x"), ("block", "b\nc")));
        var replaced = BlockInFileModule.Edit(inserted, Args(("path", "/x"), ("block", "d")));
        var removed = BlockInFileModule.Edit(replaced, Args(("path", "/x"), ("state", "absent")));

        Assert.Equal("a\n# BEGIN ANSIBLE MANAGED BLOCK\nb\nc\n# END ANSIBLE MANAGED BLOCK\n", inserted);
        Assert.Equal("a\n# BEGIN ANSIBLE MANAGED BLOCK\nd\n# END ANSIBLE MANAGED BLOCK\n", replaced);
        Assert.Equal("a\n", removed);
    }

    [Fact]
    public void FileFact_Parse_MissingDirectoryEmptyAndNoTrailingNewline()
    {
        _files.Write("empty", "");
        _files.Write("partial", "no newline");
        var facts = new[] { new FileFact(PathOf("nothing"), true), new FileFact(_files.Dir, true), new FileFact(PathOf("empty"), true), new FileFact(PathOf("partial"), true) };

        var cache = Gather(facts);

        Assert.Equal(FileType.Missing, cache.Get(facts[0]).Type);
        Assert.Equal(FileType.Directory, cache.Get(facts[1]).Type);
        Assert.Equal("", cache.Get(facts[2]).Text);
        Assert.Equal("no newline", cache.Get(facts[3]).Text);
    }

    public void Dispose() => _files.Dispose();
}
