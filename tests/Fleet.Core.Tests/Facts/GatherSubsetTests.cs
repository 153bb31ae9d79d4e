using Fleet.Core.Facts;

namespace Fleet.Core.Tests.Facts;

/// <summary>setup's gather_subset and filter over Fleet's facts, as Ansible 2.14 selects them (checked against ansible-playbook).</summary>
public sealed class GatherSubsetTests
{
    private static readonly SystemInfo System = new("web1", "web1.example.org", "debian", "Debian GNU/Linux", "12.11", "bookworm", "6.1.0", "x86_64", "systemd", "root", "apt")
    {
        MinorVersion = "11",
        MemoryMb = (2048, 1024, 0),
        Interfaces = ["eth0", "lo"],
    };

    [Fact]
    public void Select_Default_IsEveryCollector()
    {
        var collectors = GatherSubset.Select([]);

        Assert.Contains("hardware", collectors);
        Assert.Contains("network", collectors);
        Assert.Contains("virtual", collectors);
        Assert.Contains("platform", collectors);
    }

    [Fact]
    public void Select_NotAllThenMin_IsTheMinimalSubsetOnly()
    {
        var collectors = GatherSubset.Select(["!all", "min"]);

        Assert.Contains("distribution", collectors);
        Assert.Contains("service_mgr", collectors);
        Assert.DoesNotContain("hardware", collectors);
        Assert.DoesNotContain("network", collectors);
        Assert.DoesNotContain("virtual", collectors);
    }

    [Fact]
    public void Select_NotAllNotMinHardware_IsHardwareAndThePlatformItNeeds()
    {
        Assert.Equal(["hardware", "platform"], GatherSubset.Select(["!all", "!min", "hardware"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Select_AFactName_SelectsItsCollectorAndItsDependencies()
    {
        Assert.Equal(["distribution", "network", "platform"], GatherSubset.Select(["!all", "!min", "default_ipv4"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Select_AllNotHardware_LeavesOutHardwareOnly()
    {
        var collectors = GatherSubset.Select(["all", "!hardware"]);

        Assert.DoesNotContain("hardware", collectors);
        Assert.Contains("network", collectors);
    }

    [Fact]
    public void Select_OnlyAnExclusion_IsTheMinimalSubset_AsAnsibleResolvesIt()
    {
        // min is always added first, so Ansible's "nothing added: take all" never applies to a list of exclusions.
        Assert.Equal(GatherSubset.Select(["!all"]), GatherSubset.Select(["!hardware"]));
    }

    [Fact]
    public void Check_UnknownName_IsAnsiblesBadSubset_ButANegatedUnknownNameIsIgnored()
    {
        Assert.StartsWith("gather_subset: bad subset 'bogus'; the subsets are all, min, all_ipv4_addresses", GatherSubset.Check(["!all", "bogus"]));
        Assert.Null(GatherSubset.Check(["!bogus", "min", "hardware", "os_family"]));
    }

    [Fact]
    public void Collect_FilterOnOneFact_ReturnsOnlyIt_WithoutTheGatherMetadata()
    {
        var facts = GatherSubset.Collect(System, ["!all", "min"], ["ansible_os_family"]);

        Assert.Equal(["ansible_os_family"], facts.Keys);
        Assert.Equal("Debian", facts["ansible_os_family"]);
    }

    [Fact]
    public void Collect_FilterWithoutPrefix_MatchesTheAnsibleName_AndGlobsMatch()
    {
        var facts = GatherSubset.Collect(System, ["!all", "!min", "hardware"], ["os_family", "*_mb"]);

        Assert.Equal(["ansible_memfree_mb", "ansible_memtotal_mb", "ansible_swaptotal_mb"], facts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2048L, facts["ansible_memtotal_mb"]);
    }

    [Fact]
    public void Collect_NoFilter_GivesTheSubsetsFacts_AndGatherSubsetAndModuleSetup()
    {
        var facts = GatherSubset.Collect(System, ["!all", "!min"], []);

        Assert.Equal(["gather_subset", "module_setup"], facts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["!all", "!min"], (IEnumerable<object?>)facts["gather_subset"]!);
        Assert.Equal(true, facts["module_setup"]);
    }

    [Fact]
    public void Collect_Min_GivesDistributionPlatformUserAndManagers_NotHardwareOrNetwork()
    {
        var facts = GatherSubset.Collect(System, ["!all"], []);

        Assert.Equal("bookworm", facts["ansible_distribution_release"]);
        Assert.Equal("12", facts["ansible_distribution_major_version"]);
        Assert.Equal("web1.example.org", facts["ansible_fqdn"]);
        Assert.Equal("systemd", facts["ansible_service_mgr"]);
        Assert.Equal("apt", facts["ansible_pkg_mgr"]);
        Assert.Equal("root", facts["ansible_user_id"]);
        Assert.Equal("disabled", ((IReadOnlyDictionary<string, object?>)facts["ansible_selinux"]!)["status"]);
        Assert.Equal(true, facts["ansible_selinux_python_present"]);
        Assert.False(facts.ContainsKey("ansible_memtotal_mb"));
        Assert.False(facts.ContainsKey("ansible_interfaces"));
        Assert.False(facts.ContainsKey("ansible_virtualization_type"));
    }

    [Fact]
    public void Collect_EveryFactFleetReads_BelongsToACollector()
    {
        var facts = GatherSubset.Collect(System, ["all"], []);

        Assert.Equal(System.ToFacts().Keys.Select(k => "ansible_" + k).Order(StringComparer.Ordinal), facts.Keys.Where(k => k.StartsWith("ansible_", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }
}
