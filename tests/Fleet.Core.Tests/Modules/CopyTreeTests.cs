using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Copy;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>copy with a controller directory as src, as Ansible's copy action walks it; scripts run for real with /bin/sh.</summary>
public sealed class CopyTreeTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private string PathOf(string name) => Path.Combine(_files.Dir, name);

    private string Source()
    {
        _files.Write("conf.d/a.conf", "a\n");
        _files.Write("conf.d/sub/b.conf", "b\n");
        Directory.CreateDirectory(PathOf("conf.d/empty"));
        return PathOf("conf.d");
    }

    private TaskPlan Copy(params (string, object?)[] args) => Apply(new CopyModule(), Args(args), new ModuleContext("local", false, _files.Dir));

    private static string Mode(string path) => Gather([new FileFact(path)]).Get(new FileFact(path)).Mode!;

    [Fact]
    public void Walk_WithoutTrailingSlash_KeepsTheDirectorysName()
    {
        var tree = CopyTree.Walk(Source(), contents: false);

        Assert.Equal(["conf.d/a.conf", "conf.d/sub/b.conf"], tree.Files.Select(f => f.Relative));
        Assert.Equal(["conf.d/empty", "conf.d/sub"], tree.Directories);
        Assert.Equal(["", "conf.d", "conf.d/empty", "conf.d/sub"], tree.AllDirectories());
    }

    [Fact]
    public void Walk_WithTrailingSlash_CopiesTheContents()
    {
        var tree = CopyTree.Walk(Source() + "/", contents: true);

        Assert.Equal(["a.conf", "sub/b.conf"], tree.Files.Select(f => f.Relative));
        Assert.Equal(["empty", "sub"], tree.Directories);
    }

    [Fact]
    public void Plan_DirectoryWithoutSlash_CreatesDestNameAndModesThenIsNoOp()
    {
        Source();
        var dest = PathOf("out");

        var first = Assert.IsType<Change>(Copy(("src", "conf.d"), ("dest", dest), ("mode", "0600"), ("directory_mode", "0750")));
        var second = Copy(("src", "conf.d"), ("dest", dest), ("mode", "0600"), ("directory_mode", "0750"));

        Assert.Contains($"{dest}/conf.d/sub/b.conf created", first.Changes);
        Assert.Equal("b\n", File.ReadAllText(PathOf("out/conf.d/sub/b.conf")));
        Assert.True(Directory.Exists(PathOf("out/conf.d/empty")));
        Assert.Equal(("0600", "0750", "0750"), (Mode(PathOf("out/conf.d/a.conf")), Mode(PathOf("out/conf.d/sub")), Mode(PathOf("out/conf.d"))));
        Assert.IsType<NoChange>(second);
    }

    [Fact]
    public void Plan_DirectoryWithSlash_CopiesIntoAnExistingDestAndLeavesItsMode()
    {
        Source();
        var dest = PathOf("etc");
        Directory.CreateDirectory(dest);
        Sh($"chmod 0700 '{dest}'");

        Assert.IsType<Change>(Copy(("src", "conf.d/"), ("dest", dest), ("directory_mode", "0755")));

        Assert.Equal("a\n", File.ReadAllText(PathOf("etc/a.conf")));
        Assert.False(Directory.Exists(PathOf("etc/conf.d")));
        Assert.Equal(("0700", "0755"), (Mode(dest), Mode(PathOf("etc/sub"))));
    }

    [Fact]
    public void Plan_ExistingSubdirectoryWithOtherMode_GetsDirectoryMode()
    {
        Source();
        Directory.CreateDirectory(PathOf("etc/sub"));
        Sh($"chmod 0700 '{PathOf("etc/sub")}'");

        var plan = Assert.IsType<Change>(Copy(("src", "conf.d/"), ("dest", PathOf("etc")), ("directory_mode", "0755")));

        Assert.Contains($"{PathOf("etc/sub")} mode 0700 → 0755", plan.Changes);
        Assert.Equal("0755", Mode(PathOf("etc/sub")));
    }

    [Fact]
    public void Plan_ForceFalse_LeavesAnExistingFileAlone()
    {
        Source();
        _files.Write("etc/a.conf", "mine\n");

        Copy(("src", "conf.d/"), ("dest", PathOf("etc")), ("force", false));

        Assert.Equal("mine\n", File.ReadAllText(PathOf("etc/a.conf")));
        Assert.Equal("b\n", File.ReadAllText(PathOf("etc/sub/b.conf")));
    }

    [Fact]
    public void Plan_FileWhereADirectoryGoes_FailsNamingIt()
    {
        Source();
        _files.Write("etc/sub", "not a directory\n");

        var failure = Assert.IsType<PlanFailure>(Copy(("src", "conf.d/"), ("dest", PathOf("etc"))));

        Assert.Equal($"{PathOf("etc/sub")} exists and is not a directory", failure.Message);
    }

    [Fact]
    public void Validate_DirectorySrc_IsAcceptedAsAnsibleAcceptsIt()
    {
        Source();
        var loaded = Fleet.Core.Playbooks.PlaybookLoader.Load(_files.Write("site.yml", "- hosts: all\n  tasks:\n    - copy: { src: conf.d/, dest: /etc/app/, directory_mode: \"0755\" }\n"), ModuleCatalog.Default);

        Assert.Empty(Fleet.Core.Playbooks.PlaybookValidator.Validate([loaded], null, new Dictionary<string, object?>(), ModuleCatalog.Default));
    }

    [Fact]
    public void Plan_LinkThatLeadsNowhere_FailsTheTask()
    {
        Source();
        File.CreateSymbolicLink(PathOf("conf.d/dangling"), PathOf("nowhere"));

        var failure = Assert.IsType<PlanFailure>(Copy(("src", "conf.d/"), ("dest", PathOf("etc"))));

        Assert.Contains("symbolic link that leads nowhere", failure.Message, StringComparison.Ordinal);
    }
}
