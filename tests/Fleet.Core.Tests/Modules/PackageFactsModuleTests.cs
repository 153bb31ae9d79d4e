using Fleet.Core.Modules;
using Fleet.Core.Modules.PackageFacts;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

public sealed class PackageFactsModuleTests
{
    [Fact]
    public void PackageFacts_OnThisMachine_ListsDpkgAsAnsibleFacts()
    {
        var plan = Assert.IsType<NoChange>(Apply(new PackageFactsModule(), Args()));

        var facts = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(plan.Data["ansible_facts"]);
        var packages = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(facts["packages"]);
        var dpkg = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(Assert.Single(Assert.IsAssignableFrom<IReadOnlyList<object?>>(packages["dpkg"])));
        Assert.Equal("dpkg", dpkg["name"]);
        Assert.Equal("apt", dpkg["source"]);
        Assert.False(string.IsNullOrEmpty(dpkg["version"] as string));
    }

    [Fact]
    public void PackageFacts_OtherManager_IsPlanFailure() =>
        Assert.IsType<PlanFailure>(Apply(new PackageFactsModule(), Args(("manager", new List<string> { "rpm" }))));

    [Fact]
    public void ServicesFact_SysV_ReadsServiceStatusAll()
    {
        var services = new ServicesFact().Parse("sysv\tcron\t+\nsysv\tssh\t-\nsysv\tudev\t?\nenabled\tcron\tenabled\n", 0);

        Assert.Equal([("cron", "running", "enabled", "sysv"), ("ssh", "stopped", "disabled", "sysv"), ("udev", "unknown", "disabled", "sysv")], services);
    }

    [Fact]
    public void ServicesFact_Systemd_ReadsUnitsAndTheirFiles()
    {
        var services = new ServicesFact().Parse("unit\tssh.service\trunning\nunit\tcron.service\tdead\nfile\tssh.service\tenabled\nfile\tcron.service\tdisabled\n", 0);

        Assert.Equal([("ssh.service", "running", "enabled", "systemd"), ("cron.service", "stopped", "disabled", "systemd")], services);
    }

    [Fact]
    public void ServiceFacts_OnThisMachine_IsOkWithAnsibleFacts() =>
        Assert.True(Assert.IsType<NoChange>(Apply(new ServiceFactsModule(), Args())).Data.ContainsKey("ansible_facts"));
}

/// <summary>pam_limits: Ansible's line format and matching, use_max/use_min.</summary>
public sealed class PamLimitsModuleTests
{
    private static Fleet.Core.Modules.ModuleArguments Limit(string value, params (string, object?)[] more) =>
        Args([("domain", "*"), ("limit_type", "hard"), ("limit_item", "core"), ("value", value), .. more]);

    [Theory]
    [InlineData("", "0", "*\thard\tcore\t0\n")]
    [InlineData("# header\n*               hard    core            5\n@staff soft nproc 10\n", "0", "# header\n*\thard\tcore\t0\n@staff soft nproc 10\n")]
    [InlineData("*  hard  core  0  # keep\n", "0", "*  hard  core  0  # keep\n")]
    [InlineData("*  hard  core  5 #own\n", "0", "*\thard\tcore\t0\t#own\n")]
    [InlineData("*  soft  core  5\n", "0", "*  soft  core  5\n*\thard\tcore\t0\n")]
    public void Edit_SetsTheLimitLikeAnsible(string text, string value, string expected) =>
        Assert.Equal(expected, Fleet.Core.Modules.PamLimits.PamLimitsModule.Edit(text, Limit(value)));

    [Theory]
    [InlineData("10", "5", true, "10")]
    [InlineData("unlimited", "5", true, "unlimited")]
    [InlineData("10", "5", false, "5")]
    [InlineData("unlimited", "5", false, "5")]
    public void Edit_UseMaxUseMin_KeepTheLargerOrSmaller(string existing, string value, bool useMax, string expected)
    {
        var edited = Fleet.Core.Modules.PamLimits.PamLimitsModule.Edit($"*  hard  core  {existing}\n", Limit(value, (useMax ? "use_max" : "use_min", true)));

        Assert.Equal(existing == expected ? $"*  hard  core  {existing}\n" : $"*\thard\tcore\t{expected}\n", edited);
    }
}

