using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Sshd;
using Fleet.Core.Modules.Ufw;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>
/// The sshd safety rail: settings that would refuse the login Fleet uses are refused with the reason before anything runs (data in:
/// sshd -T, the connection, the login user's groups, the firewall; refusal or change out).
/// </summary>
public sealed class SshdLockoutTests
{
    private const string Main = "Include /etc/ssh/sshd_config.d/*.conf\nUsePAM yes\n";

    private const string Effective = "@@fleet-sshd-effective@@\nok\nport 22\npermitrootlogin without-password\npubkeyauthentication yes\npasswordauthentication yes\n";

    private const string Connection = "connection 10.213.0.1 51234 10.213.0.12 22\nsshd-port 22\naddress eth0 10.213.0.12\n";

    /// <summary>ufw active, default deny, only port 22 allowed.</summary>
    private const string FirewallOnly22 = "@@conf\nENABLED=yes\n@@defaults\nIPV6=yes\nDEFAULT_INPUT_POLICY=\"DROP\"\n@@user\n### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n@@user6\n@@loaded\nyes\n";

    private static TaskPlan PlanOn(
        Dictionary<string, string> settings,
        string user = "root",
        string groups = "root",
        string sudoers = "",
        bool key = true,
        bool password = false,
        string firewall = "@@absent\n",
        string effective = Effective,
        string? dropIn = null,
        bool allowLockout = false)
    {
        var facts = new FactCache();
        var (values, error) = SshdConfigFact.ParseEffective(effective);
        facts.Set(new SshdConfigFact(SshdModule.DefaultPath), new SshdState(true, Main, dropIn, values, error));
        facts.Set(new SshAccessFact(user), new SshAccessFact(user).Parse($"{Connection}groups {groups}\n{sudoers}", 0));
        facts.Set(new UfwStateFact(), new UfwStateFact().Parse(firewall, 0));
        var args = allowLockout ? Args(("settings", settings), ("allow_lockout", true)) : Args(("settings", settings));
        return new SshdModule().Plan(args, facts, new ModuleContext("h", false, ".", user, key, password));
    }

    private static string Refused(TaskPlan plan)
    {
        var message = Assert.IsType<PlanFailure>(plan).Message;
        Assert.StartsWith("refused: ", message, StringComparison.Ordinal);
        Assert.EndsWith("set allow_lockout: true to apply it anyway (dangerous: it may lock you out)", message, StringComparison.Ordinal);
        return message;
    }

