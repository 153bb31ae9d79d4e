using Fleet.Core.Modules;
using Fleet.Core.Modules.DpkgDivert;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>dpkg_divert: the planner from recorded diversion states to Ansible's dpkg-divert commands, and the fact's parser.</summary>
public sealed class DpkgDivertModuleTests
{
    private const string Path = "/etc/issue";

    private static readonly Diversion NotDiverted = new(null, null, PathExists: true, TargetExists: false, DivertExists: false);

    private static readonly Diversion LocalDistrib = new("LOCAL", Path + ".distrib", PathExists: true, TargetExists: false, DivertExists: false);

    private static TaskPlan Plan(Diversion before, params (string Key, object? Value)[] args)
    {
        var arguments = Args([("path", Path), .. args]);
        return DpkgDivertModule.Plan(arguments, new DiversionFact(Path, arguments.GetString("divert") ?? Path + ".distrib"), before);
    }

    [Fact]
    public void Plan_NotDiverted_AddsLocalDiversionWithoutRename()
    {
        var plan = Assert.IsType<Change>(Plan(NotDiverted));

        Assert.Contains("if ! dpkg-divert --no-rename --local --add /etc/issue; then echo 'Unexpected error", plan.Script, StringComparison.Ordinal);
        Assert.Equal(["/etc/issue diverted to /etc/issue.distrib by LOCAL"], plan.Changes);
    }

    [Fact]
    public void Plan_AlreadyDiverted_IsNoOp() =>
        Assert.IsType<NoChange>(Plan(LocalDistrib));

    [Fact]
    public void Plan_HolderLocalWritten_IsTheSameAsDefault() =>
        Assert.IsType<NoChange>(Plan(LocalDistrib, ("holder", "LOCAL")));

    [Fact]
    public void Plan_OtherTarget_RemovesThenAddsAndMovesTheFile()
    {
        var plan = Assert.IsType<Change>(Plan(LocalDistrib, ("divert", "/etc/issue.orig"), ("rename", true)));

        Assert.Contains("dpkg-divert --no-rename --remove /etc/issue\ndpkg-divert --no-rename --local --divert /etc/issue.orig --add /etc/issue\n", plan.Script, StringComparison.Ordinal);
        Assert.Contains("if [ -e /etc/issue.distrib ] && [ ! -e /etc/issue.orig ]; then mv -- /etc/issue.distrib /etc/issue.orig || true; fi", plan.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_OtherHolder_PassesThePackage()
    {
        var plan = Assert.IsType<Change>(Plan(NotDiverted, ("holder", "base-files")));

        Assert.Contains("dpkg-divert --no-rename --package base-files --add /etc/issue", plan.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Absent_RemovesDiversion()
    {
        var plan = Assert.IsType<Change>(Plan(LocalDistrib, ("state", "absent"), ("rename", true)));

        Assert.Contains("if ! dpkg-divert --rename --remove /etc/issue; then", plan.Script, StringComparison.Ordinal);
        Assert.Equal(["diversion of /etc/issue removed"], plan.Changes);
    }

    [Fact]
    public void Plan_AbsentAndNotDiverted_IsNoOp() =>
        Assert.IsType<NoChange>(Plan(NotDiverted, ("state", "absent")));

    [Fact]
    public void Plan_RenameOverExistingTarget_NeedsForce()
    {
        var both = NotDiverted with { TargetExists = true };

        var refused = Assert.IsType<Change>(Plan(both, ("rename", true)));
        var forced = Assert.IsType<Change>(Plan(both, ("rename", true), ("force", true)));

        Assert.Contains("Set 'force' param to True to force renaming of files.", refused.Script, StringComparison.Ordinal);
        Assert.Contains("then rm -f -- /etc/issue.distrib; dpkg-divert --rename --local --add /etc/issue; fi", forced.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ShellCharactersInPath_AreQuoted()
    {
        var arguments = Args(("path", "/etc/a b;rm -rf /"));
        var plan = Assert.IsType<Change>(DpkgDivertModule.Plan(arguments, new DiversionFact("/etc/a b;rm -rf /", "/etc/a b;rm -rf /.distrib"), NotDiverted));

        Assert.Contains("--add '/etc/a b;rm -rf /'", plan.Script, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\n\n0\n1\n0\n", 0, null, null, true, false, false)]
    [InlineData("LOCAL\n/etc/issue.distrib\n1\n1\n1\n", 0, "LOCAL", "/etc/issue.distrib", true, true, true)]
    [InlineData("base-files\n/etc/issue.orig\n0\n0\n0\n", 0, "base-files", "/etc/issue.orig", false, false, false)]
    public void Fact_Parse_ReadsHolderTargetAndFiles(string stdout, int exit, string? holder, string? divert, bool pathExists, bool targetExists, bool divertExists) =>
        Assert.Equal(new Diversion(holder, divert, pathExists, targetExists, divertExists), new DiversionFact(Path, Path + ".distrib").Parse(stdout, exit));

    [Fact]
    public void Fact_NoDpkgDivert_IsAnError() =>
        Assert.NotNull(new DiversionFact(Path, Path + ".distrib").Parse("", 3).Error);
}
