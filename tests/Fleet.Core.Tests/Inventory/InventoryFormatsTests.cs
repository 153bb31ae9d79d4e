using System.Diagnostics;
using Fleet.Core.Inventory;
using Fleet.Core.Playbooks;

namespace Fleet.Core.Tests.Inventory;

/// <summary>Ansible's other inventory shapes: INI files and directories of inventory files; and loading stays linear in the hosts.</summary>
public sealed class InventoryFormatsTests : IDisposable
{
    private readonly TempFiles _files = new();

    private const string Ini = """
        # Ansible's INI shape
        bastion ansible_host=203.0.113.5

        [web]
        web-[1:2] ansible_port=2222 ansible_user="deploy"
        web-3:2200 color='dark blue'

        [web:vars]
        color=blue
        replicas=3
        ports=[80, 443]

        [prod:children]
        web

        [prod:vars]
        tier=prod
        """;

    [Fact]
    public void Load_HostList_IsAnsiblesCommaSeparatedHostsInUngrouped()
    {
        var inventory = InventoryLoader.Load(" web1, web2:2222,[2001:db8::1]:2200,2001:db8::2,web1,");

        Assert.Equal(["web1", "web2", "2001:db8::1", "2001:db8::2"], inventory.Hosts.Select(h => h.Name));
        Assert.Equal(["ungrouped", "all"], inventory.Hosts[0].Groups);
        Assert.False(inventory.Hosts[0].Vars.ContainsKey("port"));
        Assert.Equal(2222L, inventory.Hosts[1].Vars["port"]);
        Assert.Equal(2200L, inventory.Hosts[2].Vars["port"]);
        Assert.False(inventory.Hosts[3].Vars.ContainsKey("port"));
    }

