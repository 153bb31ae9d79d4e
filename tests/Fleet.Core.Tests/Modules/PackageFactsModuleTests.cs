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
