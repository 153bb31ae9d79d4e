using System.Diagnostics;
using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Service;
using Fleet.Core.Results;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>service/systemd: planners from fixtures of <c>systemctl show</c> and SysV facts; scripts run with fake tools on PATH.</summary>
public sealed class ServiceModuleTests : IDisposable
{
    private static readonly ModuleContext Apply = new("h", CheckMode: false, ".");
    private readonly FakeCommands _fakes = new();

    public void Dispose() => _fakes.Dispose();

    /// <summary>What the fact prints on a systemd host for chrony (running, enabled) and a unit systemd does not know.</summary>
    private const string SystemdOutput = """
        manager=systemd
        Id=chrony.service
        NeedDaemonReload=no
        LoadState=loaded
        ActiveState=active
        SubState=running
        UnitFileState=enabled

        Id=nosuch.service
        NeedDaemonReload=no
        LoadState=not-found
        ActiveState=inactive
        SubState=dead
        UnitFileState=
        links	chrony	no
        links	nosuch	no

        """;

    private static string Unit(string name, string active, string file, string load = "loaded", string reload = "no") =>
        $"manager=systemd\nlinks\t{name}\tno\n@@fleet-unit@@\t{name}\nId={ServiceModule.UnitName(name)}\nNeedDaemonReload={reload}\nLoadState={load}\nActiveState={active}\nSubState=x\nUnitFileState={file}\n";

    private static string Sysv(string name, int status, bool enabled, bool stopLinks = false) =>
        $"manager=sysv\nsysv\t{name}\tstatus={status}\tenabled={(enabled ? "yes" : "no")}\tstoplinks={(stopLinks ? "yes" : "no")}\n";

    /// <summary>Plans with the module's one fact parsed from <paramref name="output"/>, as the engine would.</summary>
    private static TaskPlan Plan(Module module, ModuleArguments args, string output)
    {
        var facts = new FactCache();
        var fact = Assert.IsType<ServiceFact>(Assert.Single(module.Facts(args, Apply)));
        facts.Set(fact, fact.Parse(output, 0));
        return module.Plan(args, facts, Apply);
    }

    [Fact]
    public void Fact_ParsesSystemctlShowBlocksInOrder()
    {
        var states = new ServiceFact(new NameList(["chrony", "nosuch"])).Parse(SystemdOutput, 0);

        Assert.True(states.IsSystemd);
        Assert.Equal(new ServiceState("chrony", Exists: true, Running: true, Enabled: true, UnitFileState: "enabled"), states.Get("chrony"));
        Assert.False(states.Get("nosuch").Exists);
    }

    [Fact]
    public void Fact_CommandIsOneSystemctlShowForAllUnits()
    {
        var command = new ServiceFact(new NameList(["chrony", "ssh.socket"])).Command;

        Assert.Contains("systemctl show -p Id,LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload -- chrony.service ssh.socket\n", command, StringComparison.Ordinal);
        Assert.Contains("if [ -d /run/systemd/system ]; then", command, StringComparison.Ordinal);
    }

    [Fact]
    public void Fact_ReadOnThisMachine_KnowsItsManager()
    {
        var fact = new ServiceFact(new NameList(["cron", "fleet-no-such-service"]));

        var states = Gather([fact]).Get(fact);

        Assert.Contains(states.Manager, new[] { "systemd", "sysv" });
        Assert.False(states.Get("fleet-no-such-service").Exists);
    }

    [Fact]
    public void Systemd_RunningAndEnabled_IsNoOp()
    {
        var plan = Plan(new ServiceModule(), Args(("name", "chrony"), ("state", "started"), ("enabled", true)), Unit("chrony", "active", "enabled"));

        Assert.Equal("chrony running, enabled", Assert.IsType<NoChange>(plan).Reason);
    }

    [Fact]
    public void Systemd_StoppedAndDisabled_EnablesThenStarts()
    {
        var plan = Plan(new ServiceModule(), Args(("name", "chrony"), ("state", "started"), ("enabled", true)), Unit("chrony", "inactive", "disabled"));

        var change = Assert.IsType<Change>(plan);
        Assert.Equal(["enable chrony at boot", "start chrony"], change.Changes);
        Assert.EndsWith("step systemctl enable chrony.service\nstep systemctl start chrony.service\n", change.Script, StringComparison.Ordinal);
        Assert.Contains(Subject.Service("chrony"), change.Touches!);
        Assert.Contains(Subject.Ports, change.Touches!);
        Assert.Equal("--- service chrony (before)\n+++ service chrony (after)\n@@ -1,1 +1,1 @@\n-chrony: stopped, disabled\n+chrony: running, enabled\n", change.Diff);
    }

