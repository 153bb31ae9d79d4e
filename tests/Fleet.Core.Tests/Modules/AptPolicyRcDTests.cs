using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Apt;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>
/// apt's policy_rc_d: the transaction runs under a policy-rc.d that exits with the code, and the host's own one (or none) is there
/// again afterwards, whatever apt-get's exit. The scripts run with a fake apt-get and the policy file moved into a temporary directory.
/// </summary>
public sealed class AptPolicyRcDTests : IDisposable
{
    private static readonly ModuleContext Apply = new("h", CheckMode: false, ".");
    private readonly FakeCommands _fakes = new();
    private readonly TempFiles _files = new();

    public void Dispose()
    {
        _fakes.Dispose();
        _files.Dispose();
    }

    private string Policy => Path.Combine(_files.Dir, "policy-rc.d");

    /// <summary>The script with the host's policy file replaced by one in the test's directory; apt-get copies the policy it sees.</summary>
    private AptRun RunWithFakeApt(string script, int aptExit = 0)
    {
        _fakes.Add("apt-get", $"cat '{Policy}' > \"$FAKE_DIR/seen\" 2>/dev/null; stat -c %a '{Policy}' > \"$FAKE_DIR/seen-mode\" 2>/dev/null; exit {aptExit}");
        var run = _fakes.Run(script.Replace(PolicyRcD.File, Policy, StringComparison.Ordinal));
        return new AptRun(run.ExitCode, run.Stderr);
    }

    private sealed record AptRun(int Exit, string Stderr);

    [Fact]
    public void NoPolicy_RunsTheCommandAlone()
    {
        Assert.Equal("apt-get install x\nrc=$?\n", PolicyRcD.Around(null, "apt-get install x"));
    }

    [Fact]
    public void Policy_WithoutAnEarlierFile_IsInPlaceDuringTheTransactionOnly()
    {
        var run = RunWithFakeApt(PolicyRcD.Around(101, "apt-get install x") + "exit $rc\n");

        Assert.Equal(0, run.Exit);
        Assert.Equal("#!/bin/sh\nexit 101\n", _fakes.Read("seen"));
        Assert.Equal("755\n", _fakes.Read("seen-mode"));
        Assert.False(File.Exists(Policy));
    }

    [Fact]
    public void Policy_AnEarlierFile_IsRestoredWithItsModeEvenWhenAptFails()
    {
        _files.Write("policy-rc.d", "#!/bin/sh\nexit 0 # the host's own\n");
        Assert.Equal(0, Sh($"chmod 0700 '{Policy}'").Exit);

        var run = RunWithFakeApt(PolicyRcD.Around(104, "apt-get install x") + "exit $rc\n", aptExit: 100);

        Assert.Equal(100, run.Exit);
        Assert.Equal("#!/bin/sh\nexit 104\n", _fakes.Read("seen"));
        Assert.Equal("#!/bin/sh\nexit 0 # the host's own\n", File.ReadAllText(Policy));
        Assert.Equal("700\n", Sh($"stat -c %a '{Policy}'").Stdout);
    }

    [Fact]
    public void Remove_RunsUnderThePolicy()
    {
        var args = Args(("name", new List<string> { "fleet-x" }), ("state", "absent"), ("policy_rc_d", 101L));
        var module = new AptModule();
        var facts = new FactCache();
        facts.Set(Assert.IsType<AptPackagesFact>(Assert.Single(module.Facts(args, Apply))), new AptPackages([new DpkgPackage("fleet-x", "all", "installed", "1.0")], null));

        var change = Assert.IsType<Change>(module.Plan(args, facts, Apply));

        Assert.Contains("printf '#!/bin/sh\\nexit %d\\n' 101 > /usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d", change.Script, StringComparison.Ordinal);
        Assert.True(change.Script.IndexOf("/usr/sbin/policy-rc.d", StringComparison.Ordinal) < change.Script.IndexOf("apt-get -y", StringComparison.Ordinal));
    }

    [Fact]
    public void Upgrade_RunsUnderThePolicy_AndExitsWithAptsCode()
    {
        var args = Args(("upgrade", "dist"), ("policy_rc_d", 101L));
        var module = new AptModule();
        var facts = new FactCache();
        var simulation = Assert.IsType<AptSimulationFact>(Assert.Single(module.Facts(args, Apply)));
        facts.Set(simulation, new AptSimulation(true, "1 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n"));

        var change = Assert.IsType<Change>(module.Plan(args, facts, Apply));
        var run = RunWithFakeApt(change.Script, aptExit: 100);

        Assert.Equal(100, run.Exit);
        Assert.Equal("#!/bin/sh\nexit 101\n", _fakes.Read("seen"));
        Assert.False(File.Exists(Policy));
    }

    [Fact]
    public void Deb_InstallsUnderThePolicy()
    {
        var args = Args(("deb", "/nonexistent/x.deb"), ("policy_rc_d", 101L));
        var facts = new FactCache();
        facts.Set(new DebFileFact("/nonexistent/x.deb"), new DebFile(true, null, "fleet-x", "1.0", null, ""));

        var change = Assert.IsType<Change>(new AptModule().Plan(args, facts, Apply));

        Assert.Matches("exit %d\\\\n' 101 > /usr/sbin/policy-rc.d[^\\n]*\\n[^\\n]*apt-get -y[^\\n]* install -- [^\\n]*\"\\$f\"\\nrc=\\$\\?\\n", change.Script);
        Assert.EndsWith("fi\nexit $rc\n", change.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void PolicyRcD_IsAnIntegerParameter()
    {
        Assert.Empty(new AptModule().CheckCombination(new HashSet<string> { "name", "policy_rc_d" }));
        Assert.Equal(ParameterType.Int, new AptModule().Parameters.Single(p => p.Name == "policy_rc_d").Type);
    }
}
