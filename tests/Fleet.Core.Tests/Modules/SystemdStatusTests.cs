using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Service;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>systemd's <c>status</c> result: <c>systemctl show</c> read as Ansible's parse_systemctl_show, and a name alone as a status query.</summary>
public sealed class SystemdStatusTests
{
    private static readonly ModuleContext Apply = new("h", CheckMode: false, ".");

    /// <summary>
    /// The start of what <c>systemctl show cron.service</c> prints on a Debian 12 host with systemd 252 (cron running, enabled),
    /// with the Exec values in the braces systemd gives them.
    /// </summary>
    private const string CronShow = """
        Type=simple
        ExitType=main
        Restart=on-failure
        NotifyAccess=none
        RestartUSec=100ms
        TimeoutStartUSec=1min 30s
        TimeoutStopUSec=1min 30s
        RuntimeMaxUSec=infinity
        WatchdogUSec=0
        WatchdogTimestampMonotonic=0
        MainPID=612
        ControlPID=0
        FileDescriptorStoreMax=0
        StatusErrno=0
        Result=success
        ReloadResult=success
        CleanResult=success
        UID=[not set]
        GID=[not set]
        NRestarts=0
        ExecMainStartTimestamp=Tue 2026-12-01 08:14:02 UTC
        ExecMainStartTimestampMonotonic=5321871
        ExecMainExitTimestampMonotonic=0
        ExecMainPID=612
        ExecMainCode=0
        ExecMainStatus=0
        ExecStart={ path=/usr/sbin/cron ; argv[]=/usr/sbin/cron -f $EXTRA_OPTS ; ignore_errors=no ; start_time=[Tue 2026-12-01 08:14:02 UTC] ; stop_time=[n/a] ; pid=612 ; code=(null) ; status=0/0 }
        ExecStartEx={ path=/usr/sbin/cron ; argv[]=/usr/sbin/cron -f $EXTRA_OPTS ; flags= ; start_time=[Tue 2026-12-01 08:14:02 UTC] ; stop_time=[n/a] ; pid=612 ; code=(null) ; status=0/0 }
        Slice=system.slice
        ControlGroup=/system.slice/cron.service
        MemoryCurrent=1142784
        TasksCurrent=1
        EnvironmentFiles=/etc/default/cron (ignore_errors=yes)
        UMask=0022
        KillMode=process
        KillSignal=15
        Id=cron.service
        Names=cron.service
        Requires=system.slice sysinit.target
        WantedBy=multi-user.target
        Conflicts=shutdown.target
        Before=multi-user.target shutdown.target
        After=remote-fs.target nss-user-lookup.target systemd-journald.socket basic.target sysinit.target network.target system.slice systemd-user-sessions.service
        Documentation="man:cron(8)"
        Description=Regular background program processing daemon
        LoadState=loaded
        ActiveState=active
        FreezerState=running
        SubState=running
        FragmentPath=/lib/systemd/system/cron.service
        UnitFileState=enabled
        UnitFilePreset=enabled
        StateChangeTimestamp=Tue 2026-12-01 08:14:02 UTC
        InactiveExitTimestamp=Tue 2026-12-01 08:14:02 UTC
        ActiveEnterTimestamp=Tue 2026-12-01 08:14:02 UTC
        CanStart=yes
        CanStop=yes
        CanReload=no
        NeedDaemonReload=no
        InvocationID=5d0c8f2a3b1e4c6f9a7d2e8b4c1f0a93
        CollectMode=inactive
        """;

    [Fact]
    public void Parse_KeyValueLines_ValuesStripped()
    {
        var status = SystemctlShow.Parse(CronShow.Split('\n'));

        Assert.Equal("active", status["ActiveState"]);
        Assert.Equal("1min 30s", status["TimeoutStartUSec"]);
        Assert.Equal("/etc/default/cron (ignore_errors=yes)", status["EnvironmentFiles"]);
        Assert.Equal("{ path=/usr/sbin/cron ; argv[]=/usr/sbin/cron -f $EXTRA_OPTS ; ignore_errors=no ; start_time=[Tue 2026-12-01 08:14:02 UTC] ; stop_time=[n/a] ; pid=612 ; code=(null) ; status=0/0 }", status["ExecStart"]);
        Assert.Equal(61, status.Count);
    }

    [Fact]
    public void Parse_ExecValueOverSeveralLines_IsOneValueWithItsNewlines()
    {
        // A unit whose ExecStart holds a newline ("/bin/echo one\ntwo"): systemd prints the braces over two lines.
        string[] lines = ["Type=oneshot", "ExecStart={ path=/bin/echo ; argv[]=/bin/echo one", "two ; ignore_errors=no ; pid=0 ; code=(null) ; status=0/0 }  ", "Description=echo"];

        var status = SystemctlShow.Parse(lines);

        Assert.Equal("{ path=/bin/echo ; argv[]=/bin/echo one\ntwo ; ignore_errors=no ; pid=0 ; code=(null) ; status=0/0 }", status["ExecStart"]);
        Assert.Equal(["Type", "ExecStart", "Description"], status.Keys);
    }

    [Fact]
    public void Parse_BraceOutsideExec_StaysOnItsLine()
    {
        var status = SystemctlShow.Parse(["Description={ not closed here", "LoadState=loaded", "no equals sign", "Id=x.service"]);

        Assert.Equal("{ not closed here", status["Description"]);
        Assert.Equal("loaded", status["LoadState"]);
        Assert.Equal(3, status.Count);
    }

