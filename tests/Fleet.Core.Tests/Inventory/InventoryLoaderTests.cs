using Fleet.Core.Inventory;
using Fleet.Core.Playbooks;

using Fleet.Tests;

namespace Fleet.Core.Tests.Inventory;

public sealed class InventoryLoaderTests : IDisposable
{
    private readonly TempFiles _files = new();

    private const string Fleet = """
        all:
          vars:
            user: deploy
            ssh_port: 22
            level: all
          children:
            web:
              vars:
                level: web
              hosts:
                web-1: { ansible_host: 203.0.113.10 }
                web-2: { address: 203.0.113.11, ansible_port: 2222, level: host }
              children:
                canary:
                  vars: { level: canary }
                  hosts:
                    web-2:
            db:
              hosts:
                db-1: { address: 198.51.100.20, jump: web-1, ansible_user: postgres }
        """;

    [Fact]
    public void Load_QuotedPortAndBooleanText_AreAcceptedAsInAnsible()
    {
        var inventory = InventoryLoader.Load(_files.Write("quoted.yml", "all:\n  hosts:\n    db: { ansible_port: \"2222\", ansible_become: \"yes\", user: admin }\n"));

        var target = inventory.ResolveTarget(inventory.Hosts[0]);
        Assert.Equal((2222, true, "db"), (target.Port, target.Become, target.Address));
    }

    [Fact]
    public void Load_HostRanges_ExpandAsInAnsible()
    {
        var inventory = InventoryLoader.Load(_files.Write("ranges.yml", """
            all:
              children:
                web:
                  hosts:
                    web-[01:03].example.org: { port: 2222 }
                    db-[a:b]: {}
                    n[0:10:5]-[1:2]:
            """));

        Assert.Equal(
            ["web-01.example.org", "web-02.example.org", "web-03.example.org", "db-a", "db-b", "n0-1", "n0-2", "n5-1", "n5-2", "n10-1", "n10-2"],
            inventory.Hosts.Select(h => h.Name));
        Assert.All(inventory.Hosts.Take(3), h => Assert.Equal(2222L, h.Vars["port"]));
        Assert.Equal(11, inventory.Select("web").Count);
    }