    [Theory]
    [InlineData(",", "the host list names no host")]
    [InlineData("web1:ssh,", "'web1:ssh' has no valid port after its colon")]
    public void Load_BadHostList_IsOneLine(string list, string expected)
    {
        var ex = Assert.Throws<FleetInputException>(() => InventoryLoader.Load(list));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ExistingFileWithAComma_IsAFileNotAHostList()
    {
        var inventory = InventoryLoader.Load(_files.Write("a,b.yml", "all:\n  hosts:\n    one: {}\n"));

        Assert.Equal(["one"], inventory.Hosts.Select(h => h.Name));
    }

    [Fact]
    public void Load_IniInventory_ReadsHostsGroupsVarsChildrenAndRanges()
    {
        var inventory = InventoryLoader.Load(_files.Write("hosts.ini", Ini));

        Assert.Equal(["bastion", "web-1", "web-2", "web-3"], inventory.Hosts.Select(h => h.Name));
        var web1 = inventory.Hosts[1];
        Assert.Equal(["web", "prod", "all"], web1.Groups);
        Assert.Equal((2222L, "deploy", "blue", 3L, "prod"), (web1.Vars["port"], web1.Vars["user"], web1.Vars["color"], web1.Vars["replicas"], web1.Vars["tier"]));
        Assert.Equal((2200, "dark blue"), (inventory.ResolveTarget(inventory.Hosts[3]).Port, inventory.Hosts[3].Vars["color"]));
        Assert.Equal("203.0.113.5", inventory.ResolveTarget(inventory.Hosts[0]).Address);
        Assert.Equal(5, web1.VarLocations["port"].Line);
        Assert.Equal([80L, 443L], Assert.IsType<List<object?>>(web1.Vars["ports"]));
    }

    [Fact]
    public void Load_IniWithoutExtension_IsRecognisedByItsFirstLine()
    {
        var inventory = InventoryLoader.Load(_files.Write("hosts", Ini));

        Assert.Equal(4, inventory.Hosts.Count);
    }

    [Theory]
    [InlineData("[web]\nweb-1 ansible_port\n", 2, 7, "host 'web-1': expected key=value, not 'ansible_port'")]
    [InlineData("[web:hosts]\nweb-1\n", 1, 1, "bad INI section '[web:hosts]'")]
    [InlineData("[web:vars]\njust-text\n", 2, 1, "[web:vars] takes key=value lines")]
    [InlineData("[web]\nweb-1 ansible_port=99999\n", 2, 20, "port must be a number from 1 to 65535")]
    public void Load_BadIniLine_IsLocated(string text, int line, int column, string message)
    {
        var path = _files.Write("hosts.ini", text);

        var error = Assert.Single(Assert.Throws<FleetInputException>(() => InventoryLoader.Load(path)).Errors);

        Assert.Equal(new SourceLocation(path, line, column), error.Location);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_IniNamedYml_SaysItLooksLikeIni()
    {
        var path = _files.Write("hosts.yml", "[web]\nweb-1 ansible_port=22\nweb-2\n");

        var error = Assert.Throws<FleetInputException>(() => InventoryLoader.Load(path));

        Assert.Contains("looks like an INI inventory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Directory_MergesItsFilesAndItsGroupVarsAsAnsibleDoes()
    {
        _files.Write("inv/10-web.yml", "all:\n  children:\n    web:\n      hosts:\n        web-1:\n");
        _files.Write("inv/20-db", "[db]\ndb-1\n[prod:children]\nweb\ndb\n");
        _files.Write("inv/notes.txt", "not an inventory: skipped as by Ansible");
        _files.Write("inv/old.ini", "[skipped]\nnever-1\n");
        _files.Write("inv/group_vars/prod.yml", "tier: prod\n");
        _files.Write("inv/host_vars/db-1.yml", "role: primary\n");

        var inventory = InventoryLoader.Load(Path.Combine(_files.Dir, "inv"));

        Assert.Equal(["web-1", "db-1"], inventory.Hosts.Select(h => h.Name));
        Assert.All(inventory.Hosts, h => Assert.Equal("prod", h.Vars["tier"]));
        Assert.Equal("primary", inventory.Hosts[1].Vars["role"]);
        Assert.Equal(Path.Combine(_files.Dir, "inv"), inventory.Directory);
    }

    [Fact]
    public void Load_DirectoryWithoutInventoryFiles_SaysSo()
    {
        Directory.CreateDirectory(Path.Combine(_files.Dir, "empty"));

        var error = Assert.Throws<FleetInputException>(() => InventoryLoader.Load(Path.Combine(_files.Dir, "empty")));

        Assert.Contains("inventory directory has no inventory file", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("web-[12]", "web-1,web-2")]
    [InlineData("web-[!1]", "web-2")]
    [InlineData("*-1", "web-1,db-1")]
    public void Select_GlobClasses_MatchAsInAnsible(string pattern, string expected)
    {
        var inventory = InventoryLoader.Load(_files.Write("inv.yml", "all:\n  hosts:\n    web-1:\n    web-2:\n    db-1:\n"));

        Assert.Equal(expected, string.Join(",", inventory.Select(pattern).Select(h => h.Name)));
    }

    public void Dispose() => _files.Dispose();
}

/// <summary>Timing tests run alone: other test classes running beside them on a small machine would measure each other.</summary>
[CollectionDefinition(nameof(TimingCollection), DisableParallelization = true)]
public sealed class TimingCollection;

[Collection(nameof(TimingCollection))]
public sealed class InventoryScaleTests : IDisposable
{
    private readonly TempFiles _files = new();

    [Fact]
    public void Load_HundredThousandHosts_IsLinear()
    {
        // Ten times the hosts must cost about ten times the time, whatever the machine's load: compared with each other, not with
        // a clock budget (quadratic loading was 25 s for 100k hosts against ~1 s, a ratio of 100 against 10).
        Load(10_000); // JIT and first-use costs out of the way
        var small = Load(10_000);
        var large = Load(100_000);

        var ratio = large.TotalMilliseconds / Math.Max(1, small.TotalMilliseconds);
        Assert.True(ratio < 35, $"10k hosts took {small}, 100k took {large}: ×{ratio:0.0} for ×10 the hosts");
    }

    private TimeSpan Load(int hosts)
    {
        var text = new System.Text.StringBuilder("all:\n  vars: { user: root }\n  children:\n    web:\n      hosts:\n");
        for (var i = 0; i < hosts; i++)
        {
            text.Append("        h").Append(i).Append(": { address: 10.0.0.1 }\n");
        }

        var path = _files.Write($"big-{hosts}.yml", text.Append("    db:\n      hosts:\n        h1:\n").ToString());
        var clock = Stopwatch.StartNew();
        var inventory = InventoryLoader.Load(path);
        var elapsed = clock.Elapsed;
        Assert.Equal(hosts, inventory.Hosts.Count);
        return elapsed;
    }

    public void Dispose() => _files.Dispose();
}
