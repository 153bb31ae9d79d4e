using System.Text.RegularExpressions;
using Fleet.Core.Execution;
using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Apt;
using Fleet.Core.Results;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>apt/package: the planner from fixtures of dpkg-query and apt-cache output; scripts run with fake apt tools on PATH.</summary>
public sealed partial class AptModuleTests : IDisposable
{
    private static readonly ModuleContext Apply = new("h", CheckMode: false, ".");
    private static readonly ModuleContext Check = new("h", CheckMode: true, ".");
    private readonly FakeCommands _fakes = new();

    public void Dispose() => _fakes.Dispose();

    private static DpkgPackage Installed(string name, string version) => new(name, "amd64", "installed", version);

    /// <summary>Facts as the engine would hold them: the task's package fact (and the cache age when given).</summary>
    private static FactCache Facts(ModuleArguments args, AptPackages packages, AptCacheAge? cache = null, IReadOnlyList<string>? autoremove = null)
    {
        var facts = new FactCache();
        foreach (var fact in new AptModule().Facts(args, Apply))
        {
            object value = fact switch
            {
                AptPackagesFact => packages,
                AptCacheFact => cache ?? throw new InvalidOperationException("cache age needed"),
                AptAutoremoveFact => autoremove ?? [],
                _ => throw new InvalidOperationException(fact.ToString()),
            };
            facts.Set(fact, value);
        }

        return facts;
    }

    private static TaskPlan Plan(ModuleArguments args, AptPackages packages, AptCacheAge? cache = null, ModuleContext? context = null, IReadOnlyList<string>? autoremove = null) =>
        new AptModule().Plan(args, Facts(args, packages, cache, autoremove), context ?? Apply);

    private static int AptGetRuns(string script) => AptGetCall().Count(script);

    [GeneratedRegex(@"(^|[\s(])apt-get\s", RegexOptions.Multiline)]
    private static partial Regex AptGetCall();

    [Fact]
    public void Plan_AllInstalled_IsNoOpWithoutRoundTrip()
    {
        var args = Args(("name", new[] { "cron", "sudo" }));

        var plan = Plan(args, new([Installed("cron", "3.0pl1-162"), Installed("sudo", "1.9.13p3-1")], null));

        Assert.Equal("cron, sudo installed", Assert.IsType<NoChange>(plan).Reason);
    }

    [Fact]
    public void Plan_Missing_InstallsOnlyItWithOneNoninteractiveAptGet()
    {
        var args = Args(("name", new[] { "cron", "acct" }));
        var facts = new AptPackages([Installed("cron", "3.0pl1-162")], new Dictionary<string, AptCandidate> { ["acct"] = new(null, "6.6.4-5+b1"), ["cron"] = new("3.0pl1-162", "3.0pl1-162") });

        var change = Assert.IsType<Change>(Plan(args, facts));

        Assert.Equal(["install acct 6.6.4-5+b1"], change.Changes);
        Assert.Equal(1, AptGetRuns(change.Script));
        Assert.Contains("export DEBIAN_FRONTEND=noninteractive", change.Script, StringComparison.Ordinal);
        Assert.Contains("apt-get -y -q -o DPkg::Lock::Timeout=60 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold install -- acct\n", change.Script, StringComparison.Ordinal);
        Assert.DoesNotContain(" update", change.Script, StringComparison.Ordinal);
        Assert.Contains(Subject.Package("acct"), change.Touches!);
        Assert.Contains(Subject.Service(null), change.Touches!);
    }

    [Fact]
    public void Plan_NoSourceHasIt_FailsBeforeRunningAnything()
    {
        var args = Args(("name", new[] { "nosuch" }));

        var plan = Plan(args, new([], new Dictionary<string, AptCandidate>()));

        Assert.Equal("No package matching 'nosuch' is available", Assert.IsType<PlanFailure>(plan).Message);
    }

