using System.Net;
using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Ufw;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>
/// The first safety rail: a ufw task whose resulting rule set would not admit the SSH connection Fleet is using is refused before
/// anything runs, naming the rule (or policy) that would block it, unless the task says allow_lockout. ufw's evaluation as its
/// chains do it: first matching user rule of the connection's family wins, limit admits a single connection, default policy last.
/// </summary>
public sealed class UfwLockoutTests
{
    /// <summary>ufw installed, inactive, no rules, default deny incoming (a fresh Debian install).</summary>
    private const string Fresh = "@@conf\nENABLED=no\nLOGLEVEL=low\n@@defaults\nIPV6=yes\nDEFAULT_INPUT_POLICY=\"DROP\"\n@@user\n@@user6\n@@loaded\nno\n";

    /// <summary>Active, default deny, SSH allowed from anywhere (IPv4 and IPv6).</summary>
    private const string Active = """
        @@conf
        ENABLED=yes
        @@defaults
        IPV6=yes
        DEFAULT_INPUT_POLICY="DROP"
        @@user
        ### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in
        @@user6
        ### tuple ### allow tcp 22 ::/0 any ::/0 in
        @@loaded
        yes
        @@apps
        [OpenSSH]
        ports=22/tcp
        """;

    private const string Connection = "connection 10.213.0.1 51234 10.213.0.12 22\nsshd-port 22\naddress lo 127.0.0.1\naddress eth0 10.213.0.12\naddress eth0 fe80::1\n";

    private static readonly UfwModule Module = new();

    private static TaskPlan PlanOn(string ufw, string connection, params (string Key, object? Value)[] args)
    {
        var facts = new FactCache();
        facts.Set(new UfwStateFact(), new UfwStateFact().Parse(ufw, 0));
        facts.Set(new SshAccessFact(), new SshAccessFact().Parse(connection, 0));
        return Module.Plan(Args(args), facts, new ModuleContext("h", false, "/tmp"));
    }

    private static string Refusal(TaskPlan plan) => Assert.IsType<PlanFailure>(plan).Message;