    [Fact]
    public void Systemd_NoSuchUnit_FailsClearly()
    {
        var plan = Plan(new ServiceModule(), Args(("name", "nosuch"), ("state", "started")), Unit("nosuch", "inactive", "", load: "not-found"));

        Assert.Equal("Could not find the requested service nosuch: host", Assert.IsType<PlanFailure>(plan).Message);
    }

    [Theory]
    [InlineData("restarted", "active", "restart")]
    [InlineData("restarted", "inactive", "start")]
    [InlineData("reloaded", "active", "reload")]
    [InlineData("reloaded", "inactive", "start")]
    [InlineData("stopped", "active", "stop")]
    public void Systemd_States_ActAsAnsible(string state, string active, string action)
    {
        var change = Assert.IsType<Change>(Plan(new ServiceModule(), Args(("name", "chrony"), ("state", state)), Unit("chrony", active, "enabled")));

        Assert.EndsWith($"step systemctl {action} chrony.service\n", change.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Systemd_MaskAndUnmask()
    {
        var mask = Assert.IsType<Change>(Plan(new SystemdModule(), Args(("name", "chrony"), ("masked", true)), Unit("chrony", "inactive", "disabled")));
        var masked = Plan(new SystemdModule(), Args(("name", "chrony"), ("masked", true)), Unit("chrony", "inactive", "masked", load: "masked"));
        var unmask = Assert.IsType<Change>(Plan(new SystemdModule(), Args(("name", "chrony"), ("masked", false), ("enabled", true)), Unit("chrony", "inactive", "masked", load: "masked")));

        Assert.EndsWith("step systemctl mask chrony.service\n", mask.Script, StringComparison.Ordinal);
        Assert.IsType<NoChange>(masked);
        Assert.EndsWith("step systemctl unmask chrony.service\nstep systemctl enable chrony.service\n", unmask.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Systemd_DaemonReload_OnlyWhenTheUnitFileChanged()
    {
        var args = Args(("name", "app"), ("state", "started"), ("daemon_reload", true));

        var needed = Assert.IsType<Change>(Plan(new SystemdModule(), args, Unit("app", "active", "enabled", reload: "yes")));
        var newUnit = Assert.IsType<Change>(Plan(new SystemdModule(), args, Unit("app", "inactive", "", load: "not-found")));
        var current = Plan(new SystemdModule(), args, Unit("app", "active", "enabled"));

        Assert.Equal(["daemon-reload"], needed.Changes);
        Assert.Equal(["daemon-reload", "start app"], newUnit.Changes);
        Assert.IsType<NoChange>(current);
    }

    [Fact]
    public void Systemd_BareDaemonReload_AlwaysRunsAndIsNotAChange()
    {
        _fakes.Record("systemctl");
        var args = Args(("daemon_reload", true));
        var change = Assert.IsType<Change>(Plan(new SystemdModule(), args, "manager=systemd\n"));

        var outcome = new SystemdModule().Complete(change, _fakes.Run(change.Script), args);

        Assert.Equal("systemctl daemon-reload\n", _fakes.Calls);
        Assert.Equal(TaskOutcome.Ok, outcome.Status);
    }

    [Fact]
    public void Systemd_BareDaemonReexec_RunsAfterReloadAndIsNotAChange()
    {
        _fakes.Record("systemctl");
        var args = Args(("daemon_reload", true), ("daemon_reexec", true));
        var change = Assert.IsType<Change>(Plan(new SystemdModule(), args, "manager=systemd\n"));

        var outcome = new SystemdModule().Complete(change, _fakes.Run(change.Script), args);

        Assert.Equal("systemctl daemon-reload\nsystemctl daemon-reexec\n", _fakes.Calls);
        Assert.Equal(TaskOutcome.Ok, outcome.Status);
    }

    [Fact]
    public void Systemd_DaemonReexecWithCurrentUnit_RunsEveryTimeButCountsNoChange()
    {
        _fakes.Record("systemctl");
        var args = Args(("name", "app"), ("state", "started"), ("daemon_reexec", true));
        var change = Assert.IsType<Change>(Plan(new SystemdModule(), args, Unit("app", "active", "enabled")));

        var outcome = new SystemdModule().Complete(change, _fakes.Run(change.Script), args);

        Assert.Equal(["daemon-reexec"], change.Changes);
        Assert.Equal(TaskOutcome.Ok, outcome.Status);
    }

    [Fact]
    public void Systemd_DaemonReexecInCheckMode_DoesNotRun()
    {
        var module = new SystemdModule();
        var facts = new FactCache();
        var named = Args(("name", "app"), ("state", "started"), ("daemon_reexec", true));
        var fact = Assert.IsType<ServiceFact>(Assert.Single(module.Facts(named, Apply)));
        facts.Set(fact, fact.Parse(Unit("app", "active", "enabled"), 0));
        var bare = Args(("daemon_reexec", true));
        var bareFact = Assert.IsType<ServiceFact>(Assert.Single(module.Facts(bare, Apply)));
        facts.Set(bareFact, bareFact.Parse("manager=systemd\n", 0));

        Assert.IsType<NoChange>(module.Plan(named, facts, Apply with { CheckMode = true }));
        Assert.IsType<NoChange>(module.Plan(bare, facts, Apply with { CheckMode = true }));
    }

    [Fact]
    public void Sysv_DaemonReexec_FailsAsAnsiblesSystemdModule()
    {
        var module = new SystemdModule();
        var args = Args(("daemon_reexec", true));

        var plan = Plan(module, args, "manager=sysv\n");

        Assert.StartsWith("failure 1 during daemon-reexec: System has not been booted with systemd", Assert.IsType<PlanFailure>(plan).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Systemd_StaticUnitAskedDisabled_WarnsInsteadOfFlipFlopping()
    {
        var plan = Plan(new ServiceModule(), Args(("name", "fstrim"), ("enabled", false)), Unit("fstrim", "inactive", "static"));

        var noChange = Assert.IsType<NoChange>(plan);
        Assert.Contains("fstrim is static", Assert.Single(noChange.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Systemd_GeneratedFromInitScript_EnabledFollowsRcLinks()
    {
        var output = "manager=systemd\nId=old.service\nLoadState=loaded\nActiveState=active\nUnitFileState=generated\nlinks\told\tyes\n";

        var plan = Plan(new ServiceModule(), Args(("name", "old"), ("enabled", true)), output);

        Assert.IsType<NoChange>(plan);
    }

    [Fact]
    public void Sysv_NeverSetUp_DefaultsThenEnableThenStart()
    {
        var change = Assert.IsType<Change>(Plan(new ServiceModule(), Args(("name", "cron"), ("state", "started"), ("enabled", true)), Sysv("cron", 3, enabled: false)));

        Assert.EndsWith("step update-rc.d cron defaults\nstep update-rc.d cron enable\nstep service cron start\n", change.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Sysv_Disabled_EnableOnly_AndDisable()
    {
        var enable = Assert.IsType<Change>(Plan(new ServiceModule(), Args(("name", "cron"), ("enabled", true)), Sysv("cron", 0, enabled: false, stopLinks: true)));
        var disable = Assert.IsType<Change>(Plan(new ServiceModule(), Args(("name", "cron"), ("state", "stopped"), ("enabled", false)), Sysv("cron", 0, enabled: true, stopLinks: true)));

        Assert.EndsWith("step update-rc.d cron enable\n", enable.Script, StringComparison.Ordinal);
        Assert.EndsWith("step update-rc.d cron disable\nstep service cron stop\n", disable.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Sysv_RunningEnabled_IsNoOp_RestartedAlwaysActs()
    {
        var running = Sysv("cron", 0, enabled: true, stopLinks: true);

        Assert.IsType<NoChange>(Plan(new ServiceModule(), Args(("name", "cron"), ("state", "started"), ("enabled", true)), running));
        Assert.EndsWith("step service cron restart\n", Assert.IsType<Change>(Plan(new ServiceModule(), Args(("name", "cron"), ("state", "restarted")), running)).Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Sysv_NoInitScript_FailsClearly_MaskedNeedsSystemd()
    {
        var missing = Plan(new ServiceModule(), Args(("name", "nosuch"), ("state", "started")), "manager=sysv\nsysv\tnosuch\tmissing\n");
        var masked = Plan(new SystemdModule(), Args(("name", "cron"), ("masked", true)), Sysv("cron", 0, enabled: true));

        Assert.Equal("Could not find the requested service nosuch: host", Assert.IsType<PlanFailure>(missing).Message);
        Assert.Equal("masked needs systemd: this host's service manager is SysV init", Assert.IsType<PlanFailure>(masked).Message);
    }

    [Fact]
    public void Sysv_DaemonReload_FailsAsAnsiblesSystemdModule_ExceptInCheckMode()
    {
        // geerlingguy.security's "reload systemd" handler: Ansible's systemd module runs daemon-reload first and fails without systemd.
        var module = new SystemdServiceModule();
        var args = Args(("daemon_reload", true));
        var facts = new FactCache();
        var fact = Assert.IsType<ServiceFact>(Assert.Single(module.Facts(args, Apply)));
        facts.Set(fact, fact.Parse("manager=sysv\n", 0));

        var apply = module.Plan(args, facts, Apply);
        var check = module.Plan(args, facts, Apply with { CheckMode = true });

        Assert.StartsWith("failure 1 during daemon-reload: System has not been booted with systemd", Assert.IsType<PlanFailure>(apply).Message, StringComparison.Ordinal);
        Assert.IsType<NoChange>(check);
    }

    [Fact]
    public void Sysv_CheckModePrediction_LetsTheNextTaskSeeItRunning()
    {
        var change = Assert.IsType<Change>(Plan(new ServiceModule(), Args(("name", "cron"), ("state", "started")), Sysv("cron", 3, enabled: true)));

        var predicted = (ServiceStates)change.Predicted!.Values.Single();

        Assert.True(predicted.Get("cron").Running);
    }

    [Theory]
    [InlineData("x'; touch /tmp/pwned; '")]
    [InlineData("$(touch /tmp/pwned)")]
    [InlineData("../../bin/sh")]
    [InlineData("-x")]
    public void Name_WithShellOrPathText_IsInputErrorAndReadsNothing(string name)
    {
        var args = Args(("name", name), ("state", "started"));

        Assert.Empty(new ServiceModule().Facts(args, Apply));
        Assert.Throws<FleetInputException>(() => new ServiceModule().Plan(args, new FactCache(), Apply));
    }

    [Fact]
    public void Script_OddButValidName_ReachesSystemctlAsOneWord()
    {
        _fakes.Record("systemctl");
        var change = Assert.IsType<Change>(Plan(new ServiceModule(), Args(("name", @"getty@tty1\x2dx"), ("state", "started")), Unit(@"getty@tty1\x2dx", "inactive", "enabled")));

        var run = _fakes.Run(change.Script);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("systemctl start getty@tty1\\x2dx.service\n", _fakes.Calls);
    }

    [Fact]
    public void Script_StepFails_StopsWithItsOutputAndExitCode()
    {
        _fakes.Add("update-rc.d", "echo 'update-rc.d: error: no runlevel'; exit 2");
        _fakes.Record("service");
        var change = Assert.IsType<Change>(Plan(new ServiceModule(), Args(("name", "cron"), ("state", "started"), ("enabled", true)), Sysv("cron", 3, enabled: false, stopLinks: true)));

        var run = _fakes.Run(change.Script);
        var outcome = new ServiceModule().Complete(change, run, Args(("name", "cron")));

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", _fakes.Calls);
        Assert.Equal(TaskOutcome.Failed, outcome.Status);
        Assert.Contains("update-rc.d: error: no runlevel", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Script_DaemonKeepsItsOutputOpen_DoesNotHoldTheTask()
    {
        // An init script whose daemon inherits stdout: with a pipe the task would wait for the daemon to exit.
        _fakes.Add("service", "sleep 5 &\necho started");
        var change = Assert.IsType<Change>(Plan(new ServiceModule(), Args(("name", "cron"), ("state", "started")), Sysv("cron", 3, enabled: true)));

        var clock = Stopwatch.StartNew();
        var run = _fakes.Run(change.Script);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("started\n", run.Stdout);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Catalog_HasServiceSystemdAndSystemdService()
    {
        Assert.NotNull(ModuleCatalog.Default.Get("service"));
        Assert.Contains(ModuleCatalog.Default.Get("systemd")!.Parameters, p => p.Name == "masked");
        Assert.Equal("systemd_service", ModuleCatalog.Default.Get("systemd_service")!.Name);
        Assert.Equal("package", ModuleCatalog.Default.Get("package")!.Name);
        Assert.Equal("apt", ModuleCatalog.Default.Get("apt")!.Name);
    }
}
