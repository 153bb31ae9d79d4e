using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Apt;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>apt upgrade, autoclean and clean as Ansible 2.14's upgrade(), cleanup() and aptclean(): commands, simulation, changed.</summary>
public sealed class AptUpgradeTests : AptScriptTestBase
{
    private const string Upgraded = "Reading package lists...\nCalculating upgrade...\nThe following packages will be upgraded:\n  hello\n1 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\nInst hello [1.0] (2.0 lab [all])\n";
    private const string Nothing = "Reading package lists...\nCalculating upgrade...\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n";

    private static TaskPlan Plan(ModuleArguments args, string simulated)
    {
        var facts = new FactCache();
        foreach (var fact in new AptModule().Facts(args, Apply))
        {
            facts.Set(fact, fact switch
            {
                AptSimulationFact s => s.Parse(simulated, 0),
                AptCacheFact => new AptCacheAge(0, 1_000_000),
                AptAutoremoveFact => (object)Array.Empty<string>(),
                _ => throw new InvalidOperationException(fact.ToString()),
            });
        }

        return new AptModule().Plan(args, facts, Apply);
    }

    private static string SimulationOf(ModuleArguments args) => new AptModule().Facts(args, Apply).OfType<AptSimulationFact>().Single().Command;

    [Theory]
    [InlineData("dist", "apt-get -y -q -o DPkg::Lock::Timeout=60 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold --simulate dist-upgrade")]
    [InlineData("full", "aptitude -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold --simulate full-upgrade; else apt-get -y -q -o DPkg::Lock::Timeout=60 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold --simulate dist-upgrade")]
    [InlineData("yes", "aptitude -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold --simulate safe-upgrade; else apt-get -y -q -o DPkg::Lock::Timeout=60 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold --simulate upgrade --with-new-pkgs")]
    [InlineData("safe", "--simulate safe-upgrade; else")]
    public void Upgrade_Mode_ChoosesAnsiblesCommand(string mode, string expected) =>
        Assert.Contains(expected, SimulationOf(Args(("upgrade", mode))), StringComparison.Ordinal);

    [Fact]
    public void Upgrade_ForceAptGet_NeverAptitude_AndFlagsInUpgradesOrder()
    {
        var command = SimulationOf(Args(("upgrade", "yes"), ("force_apt_get", true), ("force", true), ("fail_on_autoremove", true), ("allow_unauthenticated", true), ("allow_downgrade", true), ("autoremove", true), ("default_release", "bookworm-backports")));

        Assert.DoesNotContain("aptitude", command, StringComparison.Ordinal);
        Assert.EndsWith("--force-yes --no-remove --allow-unauthenticated --allow-downgrades --simulate upgrade --with-new-pkgs --auto-remove -t bookworm-backports", command, StringComparison.Ordinal);
    }

    [Fact]
    public void Upgrade_No_IsNoUpgrade() => Assert.Empty(new AptModule().Facts(Args(("upgrade", "no"), ("update_cache", true)), Apply).OfType<AptSimulationFact>());

    [Fact]
    public void Upgrade_SimulationUpgradesNothing_IsNoChange() =>
        Assert.Equal("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.", Assert.IsType<NoChange>(Plan(Args(("upgrade", "dist")), Nothing)).Reason);

    [Fact]
    public void Upgrade_SimulationUpgrades_RunsTheRealCommand_ChangedByItsOutput()
    {
        var args = Args(("upgrade", "dist"), ("clean", true));
        var change = Assert.IsType<Change>(Plan(args, Upgraded));

        Assert.Contains("apt-get clean", change.Script, StringComparison.Ordinal);
        Assert.Contains("dist-upgrade", change.Script, StringComparison.Ordinal);
        Assert.DoesNotContain("--simulate", change.Script, StringComparison.Ordinal);
        var changed = new AptModule().Complete(change, new CommandResult(0, Upgraded, "", TimeSpan.Zero), args);
        var ok = new AptModule().Complete(change, new CommandResult(0, Nothing, "", TimeSpan.Zero), args);
        Assert.Equal(TaskOutcome.Changed, changed.Status);
        Assert.Equal("1 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.", changed.Message);
        Assert.Equal(TaskOutcome.Ok, ok.Status);
    }

    [Fact]
    public void Upgrade_AptitudeZeroLine_IsNoChange() =>
        Assert.False(AptModule.Changes("upgrade", "Resolving dependencies...\n0 packages upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n"));

    [Fact]
    public void Upgrade_TenUpgraded_IsAChange() =>
        Assert.True(AptModule.Changes("upgrade", "x\n10 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n"));

    [Fact]
    public void Upgrade_WithUpdateCacheDue_UpdatesThenUpgrades()
    {
        var change = Assert.IsType<Change>(Plan(Args(("upgrade", "yes"), ("update_cache", true)), Nothing));

        Assert.True(change.Script.IndexOf("update", StringComparison.Ordinal) < change.Script.IndexOf("safe-upgrade", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("name")]
    [InlineData("deb")]
    public void Upgrade_WithPackageOrDeb_IsAnsiblesMutualExclusion(string other) =>
        Assert.Contains("parameters are mutually exclusive: deb|package|upgrade", new AptModule().CheckCombination(new HashSet<string> { "upgrade", other }));

    [Fact]
    public void Upgrade_YamlYes_IsTheChoiceYes()
    {
        var path = Files.Write("p.yml", "- hosts: all\n  tasks:\n    - apt: { upgrade: yes }\n    - apt: { upgrade: no, update_cache: true }\n");
        var tasks = PlaybookLoader.Load(path, ModuleCatalog.Default).Plays[0].Tasks;
        var scope = Core.Templating.VariableScope.Of(new Dictionary<string, object?>());

        var modes = tasks.Select(t => ModuleArguments.Bind(ModuleCatalog.Default.Get("apt")!, t.Args, scope).GetString("upgrade")).ToList();

        Assert.Equal(["yes", "no"], modes);
    }

    [Fact]
    public void Autoclean_DelLines_AreTheChange()
    {
        var args = Args(("autoclean", true));
        Assert.Contains("apt-get -y -q -o DPkg::Lock::Timeout=60 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold autoclean --simulate", SimulationOf(args), StringComparison.Ordinal);
        Assert.Equal("nothing to autoclean", Assert.IsType<NoChange>(Plan(args, "Reading package lists...\n")).Reason);

        var change = Assert.IsType<Change>(Plan(args, "Reading package lists...\nDel hello 1.0 [1 kB]\n"));
        Assert.Equal(TaskOutcome.Changed, new AptModule().Complete(change, new CommandResult(0, "Del hello 1.0 [1 kB]\n", "", TimeSpan.Zero), args).Status);
    }

    [Theory]
    [InlineData("update_cache")]
    [InlineData("name")]
    public void Autoclean_AfterWhatEndsAnsiblesTask_DoesNotRun(string other) =>
        Assert.Empty(new AptModule().Facts(Args(("autoclean", true), (other, other == "name" ? new[] { "cron" } : true)), Apply).OfType<AptSimulationFact>());

    [Fact]
    public void Clean_Alone_RunsAptGetClean_NeverAChange()
    {
        var args = Args(("clean", true));
        var change = Assert.IsType<Change>(Plan(args, ""));
        Fakes.Record("apt-get");

        var run = Fakes.Run(change.Script);

        Assert.Equal("apt-get clean", Fakes.Read("calls").Trim());
        Assert.Equal(TaskOutcome.Ok, new AptModule().Complete(change, run, args).Status);
    }
}
