using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Sshd;
using Fleet.Core.Results;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>sshd: where the settings go, the drop-in's text, the check-then-replace script, the effective values.</summary>
public sealed class SshdModuleTests
{
    private const string DebianMain = """
        # This is the sshd server system-wide configuration file.
        Include /etc/ssh/sshd_config.d/*.conf
        KbdInteractiveAuthentication no
        UsePAM yes
        X11Forwarding yes
        Subsystem sftp /usr/lib/openssh/sftp-server

        """;

    private const string Effective = """
        @@fleet-sshd-effective@@
        ok
        port 22
        permitrootlogin without-password
        maxauthtries 3
        x11forwarding no
        allowusers root
        allowusers deploy
        logingracetime 60

        """;

    private static readonly ModuleContext Context = new("h", CheckMode: false, ".");

    private static readonly Dictionary<string, string> Hardening = new()
    {
        ["PermitRootLogin"] = "prohibit-password",
        ["X11Forwarding"] = "false",
        ["MaxAuthTries"] = "3",
    };

    private static TaskPlan PlanOn(string? main, string? dropIn, IReadOnlyDictionary<string, string> settings, string? path = null, string effective = Effective)
    {
        var args = Args(("settings", settings), ("path", path));
        var facts = new FactCache();
        var (values, error) = SshdConfigFact.ParseEffective(effective);
        facts.Set(new SshdConfigFact(path ?? SshdModule.DefaultPath), new SshdState(true, main, dropIn, values, error));
        facts.Set(new SshAccessFact("root"), UfwModuleTests.Controller);
        facts.Set(new Fleet.Core.Modules.Ufw.UfwStateFact(), Fleet.Core.Modules.Ufw.UfwState.NotInstalled);
        return new SshdModule().Plan(args, facts, Context);
    }

    [Fact]
    public void Plan_MainIncludesDropInsFirst_WritesTheDropIn()
    {
        var change = Assert.IsType<Change>(PlanOn(DebianMain, null, Hardening));

        Assert.Equal(
            $"--- {SshdModule.DefaultPath} (before)\n+++ {SshdModule.DefaultPath} (after)\n@@ -0,0 +1,4 @@\n+{SshdConfigText.DropInHeader}\n+PermitRootLogin prohibit-password\n+X11Forwarding no\n+MaxAuthTries 3\n",
            change.Diff);
        Assert.Contains("sshd -t -f \"$c\"", change.Script, StringComparison.Ordinal);
        Assert.True(change.Script.IndexOf("sshd -t -f", StringComparison.Ordinal) < change.Script.IndexOf("mv -f \"$t\" /etc/ssh/sshd_config.d/00-fleet.conf", StringComparison.Ordinal), "checked before it replaces the old file");
        Assert.Contains("kill -HUP", change.Script, StringComparison.Ordinal);
        var verify = change.Verify!;
        Assert.True(verify.NewConnection);
        Assert.Contains("rm -f /etc/ssh/sshd_config.d/00-fleet.conf", verify.Rollback, StringComparison.Ordinal);
        Assert.Empty(change.Warnings);
    }

    [Fact]
    public void Plan_DropInAlreadyHoldsTheSettings_IsOkWithEffectiveValues()
    {
        var dropIn = SshdConfigText.DropIn(SshdConfigText.Lines(Hardening));

        var plan = Assert.IsType<NoChange>(PlanOn(DebianMain, dropIn, Hardening));

        Assert.Empty(plan.Warnings); // without-password is prohibit-password, "false" is no
        var effective = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(plan.Data["effective"]);
        Assert.Equal("without-password", effective["PermitRootLogin"]);
        Assert.Equal("3", effective["MaxAuthTries"]);
    }

    [Fact]
    public void Plan_EffectiveValueDiffers_WarnsEvenWhenTheFileIsRight()
    {
        var settings = new Dictionary<string, string> { ["MaxAuthTries"] = "2" };

        var plan = Assert.IsType<NoChange>(PlanOn(DebianMain, SshdConfigText.DropIn(SshdConfigText.Lines(settings)), settings));

        Assert.Equal("sshd's effective MaxAuthTries is 3, not 2 (an earlier file or drop-in sets it)", Assert.Single(plan.Warnings));
    }

    [Theory]
    [InlineData("PermitRootLogin no\nInclude /etc/ssh/sshd_config.d/*.conf\n", false)]
    [InlineData("Include sshd_config.d/*.conf\nPermitRootLogin no\n", true)]
    [InlineData("Port 22\nInclude /etc/ssh/sshd_config.d/*.conf\n", true)]
    [InlineData("Match User bob\nInclude /etc/ssh/sshd_config.d/*.conf\n", false)]
    [InlineData("Include /etc/ssh/other/*.conf\n", false)]
    [InlineData("# Include /etc/ssh/sshd_config.d/*.conf\n", false)]
    public void IncludesFirst_OnlyWhenTheDropInIsReadBeforeOurKeywords(string main, bool expected) =>
        Assert.Equal(expected, SshdConfigText.IncludesFirst(main, SshdModule.DefaultPath, ["PermitRootLogin"]));

