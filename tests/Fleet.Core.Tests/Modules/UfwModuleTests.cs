using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Ufw;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>ufw: the fact parser on ufw's real file formats, and the planner from those facts (data in, commands out).</summary>
public sealed class UfwModuleTests
{
    /// <summary>What the fact prints on a host with ufw 0.36 active, SSH allowed, IPv6 on (lines as ufw writes them).</summary>
    private const string ActiveHost = """
        @@conf
        ENABLED=yes
        LOGLEVEL=low
        @@defaults
        IPV6=yes
        DEFAULT_INPUT_POLICY="DROP"
        DEFAULT_OUTPUT_POLICY="ACCEPT"
        DEFAULT_FORWARD_POLICY="DROP"
        IPT_SYSCTL=/etc/ufw/sysctl.conf
        @@user
        ### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in
        ### tuple ### limit tcp 80,443 0.0.0.0/0 any 10.0.0.0/8 in comment=7765622078
        ### tuple ### allow tcp 22 0.0.0.0/0 any 10.0.0.1 OpenSSH - in
        ### tuple ### route:allow any any 0.0.0.0/0 any 0.0.0.0/0 in_eth0!out_eth1
        @@user6
        ### tuple ### allow tcp 22 ::/0 any ::/0 in
        ### tuple ### reject any 25 2001:db8::1 any ::/0 out_eth0
        ### tuple ### route:allow any any ::/0 any ::/0 in_eth0!out_eth1
        @@loaded
        yes
        @@apps
        [OpenSSH]
        ports=22/tcp
        """;

    private const string FreshHost = """
        @@conf
        ENABLED=no
        LOGLEVEL=low
        @@defaults
        IPV6=yes
        DEFAULT_INPUT_POLICY="DROP"
        DEFAULT_OUTPUT_POLICY="ACCEPT"
        DEFAULT_FORWARD_POLICY="DROP"
        @@user
        @@user6
        @@loaded
        no
        """;

    private static readonly UfwModule Module = new();

    /// <summary>The controller as the host sees it (<c>$SSH_CONNECTION</c>): from 10.0.0.1, the source the OpenSSH rule allows.</summary>
    internal static SshAccess Controller { get; } = new SshAccessFact("root").Parse("connection 10.0.0.1 50000 10.0.0.9 22\nsshd-port 22\naddress eth0 10.0.0.9\ngroups root\n", 0);

    private static TaskPlan PlanOn(string factOutput, params (string Key, object? Value)[] args)
    {
        var facts = new FactCache();
        facts.Set(new SshAccessFact(), Controller);
        facts.Set(new UfwStateFact(), new UfwStateFact().Parse(factOutput, 0));
        facts.Set(new ServicePortsFact("ssh"), new ServicePortsFact("ssh").Parse("ssh 22/tcp\n", 0));
        facts.Set(new ServicePortsFact("domain"), new ServicePortsFact("domain").Parse("domain 53/tcp\ndomain 53/udp\n", 0));
        return Module.Plan(Args(args), facts, new ModuleContext("h", false, "/tmp"));
    }

    [Fact]
    public void Parse_RealTupleLines_ReadsEveryField()
    {
        var state = new UfwStateFact().Parse(ActiveHost, 0);

        Assert.True(state.Active);
        Assert.Equal(("low", "deny", "allow", "deny"), (state.LogLevel, state.Incoming, state.Outgoing, state.Routed));
        Assert.Equal(7, state.Rules.Count);
        Assert.Equal("limit in proto tcp from 10.0.0.0/8 to any port 80,443 comment 'web x'", state.Rules[1].Describe());
        Assert.Equal("allow in from 10.0.0.1 to any app 'OpenSSH'", state.Rules[2].Describe());
        Assert.Equal("route allow in on eth0 out on eth1 from any to any", state.Rules[3].Describe());
        Assert.Equal("reject out on eth0 from any to 2001:db8::1 port 25 (v6)", state.Rules[5].Describe());
    }

