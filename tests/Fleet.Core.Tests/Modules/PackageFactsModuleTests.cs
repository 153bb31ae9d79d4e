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