    [Fact]
    public void Fact_WithStatus_ShowsEveryPropertyOfEachUnitAfterAMarker()
    {
        var command = new ServiceFact(new NameList(["cron", "ssh.socket"])) { Status = true }.Command;

        Assert.Contains("printf '@@fleet-unit@@\\t%s\\n' cron; systemctl show -- cron.service 2>/dev/null\n", command, StringComparison.Ordinal);
        Assert.Contains("printf '@@fleet-unit@@\\t%s\\n' ssh.socket; systemctl show -- ssh.socket 2>/dev/null\n", command, StringComparison.Ordinal);
        Assert.DoesNotContain("systemctl show -p", command, StringComparison.Ordinal);
    }

    [Fact]
    public void Fact_WithStatus_ParsesEachUnitsBlock()
    {
        var fact = new ServiceFact(new NameList(["cron", "nosuch"])) { Status = true };
        var output = $"manager=systemd\nlinks\tcron\tno\nlinks\tnosuch\tno\n@@fleet-unit@@\tcron\n{CronShow}\n@@fleet-unit@@\tnosuch\nId=nosuch.service\nLoadState=not-found\nActiveState=inactive\nUnitFileState=\n";

        var states = fact.Parse(output, 0);

        Assert.True(states.Get("cron") is { Exists: true, Running: true, Enabled: true, UnitFileState: "enabled" });
        Assert.Equal("612", states.Get("cron").Status!["MainPID"]);
        Assert.False(states.Get("nosuch").Exists);
        Assert.Equal("not-found", states.Get("nosuch").Status!["LoadState"]);
    }

    [Theory]
    [InlineData("systemd")]
    [InlineData("systemd_service")]
    public void NameAlone_IsAStatusQuery_NoChangeWithStatus(string module)
    {
        var systemd = module == "systemd" ? new SystemdModule() : new SystemdServiceModule();
        var args = Args(("name", "cron"));

        var plan = Assert.IsType<NoChange>(Plan(systemd, args, $"manager=systemd\nlinks\tcron\tno\n@@fleet-unit@@\tcron\n{CronShow}\n"));

        Assert.Equal("cron running, enabled", plan.Reason);
        Assert.Equal("cron", plan.Data["name"]);
        var status = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(plan.Data["status"]);
        Assert.Equal("active", status["ActiveState"]);
        Assert.False(plan.Data.ContainsKey("state"));
        Assert.Empty(systemd.CheckCombination(new HashSet<string>(["name"])));
    }

    [Fact]
    public void NameAlone_UnknownUnit_IsNoChangeWithItsNotFoundStatus()
    {
        var plan = Assert.IsType<NoChange>(Plan(new SystemdModule(), Args(("name", "nosuch")), "manager=systemd\nlinks\tnosuch\tno\n@@fleet-unit@@\tnosuch\nLoadState=not-found\nActiveState=inactive\n"));

        Assert.Equal("nosuch: no such unit", plan.Reason);
        Assert.Equal("not-found", Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(plan.Data["status"])["LoadState"]);
    }

    [Fact]
    public void StateChange_ResultCarriesTheStatusBeforeTheChange()
    {
        var stopped = $"manager=systemd\nlinks\tcron\tno\n@@fleet-unit@@\tcron\n{CronShow.Replace("ActiveState=active", "ActiveState=inactive", StringComparison.Ordinal)}\n";

        var change = Assert.IsType<Change>(Plan(new SystemdModule(), Args(("name", "cron"), ("state", "started")), stopped));

        Assert.Equal(["start cron"], change.Changes);
        Assert.Equal("inactive", Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(change.Data["status"])["ActiveState"]);
    }

    // What ansible-core 2.14's systemd module returned on a lab host (no systemd as PID 1), checked with ansible-playbook.
    [Fact]
    public void NoSystemd_NameAlone_ReturnsEmptyStatus()
    {
        var plan = Assert.IsType<NoChange>(Plan(new SystemdModule(), Args(("name", "cron")), "manager=sysv\nsysv\tcron\tstatus=0\tenabled=yes\tstoplinks=yes\n"));

        Assert.Equal("cron", plan.Data["name"]);
        Assert.Empty(Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(plan.Data["status"]));
    }

    [Fact]
    public void NoSystemd_NameAloneWithoutAnInitScript_FailsWithSystemctlsWords()
    {
        var plan = Plan(new SystemdModule(), Args(("name", "nosuch")), "manager=sysv\nsysv\tnosuch\tmissing\n");

        Assert.Equal("System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down", Assert.IsType<PlanFailure>(plan).Message);
    }

    [Fact]
    public void NothingAtAll_IsAcceptedAndChangesNothing_AsAnsible()
    {
        var plan = Assert.IsType<NoChange>(Plan(new SystemdModule(), Args(), "manager=sysv\n"));

        Assert.Empty(new SystemdModule().CheckCombination(new HashSet<string>()));
        Assert.Null(plan.Data["name"]);
        Assert.Empty(Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(plan.Data["status"]));
    }

    [Fact]
    public void Service_DoesNotReadOrReturnStatus()
    {
        var fact = Assert.IsType<ServiceFact>(Assert.Single(new ServiceModule().Facts(Args(("name", "cron"), ("state", "started")), Apply)));

        Assert.False(fact.Status);
    }

    private static TaskPlan Plan(Module module, ModuleArguments args, string output)
    {
        var facts = new FactCache();
        var fact = Assert.IsType<ServiceFact>(Assert.Single(module.Facts(args, Apply)));
        facts.Set(fact, fact.Parse(output, 0));
        return module.Plan(args, facts, Apply);
    }
}