    [Fact]
    public void Parse_NoUfw_IsNotInstalled_AndPlanSaysWhichPackage()
    {
        Assert.False(new UfwStateFact().Parse("@@absent\n", 0).Installed);

        var plan = Assert.IsType<PlanFailure>(PlanOn("@@absent\n", ("rule", "allow"), ("to_port", "22")));

        Assert.Equal("ufw is not installed (package ufw)", plan.Message);
    }

    [Fact]
    public void Parse_RulesFileUnreadable_FailsAskingForBecome() =>
        Assert.Contains("become", Assert.IsType<PlanFailure>(PlanOn(FreshHost.Replace("@@user6", "@@unreadable\n@@user6", StringComparison.Ordinal), ("rule", "allow"))).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("any", false, "0.0.0.0/0")]
    [InlineData("10.1.2.3/255.0.0.0", false, "10.0.0.0/8")]
    [InlineData("10.1.2.3/32", false, "10.1.2.3")]
    [InlineData("192.168.1.77/24", false, "192.168.1.0/24")]
    [InlineData("2001:DB8::1/128", true, "2001:db8::1")]
    [InlineData("2001:0db8:0:0::/32", true, "2001:db8::/32")]
    [InlineData("10.0.0.1'; touch /tmp/pwned; '", false, null)]
    public void NormalizeAddress_AsUfwStoresIt(string text, bool v6, string? expected) =>
        Assert.Equal(expected, UfwRule.NormalizeAddress(text, v6));

    [Fact]
    public void Plan_EverythingAlreadyHolds_IsNoOpWithoutCommands()
    {
        var plan = PlanOn(ActiveHost, ("rule", "allow"), ("to_port", "22"), ("proto", "tcp"), ("state", "enabled"), ("default", "deny"), ("logging", "on"));

        var noChange = Assert.IsType<NoChange>(plan);
        Assert.Equal(Array.Empty<string>(), (IEnumerable<string>)noChange.Data["commands"]!);
    }

    [Theory]
    [InlineData("to_port", "443,80")]
    [InlineData("to_port", "80,443")]
    public void Plan_SameRuleWrittenDifferently_IsNoOp(string key, string ports) =>
        Assert.IsType<NoChange>(PlanOn(ActiveHost, ("rule", "limit"), (key, ports), ("proto", "tcp"), ("from_ip", "10.9.8.7/255.0.0.0")));

    [Fact]
    public void Plan_ServiceName_ResolvesPortAndProtocolFromEtcServices() =>
        Assert.IsType<NoChange>(PlanOn(ActiveHost, ("rule", "allow"), ("to_port", "ssh")));

    [Fact]
    public void Plan_AppRule_IdentifiedByProfileName() =>
        Assert.IsType<NoChange>(PlanOn(ActiveHost, ("rule", "allow"), ("name", "OpenSSH"), ("from_ip", "10.0.0.1")));

    [Fact]
    public void Plan_NewRule_OneCommandForBothFamilies_DiffShowsBoth()
    {
        var change = Assert.IsType<Change>(PlanOn(ActiveHost, ("rule", "allow"), ("to_port", "8080"), ("proto", "tcp")));

        Assert.Equal("ufw allow from any to any port 8080 proto tcp", change.Script.Split('\n').Single(l => l.StartsWith("ufw", StringComparison.Ordinal)));
        Assert.Equal(["rule added: allow in proto tcp from any to any port 8080", "rule added: allow in proto tcp from any to any port 8080 (v6)"], change.Changes);
        Assert.Contains("+allow in proto tcp from any to any port 8080 (v6)", change.Diff, StringComparison.Ordinal);
        Assert.Contains(Subject.Firewall, change.Touches!);
        Assert.NotNull(change.Verify);
    }