    [Fact]
    public void Plan_AbsentInstalled_RemovesAndAbsentMissing_IsNoOp()
    {
        var args = Args(("name", new[] { "debsums" }), ("state", "absent"));

        var remove = Assert.IsType<Change>(Plan(args, new([Installed("debsums", "3.0.2.1")], null)));
        var none = Plan(args, new([new DpkgPackage("debsums", "", "not-installed", "")], null));

        Assert.Equal(["remove debsums 3.0.2.1"], remove.Changes);
        Assert.Contains(" remove -- debsums\n", remove.Script, StringComparison.Ordinal);
        Assert.Equal("debsums not installed", Assert.IsType<NoChange>(none).Reason);
    }

    [Fact]
    public void Plan_PurgeConfigFilesLeft_Purges_WithoutPurge_IsNoOp()
    {
        var rc = new AptPackages([new DpkgPackage("debsums", "all", "config-files", "3.0.2.1")], null);

        var purge = Assert.IsType<Change>(Plan(Args(("name", new[] { "debsums" }), ("state", "absent"), ("purge", true)), rc));
        var keep = Plan(Args(("name", new[] { "debsums" }), ("state", "absent")), rc);

        Assert.Contains(" purge -- debsums\n", purge.Script, StringComparison.Ordinal);
        Assert.IsType<NoChange>(keep);
    }

    [Fact]
    public void Plan_Latest_OlderInstalled_Upgrades_SameVersion_IsNoOp()
    {
        var args = Args(("name", new[] { "cron" }), ("state", "latest"));

        var upgrade = Assert.IsType<Change>(Plan(args, new([Installed("cron", "3.0pl1-161")], new Dictionary<string, AptCandidate> { ["cron"] = new("3.0pl1-161", "3.0pl1-162") })));
        var same = Plan(args, new([Installed("cron", "3.0pl1-162")], new Dictionary<string, AptCandidate> { ["cron"] = new("3.0pl1-162", "3.0pl1-162") }));

        Assert.Equal(["upgrade cron 3.0pl1-161 → 3.0pl1-162"], upgrade.Changes);
        Assert.Contains(" install -- cron\n", upgrade.Script, StringComparison.Ordinal);
        Assert.IsType<NoChange>(same);
    }