/// <summary>getent against this machine's name service.</summary>
public sealed class GetentModuleTests
{
    [Fact]
    public void Getent_PasswdRoot_IsAnsibleFactOfTheFields()
    {
        var plan = Assert.IsType<NoChange>(Apply(new Fleet.Core.Modules.Getent.GetentModule(), Args(("database", "passwd"), ("key", "root"))));

        var facts = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(plan.Data["ansible_facts"]);
        var passwd = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(facts["getent_passwd"]);
        var root = Assert.IsAssignableFrom<IReadOnlyList<object?>>(passwd["root"]);
        Assert.Equal(["x", "0", "0"], root.Take(3));
    }

    [Fact]
    public void Getent_MissingKey_FailsUnlessFailKeyIsFalse()
    {
        var args = Args(("database", "passwd"), ("key", "no-such-user-fleet"));

        Assert.IsType<PlanFailure>(Apply(new Fleet.Core.Modules.Getent.GetentModule(), args));
        Assert.IsType<NoChange>(Apply(new Fleet.Core.Modules.Getent.GetentModule(), Args(("database", "passwd"), ("key", "no-such-user-fleet"), ("fail_key", false))));
    }
}

/// <summary>modprobe: planned from this machine's facts (never run here: it would change the machine's kernel and /etc).</summary>
public sealed class ModprobeModuleTests
{
    private static TaskPlan Plan(string virtualization, params (string, object?)[] args)
    {
        var module = new Fleet.Core.Modules.Modprobe.ModprobeModule();
        var arguments = Args(args);
        var context = new ModuleContext("local", false, Path.GetTempPath())
        {
            Variables = Fleet.Core.Templating.VariableScope.Of(new Dictionary<string, object?> { ["ansible_virtualization_type"] = virtualization }),
        };
        return module.Plan(arguments, Gather(module.Facts(arguments, context)), context);
    }

    [Fact]
    public void Load_InAContainer_IsAWarningNotAChange()
    {
        var plan = Assert.IsType<NoChange>(Plan("container", ("name", "fleet_no_such_module")));

        Assert.Contains("kernel modules cannot be loaded in a container (container): fleet_no_such_module left not loaded", plan.Warnings);
    }

    [Fact]
    public void Load_OnAHost_RunsModprobeWithQuotedParams()
    {
        var plan = Assert.IsType<Change>(Plan("NA", ("name", "fleet_no_such_module"), ("params", "a=1 b=$(x)")));

        Assert.Contains("modprobe -- fleet_no_such_module a=1 'b=$(x)'\n", plan.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Persistent_WritesModulesLoadAndOptionsFiles()
    {
        var plan = Assert.IsType<Change>(Plan("container", ("name", "fleet_no_such_module"), ("params", "x=1"), ("persistent", "present")));

        Assert.Equal(["/etc/modules-load.d/fleet_no_such_module.conf loads fleet_no_such_module", "/etc/modprobe.d/fleet_no_such_module.conf options x=1"], plan.Changes);
        Assert.Contains(Fleet.Core.Remote.Sh.PrintText("options fleet_no_such_module x=1\n") + " > \"$t\"", plan.Script, StringComparison.Ordinal);
        Assert.Contains("mv -f \"$t\" /etc/modprobe.d/fleet_no_such_module.conf\n", plan.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Absent_NotLoaded_IsNoOp() =>
        Assert.IsType<NoChange>(Plan("NA", ("name", "fleet_no_such_module"), ("state", "absent")));

    [Fact]
    public void HostileName_IsPlanFailure() =>
        Assert.IsType<PlanFailure>(Plan("NA", ("name", "x; reboot")));

    [Fact]
    public void Fact_ParsesLoadedAndLines() =>
        Assert.Equal(
            (true, 2),
            new Fleet.Core.Modules.Modprobe.KernelModuleFact("dummy").Parse("loaded=yes\nline=/etc/modules-load.d/dummy.conf:1:dummy\nline=/etc/modprobe.d/dummy.conf:3:options dummy numdummies=2\n", 0) is var s ? (s.Loaded, s.Lines.Count) : default);
}