    [Fact]
    public void Plan_AllowThenLimitSamePort_ReplacesInPlace_ThenHolds()
    {
        var change = Assert.IsType<Change>(PlanOn(ActiveHost, ("rule", "limit"), ("to_port", "22"), ("proto", "tcp")));
        var after = (UfwState)change.Predicted![new UfwStateFact()];

        Assert.Contains("ufw limit from any to any port 22 proto tcp\n", change.Script, StringComparison.Ordinal);
        Assert.DoesNotContain("insert", change.Script, StringComparison.Ordinal);
        Assert.Equal("limit in proto tcp from any to any port 22", after.Rules[0].Describe());
        Assert.Equal(7, after.Rules.Count);

        // Planned again on the state it leads to, the same task holds: it does not flip-flop.
        var facts = new FactCache();
        facts.Set(new SshAccessFact(), Controller);
        facts.Set(new UfwStateFact(), after);
        Assert.IsType<NoChange>(Module.Plan(Args(("rule", "limit"), ("to_port", "22"), ("proto", "tcp")), facts, new ModuleContext("h", false, "/tmp")));
    }

    [Fact]
    public void Plan_ActionChangesWithoutComment_KeepsTheRulesComment()
    {
        var change = Assert.IsType<Change>(PlanOn(ActiveHost, ("rule", "deny"), ("to_port", "80,443"), ("proto", "tcp"), ("from_ip", "10.0.0.0/8")));

        Assert.Contains("ufw deny from 10.0.0.0/8 to any port 80,443 proto tcp comment 'web x'\n", change.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_AllowWhereLimitExists_Holds_SoAllowThenLimitNeverFlipFlops()
    {
        var allow = PlanOn(ActiveHost, ("rule", "allow"), ("to_port", "80,443"), ("proto", "tcp"), ("from_ip", "10.0.0.0/8"));
        var limit = PlanOn(ActiveHost, ("rule", "limit"), ("to_port", "80,443"), ("proto", "tcp"), ("from_ip", "10.0.0.0/8"));

        Assert.IsType<NoChange>(allow);
        Assert.IsType<NoChange>(limit);
    }

    [Fact]
    public void Plan_Delete_OnlyTheRuleWithThatAction()
    {
        var delete = Assert.IsType<Change>(PlanOn(ActiveHost, ("rule", "allow"), ("to_port", "22"), ("proto", "tcp"), ("delete", true)));
        var otherAction = PlanOn(ActiveHost, ("rule", "deny"), ("to_port", "22"), ("proto", "tcp"), ("delete", true));

        Assert.Contains("ufw delete allow from any to any port 22 proto tcp\n", delete.Script, StringComparison.Ordinal);
        Assert.Equal(2, delete.Changes.Count);
        Assert.IsType<NoChange>(otherAction);
    }

    [Fact]
    public void Plan_Enable_OnlyWhenNotActive_AndLast()
    {
        Assert.IsType<NoChange>(PlanOn(ActiveHost, ("state", "enabled")));
        Assert.IsType<Change>(PlanOn(ActiveHost.Replace("@@loaded\nyes", "@@loaded\nno", StringComparison.Ordinal), ("state", "enabled")));

        var change = Assert.IsType<Change>(PlanOn(FreshHost, ("state", "enabled"), ("rule", "allow"), ("to_port", "22"), ("proto", "tcp")));
        var commands = change.Script.Split('\n').Where(l => l.StartsWith("ufw", StringComparison.Ordinal)).ToList();

        Assert.Equal(["ufw allow from any to any port 22 proto tcp", "ufw --force enable"], commands);
        Assert.Contains(Subject.Sysctl(null), change.Touches!);
        Assert.True(change.Verify!.NewConnection);
        Assert.Contains("ufw --force disable", change.Verify.Rollback, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_DefaultPolicy_NeverRunWhenItHolds()
    {
        Assert.IsType<NoChange>(PlanOn(ActiveHost, ("default", "allow"), ("direction", "outgoing")));

        var change = Assert.IsType<Change>(PlanOn(ActiveHost, ("default", "deny"), ("direction", "outgoing")));

        Assert.Contains("ufw default deny outgoing\n", change.Script, StringComparison.Ordinal);
        Assert.Equal(["default outgoing: allow → deny"], change.Changes);
    }

    [Theory]
    [InlineData("on", true)]
    [InlineData("low", true)]
    [InlineData("high", false)]
    [InlineData("off", false)]
    public void Plan_Logging_ChangesOnlyAnotherLevel(string level, bool holds) =>
        Assert.Equal(holds, PlanOn(ActiveHost, ("logging", level)) is NoChange);

    [Fact]
    public void Plan_ResetAndReload_AlwaysRun_AsInAnsible()
    {
        Assert.Contains("ufw --force reset", Assert.IsType<Change>(PlanOn(FreshHost, ("state", "reset"))).Script, StringComparison.Ordinal);
        Assert.Contains("ufw reload", Assert.IsType<Change>(PlanOn(ActiveHost, ("state", "reloaded"))).Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Ipv6Address_OnlyThatFamily()
    {
        var change = Assert.IsType<Change>(PlanOn(ActiveHost, ("rule", "deny"), ("from_ip", "2001:db8::/32"), ("to_port", "25"), ("proto", "tcp")));

        Assert.Equal(["rule added: deny in proto tcp from 2001:db8::/32 to any port 25 (v6)"], change.Changes);
    }

    [Fact]
    public void Plan_InsertRelativeToFirstIpv6_CountsFromTheRules()
    {
        var change = Assert.IsType<Change>(PlanOn(ActiveHost, ("rule", "deny"), ("to_port", "20"), ("proto", "tcp"), ("to_ip", "::"), ("insert", 0L), ("insert_relative_to", "first-ipv6")));

        Assert.Contains("ufw insert 5 deny from any to :: port 20 proto tcp\n", change.Script, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("to_port", "80,443", "several ports or a port range need proto")]
    [InlineData("to_port", "0", "bad port")]
    [InlineData("to_port", "nosuchservice", "unknown service")]
    [InlineData("from_ip", "10.0.0.999", "not an IP address")]
    [InlineData("interface", "eth0;reboot", "bad interface name")]
    public void Plan_BadValues_AreFailuresNotCommands(string key, string value, string message)
    {
        var args = new List<(string, object?)> { ("rule", "allow"), (key, value) };
        if (key == "interface")
        {
            args.Add(("direction", "in"));
        }

        var facts = new FactCache();
        facts.Set(new SshAccessFact(), Controller);
        facts.Set(new UfwStateFact(), new UfwStateFact().Parse(ActiveHost, 0));
        facts.Set(new ServicePortsFact("nosuchservice"), new ServicePortsFact("nosuchservice").Parse("", 0));
        var plan = Module.Plan(Args([.. args]), facts, new ModuleContext("h", false, "/tmp"));

        Assert.Contains(message, Assert.IsType<PlanFailure>(plan).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ShellInjectionInEveryStringParameter_IsQuoted()
    {
        const string evil = "x'; touch /tmp/pwned; '";
        var change = Assert.IsType<Change>(PlanOn(ActiveHost, ("rule", "allow"), ("name", evil), ("comment", evil)));

        var command = change.Script.Split('\n').Single(l => l.StartsWith("ufw allow", StringComparison.Ordinal));
        Assert.Equal("ufw allow from any to any app 'x'\\''; touch /tmp/pwned; '\\''' comment 'x'\\''; touch /tmp/pwned; '\\'''", command);

        // Run through a real shell with ufw replaced by printf: each value arrives as one argument, and nothing else runs.
        var (_, stdout, _) = Sh("ufw() { printf '[%s]' \"$@\"; }\n" + command);
        Assert.Equal($"[allow][from][any][to][any][app][{evil}][comment][{evil}]", stdout);
    }

    [Fact]
    public void Validation_NeedsOneCommandKey_AndRejectsUnknownParameters()
    {
        Assert.Contains("one of state, default, rule or logging is required", Module.CheckCombination(new HashSet<string> { "port" }));
        Assert.Contains("interface needs direction (in or out)", Module.CheckCombination(new HashSet<string> { "rule", "interface" }));
        Assert.DoesNotContain(Module.Parameters, p => p.Name == "ports");
    }

    [Fact]
    public void Fact_RunsOnThisMachine_WithoutUfw_ReportsNotInstalledOrState()
    {
        // The real command under the machine's /bin/sh: it must parse whatever this machine has.
        var state = Gather([new UfwStateFact()]).Get(new UfwStateFact());

        Assert.NotNull(state);
    }
}
