using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Unarchive;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>
/// unarchive: the planner on recorded tar --diff output and handler reasons (pure), then real archives unpacked with this machine's
/// tar by the fact and change scripts, as on a host.
/// </summary>
public sealed class UnarchiveModuleTests : IDisposable
{
    private static readonly StatState Dest = new(true, "directory", "0755", "root", "root", 0, 0, 4096, null, null);

    private static readonly ArchiveOptions Options = new("/opt/app", "", "", "", null, null, null, false);

    private readonly string _dir = Directory.CreateTempSubdirectory("fleet-unarchive-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ArchiveState Tar(IReadOnlyList<string> diff, int uid = 0) =>
        new(null, uid, "TgzArchive", [], ["app/", "app/run.sh", "app/conf"], diff, [], new Dictionary<string, PathAttributes>());

    private static TaskPlan Plan(ArchiveState state, ArchiveOptions? options = null, params (string Key, object? Value)[] args) =>
        UnarchiveModule.Plan(Args([("src", "/tmp/app.tgz"), ("dest", "/opt/app"), .. args]), new ArchiveFact("/tmp/app.tgz", null, options ?? Options, false), state, Dest);

    [Fact]
    public void Plan_NoDifferences_IsNoOpWithAnsiblesResult()
    {
        var plan = Assert.IsType<NoChange>(Plan(Tar([]), null, ("list_files", true)));

        Assert.Equal("TgzArchive", plan.Data["handler"]);
        Assert.Equal(["app/", "app/run.sh", "app/conf"], (IEnumerable<object?>)plan.Data["files"]!);
    }

    [Fact]
    public void Plan_ContentOnlyDiffers_IsNoOpAsInAnsible() =>
        Assert.IsType<NoChange>(Plan(Tar(["app/conf: Size differs", "app/conf: Contents differ"])));

    [Fact]
    public void Plan_MissingFile_Extracts()
    {
        var plan = Assert.IsType<Change>(Plan(Tar(["tar: app/run.sh: Warning: Cannot stat: No such file or directory"])));

        Assert.Contains("\"$tar\" --extract -C /opt/app -z -f \"$src\"", plan.Script, StringComparison.Ordinal);
        Assert.Contains("src=/tmp/app.tgz", plan.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void TarDifferences_ModeAndOwner_CountUnlessTheTaskSetsThem()
    {
        IReadOnlyList<string> diff = ["app/run.sh: Mode differs", "app/run.sh: Uid differs"];

        Assert.Equal(2, UnarchiveModule.TarDifferences(Tar(diff), Options).Count);
        Assert.Empty(UnarchiveModule.TarDifferences(Tar(diff), Options with { Mode = "0755", Owner = "app" }));
        Assert.Equal(["app/run.sh: Mode differs"], UnarchiveModule.TarDifferences(Tar(diff, uid: 1000), Options));
    }

    [Fact]
    public void Plan_NoHandler_FailsWithAnsiblesMessage()
    {
        var state = new ArchiveState(null, 0, null, ["Unable to find required 'unzip' or 'zipinfo' binary in the path.", "Unable to find required 'unzip' or 'zipinfo' binary in the path."],
            [], [], [], new Dictionary<string, PathAttributes>());

        Assert.Equal("Failed to find handler for \"/tmp/app.tgz\". Make sure the required command to extract the file is installed.\nUnable to find required 'unzip' or 'zipinfo' binary in the path.",
            Assert.IsType<PlanFailure>(Plan(state)).Message);
    }

    [Fact]
    public void Members_ExcludeAndLeadingSlash_AsAnsible() =>
        Assert.Equal(["app/", "app/run.sh"], UnarchiveModule.Members(Tar([]) with { Files = ["/app/", "app/run.sh", "app/conf"] }, Options with { Excludes = "*conf" }, zip: false));

    [Fact]
    public void Unescape_TarOctalEscapes() => Assert.Equal("caf\u00e9\\x", UnarchiveModule.Unescape("caf\\303\\251\\\\x"));

    [Fact]
    public void Plan_ZipMemberDiffers_UnzipsWithAnsiblesCommand()
    {
        var state = new ArchiveState(null, 0, "ZipArchive", [], ["a/", "a/b"], [], [("same", "a/"), ("differs", "a/b")], new Dictionary<string, PathAttributes>());

        var plan = Assert.IsType<Change>(Plan(state, Options with { Excludes = "x" }));

        Assert.Contains("unzip -o \"$src\" -x x -d /opt/app", plan.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_UnpackedButModeDiffers_SetsModeOnly()
    {
        var attributes = new Dictionary<string, PathAttributes>
        {
            ["app"] = new("0755", "0", "root", "0", "root", true, false),
            ["app/run.sh"] = new("0700", "0", "root", "0", "root", false, false),
            ["app/conf"] = new("0755", "0", "root", "0", "root", false, false),
        };

        var plan = Assert.IsType<Change>(Plan(Tar([]) with { Attributes = attributes }, Options with { Mode = "u=rwX,go=rX" }));

        Assert.DoesNotContain("--extract", plan.Script, StringComparison.Ordinal);
        Assert.Contains("for p in app/run.sh; do", plan.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_RealTarGz_UnpacksThenIsNoOp()
    {
        var (archive, dest) = MakeTarGz();

        var first = Apply(new UnarchiveModule(), Args(("src", archive), ("dest", dest), ("remote_src", true), ("mode", "u=rwX,go=rX")));
        var second = Apply(new UnarchiveModule(), Args(("src", archive), ("dest", dest), ("remote_src", true), ("mode", "u=rwX,go=rX")));

        Assert.IsType<Change>(first);
        Assert.Equal("hello\n", File.ReadAllText(Path.Combine(dest, "app", "conf")));
        Assert.IsType<NoChange>(second);
    }

    [Fact]
    public void Apply_ControllerArchive_IsCarriedInTheScript()
    {
        var (archive, dest) = MakeTarGz();
        var context = new ModuleContext("local", false, _dir);

        var first = Apply(new UnarchiveModule(), Args(("src", Path.GetFileName(archive)), ("dest", dest)), context);
        File.WriteAllText(Path.Combine(dest, "app", "conf"), "changed\n");
        File.SetLastWriteTimeUtc(Path.Combine(dest, "app", "conf"), DateTime.UtcNow.AddDays(1));
        var second = Apply(new UnarchiveModule(), Args(("src", Path.GetFileName(archive)), ("dest", dest)), context);

        Assert.IsType<Change>(first);
        Assert.IsType<Change>(second);
        Assert.Equal("hello\n", File.ReadAllText(Path.Combine(dest, "app", "conf")));
        Assert.IsType<NoChange>(Apply(new UnarchiveModule(), Args(("src", Path.GetFileName(archive)), ("dest", dest)), context));
    }

    [Fact]
    public void CheckCombination_UnimplementedParameters_AreNamed() =>
        Assert.Equal(["parameters are mutually exclusive: include|exclude", "parameter 'validate_certs' is not implemented by Fleet", "parameter 'attributes' is not implemented by Fleet"],
            new UnarchiveModule().CheckCombination(new HashSet<string> { "include", "exclude", "validate_certs", "attributes" }));

    [Fact]
    public void Apply_RealZip_UnpacksThenIsNoOpThenRestoresAChangedMember()
    {
        var archive = Path.Combine(_dir, "site.zip");
        using (var zip = System.IO.Compression.ZipFile.Open(archive, System.IO.Compression.ZipArchiveMode.Create))
        {
            using var writer = new StreamWriter(zip.CreateEntry("site/index.html").Open());
            writer.Write("<h1>site</h1>\n");
        }

        var dest = Directory.CreateTempSubdirectory("fleet-unzip-").FullName;
        var args = Args(("src", archive), ("dest", dest), ("remote_src", true));

        var first = Apply(new UnarchiveModule(), args);
        var second = Apply(new UnarchiveModule(), args);
        File.WriteAllText(Path.Combine(dest, "site", "index.html"), "edited\n");
        var third = Apply(new UnarchiveModule(), args);

        Assert.Equal("ZipArchive", Assert.IsType<Change>(first).Data["handler"]);
        Assert.IsType<NoChange>(second);
        Assert.IsType<Change>(third);
        Assert.Equal("<h1>site</h1>\n", File.ReadAllText(Path.Combine(dest, "site", "index.html")));
        Directory.Delete(dest, recursive: true);
    }

    [Fact]
    public void Apply_MissingDest_FailsAsAnsible() =>
        Assert.Equal($"dest '{_dir}/nope' must be an existing dir",
            Assert.IsType<PlanFailure>(Apply(new UnarchiveModule(), Args(("src", MakeTarGz().Archive), ("dest", _dir + "/nope"), ("remote_src", true)))).Message);

    private (string Archive, string Dest) MakeTarGz()
    {
        var tree = Path.Combine(_dir, "tree");
        Directory.CreateDirectory(Path.Combine(tree, "app"));
        File.WriteAllText(Path.Combine(tree, "app", "conf"), "hello\n");
        var archive = Path.Combine(_dir, "app.tgz");
        Assert.Equal(0, Sh($"tar -czf '{archive}' -C '{tree}' app").Exit);
        var dest = Path.Combine(_dir, "dest");
        Directory.CreateDirectory(dest);
        return (archive, dest);
    }
}