    [Fact]
    public void Plan_NoIncludeFirst_WritesABlockAtTheTopOfTheMainFile()
    {
        var change = Assert.IsType<Change>(PlanOn("X11Forwarding yes\nUsePAM yes\n", null, new Dictionary<string, string> { ["X11Forwarding"] = "no" }));

        Assert.Contains($"+{SshdConfigText.BlockBegin}\n+X11Forwarding no\n+{SshdConfigText.BlockEnd}\n X11Forwarding yes\n", change.Diff, StringComparison.Ordinal);
        Assert.Contains("mv -f \"$c\" /etc/ssh/sshd_config", change.Script, StringComparison.Ordinal);
        Assert.Contains("block at its top", Assert.Single(change.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void WithBlock_ReplacesItsOwnBlock_SoASecondRunIsANoOp()
    {
        var once = SshdConfigText.WithBlock("UsePAM yes\n", ["MaxAuthTries 3"]);

        Assert.Equal(once, SshdConfigText.WithBlock(once, ["MaxAuthTries 3"]));
        Assert.Equal(once.Replace("3", "4", StringComparison.Ordinal), SshdConfigText.WithBlock(once, ["MaxAuthTries 4"]));
    }

    [Fact]
    public void Lines_ListsAreCommaJoinedOrRepeated() =>
        Assert.Equal(
            ["AllowUsers root", "AllowUsers deploy", "KexAlgorithms curve25519-sha256,sntrup761x25519-sha512@openssh.com", "PasswordAuthentication yes"],
            SshdConfigText.Lines(new Dictionary<string, string> { ["AllowUsers"] = "root,deploy", ["KexAlgorithms"] = "curve25519-sha256,sntrup761x25519-sha512@openssh.com", ["PasswordAuthentication"] = "true" }));

    [Theory]
    [InlineData("Permit Root", "yes", "not an sshd keyword")]
    [InlineData("x'; touch /tmp/pwned; '", "yes", "not an sshd keyword")]
    [InlineData("Match", "User bob", "not supported")]
    [InlineData("Banner", "/etc/issue.net\nPermitRootLogin yes", "needs a value on one line")]
    public void Plan_InvalidSetting_FailsBeforeReadingAnything(string keyword, string value, string message) =>
        Assert.Contains(message, Assert.IsType<PlanFailure>(PlanOn(DebianMain, null, new Dictionary<string, string> { [keyword] = value })).Message, StringComparison.Ordinal);

    [Fact]
    public void Plan_HostilePathAndValue_AreQuotedOrEncoded()
    {
        var path = "/etc/ssh/sshd_config.d/x'; touch pwned; '.conf";
        var main = "Include /etc/ssh/sshd_config.d/*.conf\n";

        var change = Assert.IsType<Change>(PlanOn(main, null, new Dictionary<string, string> { ["Banner"] = "$(touch /tmp/pwned)" }, path));

        Assert.Contains("mv -f \"$t\" '/etc/ssh/sshd_config.d/x'\\''; touch pwned; '\\''.conf'", change.Script, StringComparison.Ordinal);
        Assert.DoesNotContain("$(touch", change.Script, StringComparison.Ordinal);
        Assert.Contains("rm -f '/etc/ssh/sshd_config.d/x'\\''; touch pwned; '\\''.conf'", change.Verify!.Rollback, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_RollbackRestoresThePreviousDropIn()
    {
        var change = Assert.IsType<Change>(PlanOn(DebianMain, "MaxAuthTries 5\n", Hardening));

        Assert.Contains(Fleet.Core.Remote.Sh.PrintText("MaxAuthTries 5\n"), change.Verify!.Rollback, StringComparison.Ordinal);
        Assert.Contains("kill -HUP", change.Verify.Rollback, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_NotInstalled_Fails()
    {
        var facts = new FactCache();
        facts.Set(new SshdConfigFact(SshdModule.DefaultPath), SshdState.NotInstalled);

        Assert.Equal("sshd is not installed (package openssh-server)", Assert.IsType<PlanFailure>(new SshdModule().Plan(Args(("settings", Hardening)), facts, Context)).Message);
    }

    [Fact]
    public void Complete_ReadsTheEffectiveValuesAfterTheReload()
    {
        var change = Assert.IsType<Change>(PlanOn(DebianMain, null, Hardening));

        var outcome = new SshdModule().Complete(change, new CommandResult(0, Effective.Replace("maxauthtries 3", "maxauthtries 6", StringComparison.Ordinal), "", TimeSpan.Zero), Args(("settings", Hardening)));

        Assert.Equal(TaskOutcome.Changed, outcome.Status);
        Assert.Equal(SshdModule.DefaultPath, outcome.Data!["path"]);
        Assert.Equal("sshd's effective MaxAuthTries is 6, not 3 (an earlier file or drop-in sets it)", Assert.Single(outcome.Warnings));
    }

    [Fact]
    public void Holds_RepeatedKeywordsAccumulate_TimesAreSeconds()
    {
        Assert.True(SshdConfigText.Holds(["root", "deploy"], "AllowUsers", ["deploy"]));
        Assert.True(SshdConfigText.Holds(["60"], "LoginGraceTime", ["1m"]));
        Assert.False(SshdConfigText.Holds(["yes"], "X11Forwarding", ["no"]));
    }

    [Fact]
    public void Fact_ParsesFilesAndEffectiveValues()
    {
        var output = "main\n" + Convert.ToBase64String("Port 22\n"u8) + "\nnodropin\n\n" + Effective;

        var state = new SshdConfigFact(SshdModule.DefaultPath).Parse(output, 0);

        Assert.Equal(("Port 22\n", (string?)null), (state.MainText, state.DropInText));
        Assert.Equal(["root", "deploy"], state.Effective!["allowusers"]);
    }
}
