using Fleet.Core.Modules;
using Fleet.Core.Modules.Find;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>find against a real tree on this machine: Ansible's selection (names, type, depth, hidden, age, size, content) and its result shape.</summary>
public sealed class FindModuleTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fleet-find-" + Guid.NewGuid().ToString("N"));

    public FindModuleTests()
    {
        Directory.CreateDirectory(_root);
        // a.txt (old, 3 bytes), b.log (2 KiB), .hidden, it's $(x).txt, sub/c.txt, sub/deep/d.txt, sub/.dot/e.txt, link -> a.txt, dirlink -> sub
        Sh($"""
            cd '{_root}'
            printf 'hi\n' > a.txt && touch -d '2000-01-01' a.txt
            head -c 2048 /dev/zero > b.log
            echo x > .hidden
            printf 'PasswordAuthentication yes\n' > "it's \$(x).txt"
            mkdir -p sub/deep sub/.dot && echo 'needle here' > sub/c.txt && echo d > sub/deep/d.txt && echo e > sub/.dot/e.txt
            ln -s a.txt link && ln -s sub dirlink
            """);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static ModuleArguments A(params (string, object?)[] values) => Args(values);

    private (IReadOnlyList<Dictionary<string, object?>> Files, NoChange Plan) Find(params (string, object?)[] values)
    {
        var plan = Assert.IsType<NoChange>(Apply(new FindModule(), A([.. values, ("paths", (IReadOnlyList<string>)[_root])])));
        var files = ((List<object?>)plan.Data["files"]!).Cast<Dictionary<string, object?>>().ToList();
        return (files, plan);
    }

    private List<string> Relative(IEnumerable<Dictionary<string, object?>> files) =>
        files.Select(f => ((string)f["path"]!)[(_root.Length + 1)..]).ToList();

    [Fact]
    public void Plan_Defaults_RegularFilesOfTheTopDirectory_NotHidden_NeverChanged()
    {
        var (files, plan) = Find();

        Assert.Equal(["a.txt", "b.log", "it's $(x).txt"], Relative(files).Order(StringComparer.Ordinal));
        Assert.Equal(3, plan.Data["matched"]);
        Assert.Equal(7L, plan.Data["examined"]); // a.txt b.log .hidden it's… sub link dirlink
        Assert.Equal("All paths examined", plan.Data["msg"]);
        var a = files.Single(f => ((string)f["path"]!).EndsWith("/a.txt", StringComparison.Ordinal));
        Assert.Equal("0644", a["mode"]);
        Assert.Equal(3L, a["size"]);
        Assert.Equal(0L, a["uid"]);
        Assert.Equal("root", a["pw_name"]);
        Assert.Equal(true, a["isreg"]);
        Assert.Equal(false, a["islnk"]);
        Assert.Equal(946684800.0, (double)a["mtime"]!, 0);
    }

    [Fact]
    public void Plan_Recurse_WalksLikeOsWalk_FilesBeforeDirectories_AndHiddenDirectoriesAreEntered()
    {
        var (files, _) = Find(("recurse", true), ("file_type", "any"));

        // os.walk: the top's non-directories (links to files too), then its directories (dirlink too), then sub's walk; dirlink not entered.
        var order = Relative(files);
        Assert.True(order.IndexOf("sub") > order.IndexOf("link"), string.Join(", ", order));
        Assert.True(order.IndexOf("sub/c.txt") > order.IndexOf("dirlink"), string.Join(", ", order));
        Assert.Contains("sub/.dot/e.txt", order); // hidden directory walked, its visible files reported
        Assert.DoesNotContain("sub/.dot", order);
        Assert.DoesNotContain(order, p => p.StartsWith("dirlink/", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_Depth_LimitsTheReportedLevel_ButCountsTheEntriesOfTheDeepestWalkedDirectories()
    {
        var (files, plan) = Find(("recurse", true), ("depth", 2), ("file_type", "any"), ("hidden", true));

        Assert.Contains("sub/c.txt", Relative(files));
        Assert.DoesNotContain("sub/deep/d.txt", Relative(files));
        Assert.Equal(12L, plan.Data["examined"]); // 7 at the top, 3 in sub, 1 each in sub/deep and sub/.dot (examined at depth 3, not reported), as Ansible counts
    }

    [Fact]
    public void Plan_FileTypes_LinkAndDirectory()
    {
        Assert.Equal(["dirlink", "link"], Relative(Find(("file_type", "link")).Files).Order(StringComparer.Ordinal));
        var dirs = Find(("file_type", "directory"), ("recurse", true), ("hidden", true)).Files;
        Assert.Equal(["sub", "sub/.dot", "sub/deep"], Relative(dirs).Order(StringComparer.Ordinal));
        Assert.All(dirs, d => Assert.Equal(true, d["isdir"]));
        var link = Find(("file_type", "link"), ("patterns", (IReadOnlyList<string>)["link"])).Files.Single();
        Assert.Equal("0777", link["mode"]);
        Assert.Equal(5L, link["size"]); // the length of "a.txt": lstat, as Ansible
    }

    [Fact]
    public void Plan_GlobsAndRegexes_MatchTheBaseName_ExcludesAfterPatterns()
    {
        Assert.Equal(["a.txt", "it's $(x).txt"], Relative(Find(("patterns", (IReadOnlyList<string>)["*.txt"])).Files).Order(StringComparer.Ordinal));
        Assert.Equal(["b.log"], Relative(Find(("patterns", (IReadOnlyList<string>)["[!a]*.???"]), ("excludes", (IReadOnlyList<string>)["*.txt"])).Files));
        // re.match: anchored at the start only
        Assert.Equal(["a.txt", "b.log"], Relative(Find(("patterns", (IReadOnlyList<string>)["[ab]\\."]), ("use_regex", true)).Files).Order(StringComparer.Ordinal));
        Assert.Empty(Find(("patterns", (IReadOnlyList<string>)["txt"]), ("use_regex", true)).Files);
        Assert.Equal([".hidden"], Relative(Find(("patterns", (IReadOnlyList<string>)[".h*"]), ("hidden", true)).Files));
    }

    [Fact]
    public void Plan_AgeAndSize_WithUnitsAndNegatives()
    {
        Assert.Equal(["a.txt"], Relative(Find(("age", "4w")).Files));
        Assert.DoesNotContain("a.txt", Relative(Find(("age", "-1d")).Files));
        Assert.Equal(["b.log"], Relative(Find(("size", "2k")).Files));
        Assert.DoesNotContain("b.log", Relative(Find(("size", "-1k")).Files));
        Assert.IsType<PlanFailure>(new FindModule().Plan(A(("paths", (IReadOnlyList<string>)[_root]), ("age", "3 days")), Gather([]), new ModuleContext("l", false, "/")));
    }

    [Fact]
    public void Plan_Contains_MatchesALineFromItsStart_OrTheWholeFile()
    {
        Assert.Equal(["sub/c.txt"], Relative(Find(("recurse", true), ("contains", "needle")).Files));
        Assert.Empty(Find(("recurse", true), ("contains", "here")).Files);
        Assert.Equal(["sub/c.txt"], Relative(Find(("recurse", true), ("contains", "here"), ("read_whole_file", true)).Files));
        Assert.Equal(["it's $(x).txt"], Relative(Find(("contains", "Password\\w+ yes$")).Files));
    }

    [Fact]
    public void Plan_NotADirectory_IsSkippedWithAWarning_LikeAnsible()
    {
        var plan = Assert.IsType<NoChange>(Apply(new FindModule(), A(("paths", (IReadOnlyList<string>)[_root + "/a.txt", _root + "/sub"]))));

        Assert.Equal(1, plan.Data["matched"]);
        Assert.Contains("is not a directory", Assert.Single(plan.Warnings), StringComparison.Ordinal);
        Assert.Equal("Not all paths examined, check warnings for details", plan.Data["msg"]);
    }

    [Fact]
    public void Plan_GetChecksum_IsRefusedByName()
    {
        var plan = Assert.IsType<PlanFailure>(new FindModule().Plan(A(("paths", (IReadOnlyList<string>)[_root]), ("get_checksum", true)), Gather([]), new ModuleContext("l", false, "/")));

        Assert.Contains("get_checksum", plan.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Facts_ShellInjectionInEveryStringParameter_ReachesNoShell()
    {
        var marker = Path.Combine(_root, "pwned");
        var evil = $"x'; touch {marker}; echo '$(touch {marker})`touch {marker}`";
        var plan = Apply(new FindModule(), A(
            ("paths", (IReadOnlyList<string>)[evil, _root]), ("patterns", (IReadOnlyList<string>)[evil]), ("excludes", (IReadOnlyList<string>)[evil]),
            ("contains", evil), ("age_stamp", "mtime")));

        Assert.IsType<NoChange>(plan);
        Assert.False(File.Exists(marker));
        Assert.Equal(0, ((NoChange)plan).Data["matched"]);
    }
}