    [Fact]
    public void Plan_PinnedVersionDiffers_InstallsThatVersion()
    {
        var args = Args(("name", new[] { "cron=3.0pl1-160" }), ("allow_downgrade", true));

        var change = Assert.IsType<Change>(Plan(args, new([Installed("cron", "3.0pl1-162")], null)));

        Assert.Equal(["install cron 3.0pl1-160 (was 3.0pl1-162)"], change.Changes);
        Assert.Contains("--allow-downgrades install -- cron=3.0pl1-160\n", change.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_CacheFresh_DoesNotUpdate_CacheStale_UpdatesWithLockRetryThenStamps()
    {
        var args = Args(("name", new[] { "cron" }), ("update_cache", true), ("cache_valid_time", 3600L));
        var installed = new AptPackages([Installed("cron", "3.0pl1-162")], null);

        var fresh = Plan(args, installed, new AptCacheAge(UpdatedAt: 10_000, Now: 12_000));
        var stale = Assert.IsType<Change>(Plan(args, installed, new AptCacheAge(UpdatedAt: 10_000, Now: 20_000)));

        Assert.Equal("cron 3.0pl1-162 installed; apt cache newer than 3600 s", Assert.IsType<NoChange>(fresh).Reason);
        Assert.Equal(["update the apt cache (older than 3600 s)"], stale.Changes);
        Assert.Contains("apt-get -q -o DPkg::Lock::Timeout=60 update", stale.Script, StringComparison.Ordinal);
        Assert.Contains("*\"Could not get lock\"*", stale.Script, StringComparison.Ordinal);
        Assert.Contains("touch /var/lib/apt/periodic/update-success-stamp", stale.Script, StringComparison.Ordinal);
        Assert.Equal(1, AptGetRuns(stale.Script));
    }

    [Fact]
    public void Plan_UpdateCacheWithoutValidTime_AlwaysUpdates()
    {
        var change = Assert.IsType<Change>(Plan(Args(("update_cache", true)), new([], null)));

        Assert.Equal(["update the apt cache"], change.Changes);
        Assert.DoesNotContain(new AptCacheFact(), new AptModule().Facts(Args(("update_cache", true)), Apply));
    }

    [Fact]
    public void Plan_Options_ReachAptGet()
    {
        var args = Args(("name", new[] { "acct" }), ("install_recommends", false), ("default_release", "bookworm-backports"), ("lock_timeout", 5L), ("dpkg_options", "force-confnew"));

        var change = Assert.IsType<Change>(Plan(args, new([], new Dictionary<string, AptCandidate> { ["acct"] = new(null, "6.6.4-5+b1") })));

        Assert.Contains("apt-get -y -q -o DPkg::Lock::Timeout=5 -o Dpkg::Options::=--force-confnew -o APT::Install-Recommends=no -t bookworm-backports install -- acct\n", change.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_AutoremoveAlone_RunsOnlyWhenSomethingIsLeft()
    {
        var args = Args(("autoremove", true), ("purge", true));

        var none = Plan(args, new([], null), autoremove: []);
        var some = Assert.IsType<Change>(Plan(args, new([], null), autoremove: ["libold1"]));

        Assert.IsType<NoChange>(none);
        Assert.Equal(["autoremove libold1"], some.Changes);
        Assert.Contains("apt-get -y -q -o DPkg::Lock::Timeout=60 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold --purge autoremove\n", some.Script, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x'; touch /tmp/pwned; '")]
    [InlineData("$(touch /tmp/pwned)")]
    [InlineData("-o=APT::Get::Foo")]
    [InlineData("cron=1.0; reboot")]
    [InlineData("cron*; reboot")] // a pattern (cron*) is Ansible's and expands; shell text in one stays an input error
    public void Plan_NameWithShellOrOptionText_IsInputErrorAndReadsNothing(string name)
    {
        var args = Args(("name", new[] { "cron", name }));

        Assert.Empty(new AptModule().Facts(args, Apply));
        Assert.Throws<FleetInputException>(() => new AptModule().Plan(args, new FactCache(), Apply));
    }

    [Theory]
    [InlineData("default_release", "x'; touch /tmp/pwned; '")]
    [InlineData("dpkg_options", "force-confold,x'; touch /tmp/pwned; '")]
    public void Plan_OtherStringParametersWithShellText_AreInputErrors(string parameter, string value) =>
        Assert.Throws<FleetInputException>(() => new AptModule().Plan(Args(("name", new[] { "cron" }), (parameter, value)), new FactCache(), Apply));

    [Fact]
    public void Plan_LatestWithPinnedVersion_IsInputError()
    {
        var error = Assert.Throws<FleetInputException>(() => new AptModule().Plan(Args(("name", new[] { "cron=1.0" }), ("state", "latest")), new FactCache(), Apply));

        Assert.Contains("a pinned version contradicts state latest", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_CheckMode_DiffsPackagesAndPredictsTheirState()
    {
        var args = Args(("name", new[] { "acct", "cron" }));
        var facts = new AptPackages([Installed("cron", "3.0pl1-162")], new Dictionary<string, AptCandidate> { ["acct"] = new(null, "6.6.4-5+b1") });

        var change = Assert.IsType<Change>(Plan(args, facts, context: Check));

        Assert.Equal("--- packages (before)\n+++ packages (after)\n@@ -1,1 +1,2 @@\n+acct 6.6.4-5+b1\n cron 3.0pl1-162\n", change.Diff);
        var predicted = (AptPackages)change.Predicted!.Values.Single();
        Assert.True(predicted.Find("acct")!.Installed);
        Assert.Equal("6.6.4-5+b1", predicted.Find("acct")!.Version);
    }

    [Fact]
    public void Facts_SameNamesInAnyOrder_AreOneFact()
    {
        var a = new AptModule().Facts(Args(("name", new[] { "sudo", "cron" })), Apply).Single();
        var b = new AptModule().Facts(Args(("name", new[] { "cron", "sudo", "cron" })), Apply).Single();

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Fact_ParsesDpkgQueryAndPolicy()
    {
        const string output = "installed\tcron\tamd64\t3.0pl1-162\nnot-installed\tdebsums\t\t\nconfig-files\tacct\tamd64\t6.6.4-5\n"
            + "@@fleet-apt-candidates@@\n@@fleet-apt-policy@@\ndebsums:\n  Installed: (none)\n  Candidate: 3.0.2.1\n  Version table:\n     3.0.2.1 500\n"
            + "libc6:i386:\n  Installed: (none)\n  Candidate: (none)\n  Version table:\n";

        var facts = new AptPackagesFact(new NameList(["acct", "cron", "debsums", "libc6:i386"]), false).Parse(output, 0);

        Assert.True(facts.Find("cron")!.Installed);
        Assert.True(facts.Find("acct")!.ConfigFilesOnly);
        Assert.False(facts.Find("debsums")!.Installed);
        Assert.Equal("3.0.2.1", facts.CandidateOf("debsums")!.Candidate);
        Assert.Null(facts.CandidateOf("libc6:i386")!.Candidate);
        Assert.Null(facts.Find("libc6:i386"));
    }

    [Fact]
    public void Fact_AllInstalled_DoesNotRunAptCache_ReadOnThisMachine()
    {
        // dpkg is this machine's: whatever is installed here, an installed package needs no candidate and a missing one does.
        var local = Gather([new AptPackagesFact(new NameList(["dpkg"]), false), new AptPackagesFact(new NameList(["dpkg", "fleet-no-such-package"]), false)]);

        var installed = local.Get(new AptPackagesFact(new NameList(["dpkg"]), false));
        var missing = local.Get(new AptPackagesFact(new NameList(["dpkg", "fleet-no-such-package"]), false));

        Assert.True(installed.Find("dpkg")!.Installed);
        Assert.Null(installed.Candidates);
        Assert.NotNull(missing.Candidates);
        Assert.Null(missing.CandidateOf("fleet-no-such-package"));
    }

    [Fact]
    public void Script_RunsWithFakeAptGet_CompleteReportsInstalledVersions()
    {
        var args = Args(("name", new[] { "acct", "cron" }));
        var change = Assert.IsType<Change>(Plan(args, new([Installed("cron", "3.0pl1-162")], new Dictionary<string, AptCandidate> { ["acct"] = new(null, "6.6.4-5+b1") })));
        _fakes.Add("apt-get", """printf '%s\n' "$@" > "$FAKE_DIR/apt-get.args"; printf '%s\n' "$DEBIAN_FRONTEND" > "$FAKE_DIR/frontend"; echo '1 upgraded, 1 newly installed, 0 to remove and 3 not upgraded.'""");
        _fakes.Add("dpkg-query", """printf 'installed\tacct\tamd64\t6.6.4-5+b1\ninstalled\tcron\tamd64\t3.0pl1-162\n'""");

        var run = _fakes.Run(change.Script);
        var outcome = new AptModule().Complete(change, run, args);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("-y\n-q\n-o\nDPkg::Lock::Timeout=60\n-o\nDpkg::Options::=--force-confdef\n-o\nDpkg::Options::=--force-confold\ninstall\n--\nacct\n", _fakes.Read("apt-get.args"));
        Assert.Equal("noninteractive\n", _fakes.Read("frontend"));
        Assert.Equal(TaskOutcome.Changed, outcome.Status);
        var package = Assert.Single((IEnumerable<IReadOnlyDictionary<string, object?>>)outcome.Data!["packages"]!);
        Assert.Equal(("acct", "install", "6.6.4-5+b1"), ((string)package["name"]!, (string)package["action"]!, (string)package["version"]!));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Script_AfterAnInterruptedDpkg_ConfiguresThePendingPackagesFirst_AndWarns(bool interrupted)
    {
        var args = Args(("name", new[] { "acct" }));
        var change = Assert.IsType<Change>(Plan(args, new([], new Dictionary<string, AptCandidate> { ["acct"] = new(null, "6.6.4-5+b1") })));
        // ls of dpkg's update journal: an entry there is what makes apt-get refuse with "dpkg was interrupted".
        _fakes.Add("ls", interrupted ? "echo 0001" : "true");
        _fakes.Add("dpkg", """printf 'dpkg %s\n' "$*" >> "$FAKE_DIR/calls" """);
        _fakes.Add("apt-get", """printf 'apt-get %s\n' "$*" >> "$FAKE_DIR/calls"; echo '0 upgraded, 1 newly installed, 0 to remove and 0 not upgraded.'""");
        _fakes.Add("dpkg-query", """printf 'installed\tacct\tamd64\t6.6.4-5+b1\n'""");

        var run = _fakes.Run(change.Script);
        var outcome = new AptModule().Complete(change, run, args);

        Assert.Equal(0, run.ExitCode);
        var calls = _fakes.Calls.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(TaskOutcome.Changed, outcome.Status);
        if (interrupted)
        {
            Assert.Equal("dpkg --force-confdef --force-confold --configure -a", calls[0]);
            Assert.StartsWith("apt-get ", calls[1], StringComparison.Ordinal);
            Assert.Contains("dpkg --configure -a", Assert.Single(outcome.Warnings), StringComparison.Ordinal);
        }
        else
        {
            Assert.StartsWith("apt-get ", Assert.Single(calls), StringComparison.Ordinal);
            Assert.Empty(outcome.Warnings);
        }
    }

    [Fact]
    public void Complete_AptChangedNothing_IsOk()
    {
        var args = Args(("name", new[] { "cron" }), ("update_cache", true));
        var change = Assert.IsType<Change>(Plan(args, new([Installed("cron", "3.0pl1-162")], null)));
        var stdout = "Hit:1 file:/srv ./ InRelease\n@@fleet-apt-updated@@\n@@fleet-apt-after@@\ninstalled\tcron\tamd64\t3.0pl1-162\n";

        var outcome = new AptModule().Complete(change, new CommandResult(0, stdout, "", TimeSpan.Zero), args);

        Assert.Equal(TaskOutcome.Ok, outcome.Status);
        Assert.Equal(true, outcome.Data!["cache_updated"]);
    }

    [Fact]
    public void Script_UpdateLockHeld_RetriesThenSucceeds()
    {
        var change = Assert.IsType<Change>(Plan(Args(("update_cache", true)), new([], null)));
        _fakes.Add("apt-get", """n=$(cat "$FAKE_DIR/n" 2>/dev/null || echo 0); echo $((n+1)) > "$FAKE_DIR/n"; if [ "$n" -lt 1 ]; then echo 'E: Could not get lock /var/lib/apt/lists/lock. It is held by process 1 (apt-get)'; exit 100; fi; echo 'Reading package lists...'""");
        _fakes.Add("touch", "exit 0");
        _fakes.Add("mkdir", "exit 0");

        var run = _fakes.Run(change.Script);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("2\n", _fakes.Read("n"));
        Assert.Equal(TaskOutcome.Changed, new AptModule().Complete(change, run, Args(("update_cache", true))).Status);
    }

    [Fact]
    public void PackageModule_TakesAptParametersAndUse()
    {
        var package = new PackageModule();

        Assert.Equal("package", package.Name);
        Assert.Contains(package.Parameters, p => p.Name == "use");
        Assert.All(new AptModule().Parameters, p => Assert.Contains(package.Parameters, q => q.Name == p.Name));
    }
}