    [Fact]
    public void Load_BadHostRange_NamesLocation()
    {
        var error = Assert.Throws<FleetInputException>(() => InventoryLoader.Load(_files.Write("bad-range.yml", "all:\n  hosts:\n    web-[9:1]:\n")));

        var single = Assert.Single(error.Errors);
        Assert.Equal((3, 5), (single.Location!.Value.Line, single.Location.Value.Column));
        Assert.Contains("invalid host range in 'web-[9:1]'", single.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_GroupVarsAndHostVarsDirectories_OverrideTheFilesVars()
    {
        _files.Write("group_vars/all/10-base.yml", "ntp: pool.example.org\nlevel: from-group-vars-all\n");
        _files.Write("group_vars/web.yml", "level: from-group-vars-web\nallowed_tcp_ports: [80, 443]\n");
        _files.Write("host_vars/web-2.yaml", "ansible_port: 2200\n");
        _files.Write("host_vars/db-1", "---\n");

        var inventory = InventoryLoader.Load(_files.Write("inv.yml", Fleet));

        var web1 = inventory.Hosts.Single(h => h.Name == "web-1");
        var web2 = inventory.Hosts.Single(h => h.Name == "web-2");
        var db1 = inventory.Hosts.Single(h => h.Name == "db-1");
        Assert.Equal("from-group-vars-web", web1.Vars["level"]);
        Assert.Equal("pool.example.org", db1.Vars["ntp"]);
        Assert.Equal("from-group-vars-all", db1.Vars["level"]);
        Assert.Equal(new List<object?> { 80L, 443L }, web1.Vars["allowed_tcp_ports"]);
        Assert.Equal("host", web2.Vars["level"]);
        Assert.Equal(2200L, web2.Vars["port"]);
        Assert.Equal(2200, inventory.ResolveTarget(web2).Port);
    }

    [Fact]
    public void Load_GroupVarsAll_RanksAboveEveryGroupsInventoryVars()
    {
        // Ansible's VARIABLE_PRECEDENCE: the inventory's group vars (web: level: web), then group_vars/all, then group_vars/<group>.
        _files.Write("group_vars/all.yml", "level: from-group-vars-all\n");

        var inventory = InventoryLoader.Load(_files.Write("inv.yml", Fleet));

        Assert.Equal("from-group-vars-all", inventory.Hosts.Single(h => h.Name == "web-1").Vars["level"]);
        Assert.Equal("host", inventory.Hosts.Single(h => h.Name == "web-2").Vars["level"]);
    }

    [Fact]
    public void Load_PlaybookGroupVarsAndHostVars_RankAboveTheInventorys()
    {
        _files.Write("group_vars/web.yml", "level: inventory-group-vars\nshape: inventory-group-vars\n");
        _files.Write("play/group_vars/all.yml", "shape: playbook-group-vars-all\nsize: playbook-group-vars-all\n");
        _files.Write("play/group_vars/web.yml", "level: playbook-group-vars-web\n");
        _files.Write("play/host_vars/web-2.yml", "level: playbook-host-vars\n");

        var inventory = InventoryLoader.Load(_files.Write("inv.yml", Fleet), [], Path.GetDirectoryName(_files.Write("play/site.yml", "[]")));

        var web1 = inventory.Hosts.Single(h => h.Name == "web-1");
        Assert.Equal("playbook-group-vars-web", web1.Vars["level"]);
        Assert.Equal("inventory-group-vars", web1.Vars["shape"]);
        Assert.Equal("playbook-group-vars-all", web1.Vars["size"]);
        Assert.Equal("playbook-host-vars", inventory.Hosts.Single(h => h.Name == "web-2").Vars["level"]);
    }

    [Fact]
    public void Load_GroupVarsNotAMapping_NamesTheFile()
    {
        var file = _files.Write("group_vars/web.yml", "- just\n- a list\n");

        var error = Assert.Throws<FleetInputException>(() => InventoryLoader.Load(_files.Write("inv.yml", Fleet)));

        Assert.Contains(error.Errors, e => e.Location?.File == file && e.Message.Contains("must be a mapping", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_AnsibleShape_MergesVariablesByPrecedence()
    {
        var inventory = InventoryLoader.Load(_files.Write("inv.yml", Fleet));

        Assert.Equal(["web-1", "web-2", "db-1"], inventory.Hosts.Select(h => h.Name));
        var web1 = inventory.Hosts[0];
        Assert.Equal("web", web1.Vars["level"]);
        Assert.Equal("203.0.113.10", web1.Vars["address"]);
        Assert.Equal("host", inventory.Hosts[1].Vars["level"]);
        Assert.Equal(2222L, inventory.Hosts[1].Vars["port"]);
        Assert.Contains("canary", inventory.Hosts[1].Groups);
        Assert.Contains("web", inventory.Hosts[1].Groups);
        Assert.Equal("postgres", inventory.Hosts[2].Vars["user"]);
    }

    [Fact]
    public void Load_ChildGroupVars_OverrideParentGroupVars()
    {
        var inventory = InventoryLoader.Load(_files.Write("inv.yml", Fleet.Replace("level: host", "other: x", StringComparison.Ordinal)));

        Assert.Equal("canary", inventory.Hosts[1].Vars["level"]);
    }

    [Theory]
    [InlineData("all", "web-1,web-2,db-1")]
    [InlineData("web", "web-1,web-2")]
    [InlineData("web-*", "web-1,web-2")]
    [InlineData("web:db", "web-1,web-2,db-1")]
    [InlineData("web:&canary", "web-2")]
    [InlineData("all:!canary", "web-1,db-1")]
    [InlineData("db-1", "db-1")]
    [InlineData("web-1,db-1", "web-1,db-1")]
    public void Select_Pattern_MatchesAnsible(string pattern, string expected)
    {
        var inventory = InventoryLoader.Load(_files.Write("inv.yml", Fleet));

        Assert.Equal(expected, string.Join(',', inventory.Select(pattern).Select(h => h.Name)));
    }

    [Fact]
    public void Select_UnknownName_IsErrorWithSuggestion()
    {
        var inventory = InventoryLoader.Load(_files.Write("inv.yml", Fleet));

        var error = Assert.Throws<FleetInputException>(() => inventory.Select("wbe"));

        Assert.Contains("unknown host or group 'wbe'", error.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'web'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveTarget_JumpAndDefaults()
    {
        var inventory = InventoryLoader.Load(_files.Write("inv.yml", Fleet));

        var db = inventory.ResolveTarget(inventory.Hosts[2]);
        var web2 = inventory.ResolveTarget(inventory.Hosts[1]);

        Assert.Equal(("198.51.100.20", 22, "postgres"), (db.Address, db.Port, db.User));
        Assert.NotNull(db.Jump);
        Assert.Equal(("web-1", "203.0.113.10", "deploy"), (db.Jump!.Name, db.Jump.Address, db.Jump.User));
        Assert.Equal(2222, web2.Port);
    }

    [Fact]
    public void ResolveTarget_PasswordEnvMissing_IsError()
    {
        var inventory = InventoryLoader.Load(_files.Write("inv.yml", "all:\n  hosts:\n    h1: { password_env: FLEET_TEST_SURELY_UNSET }\n"));

        var error = Assert.Throws<FleetInputException>(() => inventory.ResolveTarget(inventory.Hosts[0]));

        Assert.Contains("FLEET_TEST_SURELY_UNSET", error.Message, StringComparison.Ordinal);
        Assert.Contains(":3:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveTarget_IdentityFileRelative_IsRelativeToInventory()
    {
        var path = _files.Write("sub/inv.yml", "all:\n  vars: { identity_file: keys/id }\n  hosts:\n    h1:\n");
        var inventory = InventoryLoader.Load(path);

        Assert.Equal(Path.Combine(_files.Dir, "sub", "keys", "id"), inventory.ResolveTarget(inventory.Hosts[0]).IdentityFile);
    }

    [Fact]
    public void Load_BadPort_ReportsFileLineColumn()
    {
        var path = _files.Write("inv.yml", "all:\n  hosts:\n    h1: { address: 10.0.0.1 }\n    h2: { address: 10.0.0.2, port: abc }\n");

        var error = Assert.Throws<FleetInputException>(() => InventoryLoader.Load(path));

        Assert.Equal($"{path}:4:36", error.Errors[0].Location.ToString());
        Assert.Contains("port", error.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_YamlSyntaxError_ReportsPosition()
    {
        var path = _files.Write("inv.yml", "all:\n  hosts:\n    h1: { address: [\n");

        var error = Assert.Throws<FleetInputException>(() => InventoryLoader.Load(path));

        Assert.StartsWith($"{path}:", error.Errors[0].ToString(), StringComparison.Ordinal);
        Assert.Contains("YAML syntax error", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ShippedExample_Loads()
    {
        var example = Path.Combine(Repository.Root, "inventories", "example.yml");

        var inventory = InventoryLoader.Load(example);

        Assert.Contains(inventory.Hosts, h => h.Name == "db-1");
        Assert.Equal("bastion", inventory.ResolveTarget(inventory.Hosts.Single(h => h.Name == "db-1")).Jump?.Name);
    }

    public void Dispose() => _files.Dispose();
}
