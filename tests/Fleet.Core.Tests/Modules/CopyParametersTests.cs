using System.Security.Cryptography;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Copy;
using Fleet.Core.Modules.Files;
using Fleet.Core.Modules.Templates;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>copy's and template's follow, local_follow, checksum and mode: preserve, as Ansible's; scripts run for real with /bin/sh.</summary>
public sealed class CopyParametersTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private string PathOf(string name) => Path.Combine(_files.Dir, name);

    private ModuleContext Context => new("local", false, _files.Dir);

    private static string Mode(string path) => Gather([new FileFact(path)]).Get(new FileFact(path)).Mode!;

#pragma warning disable CA5350 // Ansible's copy checksum is SHA-1
    private static string Sha1(string text) => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5350

    [Fact]
    public void Checksum_OfAnotherSource_FailsWithAnsiblesMessage_AndWritesNothing()
    {
        _files.Write("files/app.conf", "right\n");
        var dest = PathOf("app.conf");

        var failure = Assert.IsType<PlanFailure>(Apply(new CopyModule(), Args(("src", "app.conf"), ("dest", dest), ("checksum", Sha1("other\n"))), Context));

        Assert.Equal("Copied file does not match the expected checksum. Transfer failed.", failure.Message);
        Assert.Equal((Sha1("right\n"), Sha1("other\n")), (failure.Data["checksum"], failure.Data["expected_checksum"]));
        Assert.False(File.Exists(dest));
    }

    [Fact]
    public void Checksum_OfTheSource_Copies_AndADestAlreadyEqualIsNotChecked()
    {
        _files.Write("files/app.conf", "right\n");
        var dest = PathOf("app.conf");

        var copied = Apply(new CopyModule(), Args(("src", "app.conf"), ("dest", dest), ("checksum", Sha1("right\n"))), Context);
        // As Ansible's action: no transfer, no check (the file module only sets attributes).
        var same = Apply(new CopyModule(), Args(("src", "app.conf"), ("dest", dest), ("checksum", Sha1("other\n"))), Context);

        Assert.IsType<Change>(copied);
        Assert.IsType<NoChange>(same);
    }

    [Fact]
    public void Checksum_WithRemoteSrc_IsCheckedEvenWhenDestIsEqual()
    {
        var src = _files.Write("src.conf", "x\n");
        var dest = _files.Write("dest.conf", "x\n");

        var plan = Apply(new CopyModule(), Args(("src", src), ("remote_src", true), ("dest", dest), ("checksum", Sha1("y\n"))));

        Assert.Equal(CopyModule.ChecksumMismatch, Assert.IsType<PlanFailure>(plan).Message);
    }

    [Fact]
    public void ModePreserve_GivesTheControllerFilesMode_AndTheRemoteSourcesMode()
    {
        var local = _files.Write("files/run.sh", "#!/bin/sh\n");
        Assert.Equal(0, Sh($"chmod 0750 '{local}'").Exit);
        var remote = _files.Write("remote.sh", "#!/bin/sh\necho\n");
        Assert.Equal(0, Sh($"chmod 0700 '{remote}'").Exit);

        Apply(new CopyModule(), Args(("src", "run.sh"), ("dest", PathOf("out.sh")), ("mode", "preserve")), Context);
        Apply(new CopyModule(), Args(("src", remote), ("remote_src", true), ("dest", PathOf("copied.sh")), ("mode", "preserve")), Context);
        Apply(new CopyModule(), Args(("content", "x\n"), ("dest", PathOf("content.txt")), ("mode", "preserve")), Context);

        Assert.Equal(("0750", "0700", "0600"), (Mode(PathOf("out.sh")), Mode(PathOf("copied.sh")), Mode(PathOf("content.txt"))));
    }

    [Fact]
    public void ModePreserve_InADirectoryCopy_GivesEachFileItsOwnMode()
    {
        var a = _files.Write("tree/a.sh", "a\n");
        _files.Write("tree/b.txt", "b\n");
        Assert.Equal(0, Sh($"chmod 0755 '{a}'; chmod 0640 '{PathOf("tree/b.txt")}'").Exit);

        Apply(new CopyModule(), Args(("src", "tree/"), ("dest", PathOf("out")), ("mode", "preserve")), Context);

        Assert.Equal(("0755", "0640"), (Mode(PathOf("out/a.sh")), Mode(PathOf("out/b.txt"))));
    }

    [Fact]
    public void FollowTrue_WritesTheFileTheLinkLeadsTo_AndKeepsTheLink_ThenIsNoOp()
    {
        var target = _files.Write("real.conf", "old\n");
        var link = PathOf("link.conf");
        File.CreateSymbolicLink(link, target);
        var args = Args(("dest", link), ("content", "new\n"), ("follow", true));

        var first = Assert.IsType<Change>(Apply(new CopyModule(), args));
        var second = Apply(new CopyModule(), args);

        Assert.Equal([$"{target} content changed"], first.Changes);
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        Assert.Equal("new\n", File.ReadAllText(target));
        Assert.IsType<NoChange>(second);
    }

    [Fact]
    public void FollowTrue_OnAPlainFileOrNothing_IsTheFileItself()
    {
        var dest = PathOf("plain.conf");

        Apply(new CopyModule(), Args(("dest", dest), ("content", "x\n"), ("follow", true)));

        Assert.Equal("x\n", File.ReadAllText(dest));
        Assert.IsType<NoChange>(Apply(new CopyModule(), Args(("dest", dest), ("content", "x\n"), ("follow", true))));
    }

    [Fact]
    public void ResolvedFileFact_ParsesTheResolvedPathThenTheFile()
    {
        var fact = new ResolvedFileFact("/etc/link");

        var value = fact.Parse("resolved:/etc/real file\nregular file|644|root|root|0|0|2\ncontent:\neAo=\n", 0);

        Assert.Equal("/etc/real file", value.Path);
        Assert.Equal("x\n", value.State.Text);
    }

    [Fact]
    public void LocalFollowFalse_CopiesLinksAsLinks_ThenIsNoOp()
    {
        _files.Write("tree/real.conf", "r\n");
        File.CreateSymbolicLink(PathOf("tree/alias.conf"), "real.conf");
        var args = Args(("src", "tree/"), ("dest", PathOf("out")), ("local_follow", false));

        var first = Assert.IsType<Change>(Apply(new CopyModule(), args, Context));
        var second = Apply(new CopyModule(), args, Context);

        Assert.Contains($"{PathOf("out")}/alias.conf → real.conf linked", first.Changes);
        Assert.Equal("real.conf", new FileInfo(PathOf("out/alias.conf")).LinkTarget);
        Assert.IsType<NoChange>(second);
    }

    [Fact]
    public void LocalFollowDefault_CopiesWhatTheLinkLeadsTo()
    {
        _files.Write("tree/real.conf", "r\n");
        File.CreateSymbolicLink(PathOf("tree/alias.conf"), "real.conf");

        Apply(new CopyModule(), Args(("src", "tree/"), ("dest", PathOf("out"))), Context);

        Assert.Null(new FileInfo(PathOf("out/alias.conf")).LinkTarget);
        Assert.Equal("r\n", File.ReadAllText(PathOf("out/alias.conf")));
    }

    [Fact]
    public void Template_ModePreserveAndFollow_AsCopy()
    {
        var source = _files.Write("templates/motd.j2", "hello\n");
        Assert.Equal(0, Sh($"chmod 0604 '{source}'").Exit);
        var target = _files.Write("real-motd", "old\n");
        var link = PathOf("motd");
        File.CreateSymbolicLink(link, target);

        Apply(new TemplateModule(), Args(("src", "motd.j2"), ("dest", link), ("mode", "preserve"), ("follow", true)), Context);

        Assert.Equal(target, new FileInfo(link).LinkTarget);
        Assert.Equal(("hello\n", "0604"), (File.ReadAllText(target), Mode(target)));
    }
}
