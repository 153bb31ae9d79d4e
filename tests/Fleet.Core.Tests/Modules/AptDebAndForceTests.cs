using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Apt;
using Fleet.Core.Results;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>apt's deb, force and the other Ansible 2.14 parameters: .deb files built here with dpkg-deb, apt-get faked on PATH.</summary>
public sealed class AptDebAndForceTests : AptScriptTestBase
{
    /// <summary>A .deb of <paramref name="name"/> at <paramref name="version"/>, built with dpkg-deb (nothing is installed).</summary>
    private string Deb(string name, string version)
    {
        var root = Path.Combine(Files.Dir, $"{name}-{version}");
        Files.Write($"{name}-{version}/DEBIAN/control", $"Package: {name}\nVersion: {version}\nArchitecture: all\nMaintainer: Fleet <fleet@example.org>\nDescription: test\n");
        var deb = Path.Combine(Files.Dir, $"{name}_{version}_all.deb");
        var (exit, _, stderr) = Sh($"dpkg-deb --root-owner-group -b '{root}' '{deb}' >/dev/null");
        Assert.True(exit == 0, stderr);
        return deb;
    }

    private static TaskPlan Plan(ModuleArguments args)
    {
        var module = new AptModule();
        return module.Plan(args, Gather(module.Facts(args, Apply)), Apply);
    }

    /// <summary>The version of an installed package of this machine (coreutils is essential).</summary>
    private static string InstalledCoreutils() => Sh("dpkg-query -W -f='${Version}' coreutils").Stdout;

    [Fact]
    public void DebFileFact_ReadsNameVersion_AndComparesWithTheInstalledVersion()
    {
        var fresh = Deb("fleet-test-package", "1.0-1");
        var older = Deb("coreutils", "0.1-1");
        var same = Deb("coreutils", InstalledCoreutils());

        var facts = Gather([new DebFileFact(fresh), new DebFileFact(older), new DebFileFact(same), new DebFileFact("/no/such.deb")]);

        Assert.Equal(new DebFile(true, null, "fleet-test-package", "1.0-1", null, ""), facts.Get(new DebFileFact(fresh)));
        Assert.Equal("older", facts.Get(new DebFileFact(older)).Comparison);
        Assert.Equal("same", facts.Get(new DebFileFact(same)).Comparison);
        Assert.False(facts.Get(new DebFileFact("/no/such.deb")).Exists);
    }

    [Fact]
    public void Deb_InstalledVersion_IsNoChange_ALaterInstalledVersionFails_UnlessForce()
    {
        var same = Deb("coreutils", InstalledCoreutils());
        var older = Deb("coreutils", "0.1-1");

        var installed = Plan(Args(("deb", same)));
        var refused = Plan(Args(("deb", older)));
        var forced = Assert.IsType<Change>(Plan(Args(("deb", older), ("force", true))));
        var downgrade = Assert.IsType<Change>(Plan(Args(("deb", older), ("allow_downgrade", true))));

        Assert.IsType<NoChange>(installed);
        Assert.Equal("A later version is already installed", Assert.IsType<PlanFailure>(refused).Message);
        Assert.Contains("--force-yes", forced.Script, StringComparison.Ordinal);
        Assert.Contains("Dpkg::Options::=--force-all", forced.Script, StringComparison.Ordinal);
        Assert.Contains("--allow-downgrades", downgrade.Script, StringComparison.Ordinal);
        Assert.DoesNotContain("--force-all", downgrade.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Deb_MissingFileOrStateAbsent_Fails_AsAnsible()
    {
        Assert.StartsWith("Unable to install package: no such file on the host: /no/such.deb", Assert.IsType<PlanFailure>(Plan(Args(("deb", "/no/such.deb")))).Message, StringComparison.Ordinal);
        Assert.Throws<FleetInputException>(() => Plan(Args(("deb", "/x.deb"), ("state", "absent"))));
    }

    [Fact]
    public void Deb_NewPackage_ScriptInstallsTheFileWithAptGet_ThenAgainIsOk()
    {
        var deb = Deb("fleet-test-package", "1.0-1");
        var args = Args(("deb", deb));
        var change = Assert.IsType<Change>(Plan(args));
        Fakes.Add("apt-get", """printf '%s\n' "$@" > "$FAKE_DIR/apt-get.args"; for a; do last=$a; done; [ -f "$last" ] && echo file-ok > "$FAKE_DIR/file" """);

        var run = Fakes.Run(change.Script);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("\ninstall\n--\n", Fakes.Read("apt-get.args"), StringComparison.Ordinal);
        Assert.EndsWith("/package.deb\n", Fakes.Read("apt-get.args"), StringComparison.Ordinal);
        Assert.Equal("file-ok\n", Fakes.Read("file"));
        Assert.Equal(TaskOutcome.Changed, new AptModule().Complete(change, run, args).Status);
    }

    [Fact]
    public void Deb_Url_IsDownloadedOnTheHost_AndAnInstalledVersionIsOk()
    {
        var deb = Deb("coreutils", InstalledCoreutils());
        var args = Args(("deb", "file://" + deb));
        var change = Assert.IsType<Change>(Plan(args));
        Fakes.Record("apt-get");

        var run = Fakes.Run(change.Script);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("", Fakes.Calls);
        Assert.Equal(TaskOutcome.Ok, new AptModule().Complete(change, run, args).Status);
    }

    [Fact]
    public void ForceAndAllowFlags_ReachAptGet()
    {
        var args = Args(("name", new[] { "cron" }), ("force", true), ("allow_unauthenticated", true), ("allow_change_held_packages", true), ("fail_on_autoremove", true));
        var facts = new FactCache();
        var fact = Assert.IsType<AptPackagesFact>(Assert.Single(new AptModule().Facts(args, Apply)));
        facts.Set(fact, new AptPackages([], new Dictionary<string, AptCandidate> { ["cron"] = new(null, "3.0") }));

        var change = Assert.IsType<Change>(new AptModule().Plan(args, facts, Apply));

        Assert.Contains("--force-yes --allow-unauthenticated --allow-change-held-packages --no-remove install -- cron", change.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyUpgrade_LeavesOutAPackageThatIsNotInstalled()
    {
        var args = Args(("name", new[] { "cron" }), ("only_upgrade", true));
        var facts = new FactCache();
        var fact = Assert.IsType<AptPackagesFact>(Assert.Single(new AptModule().Facts(args, Apply)));
        facts.Set(fact, new AptPackages([], new Dictionary<string, AptCandidate> { ["cron"] = new(null, "3.0") }));

        Assert.IsType<NoChange>(new AptModule().Plan(args, facts, Apply));
    }

    [Fact]
    public void UpdateCache_IsRetried_WithAWaitThatDoublesUpToTheMaximum()
    {
        var args = Args(("update_cache", true), ("update_cache_retries", 3), ("update_cache_retry_max_delay", 1));
        var change = Assert.IsType<Change>(new AptModule().Plan(args, new FactCache(), Apply));
        Fakes.Add("apt-get", """echo x >> "$FAKE_DIR/tries"; echo 'E: Failed to fetch' >&2; exit 100""");

        var run = Fakes.Run(change.Script.Replace("touch /var/lib/apt/periodic", "true", StringComparison.Ordinal));

        Assert.NotEqual(0, run.ExitCode);
        Assert.Equal(3, Fakes.Read("tries").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("apt-get update failed", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void DebAndName_AreMutuallyExclusive() =>
        Assert.Contains("parameters are mutually exclusive: deb|package", new AptModule().CheckCombination(new HashSet<string> { "name", "deb" }));
}