    [Fact]
    public void AllowUsersWithoutTheLoginUser_IsRefused()
    {
        var message = Refused(PlanOn(new() { ["AllowUsers"] = "nobody" }));

        Assert.Contains("AllowUsers nobody would refuse root, the user Fleet logs in as from 10.213.0.1", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("root", true)]
    [InlineData("deploy r?ot", true)]
    [InlineData("root@10.213.0.0/16", true)]
    [InlineData("root@10.213.0.*", true)]
    [InlineData("root@192.168.0.0/16", false)]
    [InlineData("deploy", false)]
    public void AllowUsers_PatternsAndAddresses(string allowUsers, bool admitted) =>
        Assert.Equal(admitted, PlanOn(new() { ["AllowUsers"] = allowUsers }) is Change);

    [Fact]
    public void AllowUsers_AddsUpAcrossFiles_AValueFromTheMainFileStillAdmits()
    {
        var effective = Effective + "allowusers root\n";

        Assert.IsType<Change>(PlanOn(new() { ["AllowUsers"] = "deploy" }, effective: effective));

        // The same value set only by the old version of this drop-in leaves with it.
        Refused(PlanOn(new() { ["AllowUsers"] = "deploy" }, effective: effective, dropIn: "AllowUsers root\n"));
    }

    [Fact]
    public void DenyUsers_WithTheLoginUser_IsRefused() =>
        Assert.Contains("DenyUsers ro* would refuse root", Refused(PlanOn(new() { ["DenyUsers"] = "ro*" })), StringComparison.Ordinal);

    [Fact]
    public void AllowGroups_WithoutAGroupOfTheLoginUser_IsRefused_WithOneItIsNot()
    {
        Assert.Contains("AllowGroups admins would refuse alice, the user Fleet logs in as (groups: alice sudo)", Refused(PlanOn(new() { ["AllowGroups"] = "admins" }, user: "alice", groups: "alice sudo")), StringComparison.Ordinal);
        Assert.IsType<Change>(PlanOn(new() { ["AllowGroups"] = "admins sudo" }, user: "alice", groups: "alice sudo"));
    }

    [Fact]
    public void PubkeyAuthenticationNo_WhileFleetHasOnlyAKey_IsRefused()
    {
        Assert.Contains("PubkeyAuthentication no would refuse the key Fleet logs in with", Refused(PlanOn(new() { ["PubkeyAuthentication"] = "no" })), StringComparison.Ordinal);
        Assert.IsType<Change>(PlanOn(new() { ["PubkeyAuthentication"] = "no" }, password: true));
    }

    [Fact]
    public void PasswordAuthenticationNo_WhileFleetHasOnlyAPassword_IsRefused()
    {
        Assert.Contains("PasswordAuthentication no would refuse the password Fleet logs in with", Refused(PlanOn(new() { ["PasswordAuthentication"] = "false" }, key: false, password: true)), StringComparison.Ordinal);
        Assert.IsType<Change>(PlanOn(new() { ["PasswordAuthentication"] = "false" }));
    }

    [Fact]
    public void PermitRootLoginNo_AsRoot_IsRefusedUnlessAnotherUserHoldsAKeyAndSudo()
    {
        Assert.Contains("PermitRootLogin no would refuse root, the user Fleet logs in as, and no other user holds a key and sudo", Refused(PlanOn(new() { ["PermitRootLogin"] = "no" })), StringComparison.Ordinal);
        Assert.IsType<Change>(PlanOn(new() { ["PermitRootLogin"] = "no" }, sudoers: "keyed-sudoer alice\n"));
        Assert.IsType<Change>(PlanOn(new() { ["PermitRootLogin"] = "no" }, user: "alice", groups: "alice sudo"));
    }

    [Fact]
    public void PermitRootLoginProhibitPassword_AsRootWithAPassword_IsRefused_WithAKeyItIsNot()
    {
        Refused(PlanOn(new() { ["PermitRootLogin"] = "prohibit-password" }, key: false, password: true));
        Assert.IsType<Change>(PlanOn(new() { ["PermitRootLogin"] = "prohibit-password" }));
    }

    [Fact]
    public void PortChange_TheFirewallDoesNotAllow_IsRefusedNamingWhy()
    {
        var message = Refused(PlanOn(new() { ["Port"] = "2222" }, firewall: FirewallOnly22));

        Assert.Contains("Port 2222: the firewall would not let the controller (10.213.0.1) reach it: no rule admits it and the default incoming policy deny would block it", message, StringComparison.Ordinal);
    }

    [Fact]
    public void PortChange_FirewallFirst_ThenSshd_IsAllowed()
    {
        var allowed = FirewallOnly22.Replace("@@user6", "### tuple ### allow tcp 2222 0.0.0.0/0 any 0.0.0.0/0 in\n@@user6", StringComparison.Ordinal);

        Assert.IsType<Change>(PlanOn(new() { ["Port"] = "2222" }, firewall: allowed));
        Assert.IsType<Change>(PlanOn(new() { ["Port"] = "2222" }));
    }

    [Fact]
    public void PortChangeDoneRight_TheFreshConnectionAndLaterTasksUseTheNewPort()
    {
        var moved = Assert.IsType<Change>(PlanOn(new() { ["Port"] = "2222" }));
        var added = Assert.IsType<Change>(PlanOn(new() { ["Port"] = "22,2222" }));

        Assert.Equal(2222, moved.Verify!.NewPort);
        Assert.Contains(moved.Warnings, w => w.Contains("set port: 2222 in the inventory", StringComparison.Ordinal));
        Assert.Null(added.Verify!.NewPort);
    }

    [Fact]
    public void AllowLockout_SkipsTheCheck_AndReadsNothingExtra()
    {
        Assert.IsType<Change>(PlanOn(new() { ["AllowUsers"] = "nobody" }, allowLockout: true));

        var facts = new SshdModule().Facts(Args(("settings", new Dictionary<string, string> { ["AllowUsers"] = "nobody" }), ("allow_lockout", true)), new ModuleContext("h", false, "."));
        Assert.Single(facts);
    }

    [Fact]
    public void UnrelatedSettings_ReadNoConnectionFacts() =>
        Assert.Single(new SshdModule().Facts(Args(("settings", new Dictionary<string, string> { ["X11Forwarding"] = "no" })), new ModuleContext("h", false, ".")));
}