    [Fact]
    public void DenySshPortAndEnable_IsRefused_NamingTheRule()
    {
        var message = Refusal(PlanOn(Fresh, Connection, ("rule", "deny"), ("to_port", "22"), ("proto", "tcp"), ("state", "enabled")));

        Assert.StartsWith("refused: this task (rule added: deny in proto tcp from any to any port 22;", message, StringComparison.Ordinal);
        Assert.Contains("(10.213.0.1 → 10.213.0.12 port 22/tcp on eth0) rule 1 'deny in proto tcp from any to any port 22' would block it", message, StringComparison.Ordinal);
        Assert.Contains("allow_lockout: true", message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnableWithoutAnAllowRule_IsRefused_NamingTheDefaultPolicy()
    {
        var message = Refusal(PlanOn(Fresh, Connection, ("state", "enabled")));

        Assert.Contains("no rule admits it and the default incoming policy deny would block it", message, StringComparison.Ordinal);
    }

    [Fact]
    public void AllowLockout_LetsTheDangerousTaskThrough()
    {
        var change = Assert.IsType<Change>(PlanOn(Fresh, Connection, ("state", "enabled"), ("allow_lockout", true)));

        Assert.Contains("ufw --force enable", change.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void DenyOnAnInactiveFirewall_IsFine_TheEnableLaterIsWhatIsChecked()
    {
        Assert.IsType<Change>(PlanOn(Fresh, Connection, ("rule", "deny"), ("to_port", "22"), ("proto", "tcp")));
    }

    [Fact]
    public void LimitCountsAsAllow_ForASingleConnection()
    {
        Assert.IsType<Change>(PlanOn(Fresh, Connection, ("rule", "limit"), ("to_port", "22"), ("proto", "tcp"), ("state", "enabled")));
    }

    [Fact]
    public void FirstMatchWins_ADenyInsertedBeforeTheAllowBlocks_OneAppendedAfterItDoesNot()
    {
        var inserted = Refusal(PlanOn(Active, Connection, ("rule", "deny"), ("from_ip", "10.213.0.0/16"), ("to_port", "22"), ("proto", "tcp"), ("insert", 1L)));
        var appended = PlanOn(Active, Connection, ("rule", "deny"), ("from_ip", "10.213.0.0/16"), ("to_port", "22"), ("proto", "tcp"));

        Assert.Contains("rule 1 'deny in proto tcp from 10.213.0.0/16 to any port 22' would block it", inserted, StringComparison.Ordinal);
        Assert.IsType<Change>(appended);
    }

    [Fact]
    public void DeletingTheOnlyAllow_IsRefused()
    {
        var message = Refusal(PlanOn(Active, Connection, ("rule", "allow"), ("to_port", "22"), ("proto", "tcp"), ("delete", true)));

        Assert.Contains("default incoming policy deny would block it", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("eth0", false)]
    [InlineData("eth+", false)]
    [InlineData("eth1", true)]
    public void InterfaceRule_BlocksOnlyOnTheConnectionsInterface(string name, bool allowed)
    {
        var plan = PlanOn(Active, Connection, ("rule", "deny"), ("direction", "in"), ("interface", name), ("insert", 1L));

        Assert.Equal(allowed, plan is Change);
    }

    [Fact]
    public void InterfaceRule_WhenTheInterfaceIsUnknown_MayBlock_AndIsRefused()
    {
        var message = Refusal(PlanOn(Active, "connection 10.213.0.1 51234 10.213.0.12 22\n", ("rule", "deny"), ("direction", "in"), ("interface", "eth1"), ("insert", 1L)));

        Assert.Contains("may block it", message, StringComparison.Ordinal);
    }

    [Fact]
    public void RulesFromOtherSourcesOrPortsOrProtocols_DoNotBlock()
    {
        Assert.IsType<Change>(PlanOn(Active, Connection, ("rule", "deny"), ("from_ip", "192.0.2.0/24"), ("to_port", "22"), ("proto", "tcp"), ("insert", 1L)));
        Assert.IsType<Change>(PlanOn(Active, Connection, ("rule", "deny"), ("to_port", "2222"), ("proto", "tcp"), ("insert", 1L)));
        Assert.IsType<Change>(PlanOn(Active, Connection, ("rule", "deny"), ("to_port", "22"), ("proto", "udp"), ("insert", 1L)));
    }

    [Fact]
    public void SourcePortRule_CoveringTheEphemeralRange_Blocks()
    {
        var message = Refusal(PlanOn(Active, Connection, ("rule", "reject"), ("from_port", "1024:65535"), ("proto", "tcp"), ("insert", 1L)));

        Assert.Contains("would block it", message, StringComparison.Ordinal);
    }

    [Fact]
    public void AllowOnlyFromAnUnrelatedRange_IsRefused()
    {
        // The public hardening role's mistake: SSH allowed only from a private range the controller is not in.
        var message = Refusal(PlanOn(Fresh, Connection, ("rule", "allow"), ("from_ip", "192.168.0.0/16"), ("to_port", "22"), ("proto", "tcp"), ("state", "enabled")));

        Assert.Contains("default incoming policy deny would block it", message, StringComparison.Ordinal);
    }

    [Fact]
    public void AppRule_AdmitsThroughItsProfilesPorts()
    {
        var withApp = Active.Replace("### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in", "### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 OpenSSH - in", StringComparison.Ordinal);

        Assert.IsType<Change>(PlanOn(withApp, Connection, ("rule", "deny"), ("to_port", "80"), ("proto", "tcp")));
        Assert.True(UfwAdmission.Evaluate(new UfwStateFact().Parse(withApp, 0), IPAddress.Parse("10.213.0.1"), IPAddress.Parse("10.213.0.12"), 22, "eth0").Admitted);
    }

    [Fact]
    public void Ipv6Connection_IsJudgedByTheIpv6Rules()
    {
        const string v6 = "connection 2001:db8::5 51234 2001:db8::12 22\naddress eth0 2001:db8::12\n";

        Assert.IsType<Change>(PlanOn(Active, v6, ("rule", "deny"), ("from_ip", "10.0.0.0/8"), ("to_port", "22"), ("proto", "tcp"), ("insert", 1L)));
        Assert.Contains("would block it", Refusal(PlanOn(Active, v6, ("rule", "deny"), ("from_ip", "2001:db8::/32"), ("to_port", "22"), ("proto", "tcp"), ("insert", 1L))), StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownConnection_IsRefused_TheRailDoesNotFailOpen()
    {
        var message = Refusal(PlanOn(Fresh, "connection \n", ("rule", "allow"), ("to_port", "22"), ("proto", "tcp"), ("state", "enabled")));

        Assert.Contains("cannot tell where this SSH connection comes from", message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoggingOnly_NeedsNoConnectionFact()
    {
        Assert.DoesNotContain(Module.Facts(Args(("logging", "on")), new ModuleContext("h", false, "/tmp")), f => f is SshAccessFact);
        Assert.Contains(Module.Facts(Args(("state", "enabled")), new ModuleContext("h", false, "/tmp")), f => f is SshAccessFact);
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.1.2.3", true)]
    [InlineData("10.0.0.0/8", "11.1.2.3", false)]
    [InlineData("10.0.0.5", "10.0.0.5", true)]
    [InlineData("0.0.0.0/0", "203.0.113.9", true)]
    [InlineData("10.0.0.0/255.0.255.0", "10.9.0.7", true)]
    [InlineData("::/0", "10.0.0.1", false)]
    [InlineData("2001:db8::/32", "2001:db8:1::1", true)]
    public void Contains_UfwsAddressForms(string network, string address, bool expected) =>
        Assert.Equal(expected, UfwAdmission.Contains(network, IPAddress.Parse(address)));

    [Fact]
    public void Fact_ParsesTheConnectionSshdAndAddresses()
    {
        var access = new SshAccessFact("alice").Parse(
            "connection ::ffff:10.0.0.5 40000 10.0.0.9 2222\nsshd-port 22\nsshd-port 2222\naddress eth0@if12 10.0.0.9\ngroups alice sudo\nkeyed-sudoer alice\n", 0);

        Assert.Equal(IPAddress.Parse("10.0.0.5"), access.Client);
        Assert.Equal((2222, "eth0"), (access.Port, access.ServerInterface));
        Assert.Equal([22, 2222], access.SshdPorts);
        Assert.Equal(["alice", "sudo"], access.LoginGroups);
        Assert.Equal(["alice"], access.KeyedSudoers);
    }

    [Fact]
    public void Fact_ConnectionAlone_NoTaskMakesItStale_WithAUserItFollowsAccountsAndSsh()
    {
        var connection = Gather([new SshAccessFact()]).Get(new SshAccessFact());

        Assert.Empty(new SshAccessFact().Subjects);
        Assert.Empty(connection.LoginGroups);
        Assert.Contains(Subject.User(null), new SshAccessFact("root").Subjects);
        Assert.Contains(Subject.Tree("/etc/ssh"), new SshAccessFact("root").Subjects);
    }

    [Fact]
    public void Fact_RunsUnderThisMachinesShell_EvenWithoutAnSshConnection()
    {
        var access = Gather([new SshAccessFact("root")]).Get(new SshAccessFact("root"));

        Assert.Contains("root", access.LoginGroups);
        Assert.Contains(access.Interfaces, i => i.Interface == "lo");
    }
}
