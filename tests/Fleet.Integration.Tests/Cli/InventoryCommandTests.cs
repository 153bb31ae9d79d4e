using System.Text.Json;

namespace Fleet.Integration.Tests.Cli;

/// <summary><c>fleet inventory</c>: the resolved hosts, their merged variables and the groups, limited by a pattern.</summary>
public sealed class InventoryCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-cli-inventory-");

    private string Inventory()
    {
        var path = Path.Combine(_dir.FullName, "inventory.yml");
        File.WriteAllText(path, """
            all:
              vars: { ssh_port: 22, tier: none }
              children:
                web:
                  vars: { tier: front }
                  hosts:
                    web-1: { ansible_host: 192.0.2.10 }
                    web-2: { address: 192.0.2.11, tier: canary }
                db:
                  hosts:
                    db-1: { address: 192.0.2.20 }
            """);
        return path;
    }

    [Fact]
    public async Task Json_Limited_ShowsMergedVariablesAndOnlySelectedHostsInGroups()
    {
        var (exit, stdout, stderr) = await FleetProcess.RunAsync("inventory", "-i", Inventory(), "--limit", "web:!web-1", "--json");

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        using var json = JsonDocument.Parse(stdout);
        var hosts = json.RootElement.GetProperty("hosts");
        var web2 = Assert.Single(hosts.EnumerateObject());
        Assert.Equal("web-2", web2.Name);
        var vars = web2.Value.GetProperty("vars");
        Assert.Equal("canary", vars.GetProperty("tier").GetString());
        Assert.Equal(22, vars.GetProperty("ssh_port").GetInt32());
        Assert.Equal("192.0.2.11", vars.GetProperty("address").GetString());
        var groups = json.RootElement.GetProperty("groups");
        Assert.Equal(["web-2"], groups.GetProperty("web").GetProperty("hosts").EnumerateArray().Select(h => h.GetString()));
        Assert.Empty(groups.GetProperty("db").GetProperty("hosts").EnumerateArray());
        Assert.Equal(["web", "db"], groups.GetProperty("all").GetProperty("children").EnumerateArray().Select(h => h.GetString()));
    }

    [Fact]
    public async Task Table_AliasAndGroupVariables_AreResolved()
    {
        var (exit, stdout, stderr) = await FleetProcess.RunAsync("inventory", "-i", Inventory(), "--limit", "web-1");

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains("192.0.2.10:22", stdout, StringComparison.Ordinal);
        Assert.Contains("tier=front", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("db-1", stdout, StringComparison.Ordinal);
        // The resolved login is its own column; the variables are as written (ansible_host, not Fleet's address).
        Assert.Contains("login", stdout, StringComparison.Ordinal);
        Assert.Contains("ansible_host=192.0.2.10", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("address=", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_ConnectionVariables_AreShownAsWritten_AsAnsibleInventoryHostShowsThem()
    {
        var path = Path.Combine(_dir.FullName, "ansible.yml");
        File.WriteAllText(path, """
            all:
              vars: { tier: none, ansible_user: root }
              hosts:
                web-1: { ansible_host: 192.0.2.10, ansible_port: 2222, ansible_ssh_common_args: "-J bastion -o StrictHostKeyChecking=no", ansible_become: yes, ansible_ssh_private_key_file: keys/id }
                bastion: { address: 192.0.2.1 }
            """);

        var (exit, stdout, stderr) = await FleetProcess.RunAsync("inventory", "-i", path, "--limit", "web-1", "--json");

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        using var json = JsonDocument.Parse(stdout);
        // What `ansible-inventory -i ansible.yml --host web-1` (ansible-core 2.14) prints, key for key, in its order.
        var vars = json.RootElement.GetProperty("hosts").GetProperty("web-1").GetProperty("vars");
        Assert.Equal(
            """{"ansible_become":true,"ansible_host":"192.0.2.10","ansible_port":2222,"ansible_ssh_common_args":"-J bastion -o StrictHostKeyChecking=no","ansible_ssh_private_key_file":"keys/id","ansible_user":"root","tier":"none"}""",
            JsonSerializer.Serialize(vars));
    }

    [Fact]
    public async Task UnknownLimit_ExitsOneWithSuggestion()
    {
        var (exit, _, stderr) = await FleetProcess.RunAsync("inventory", "-i", Inventory(), "--limit", "webb");

        Assert.Equal(1, exit);
        Assert.Contains("unknown host or group 'webb'", stderr, StringComparison.Ordinal);
        Assert.Contains("web", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LimitMatchingNoHost_ExitsOne()
    {
        var (exit, _, stderr) = await FleetProcess.RunAsync("inventory", "-i", Inventory(), "--limit", "web-9*");

        Assert.Equal(1, exit);
        Assert.Contains("--limit 'web-9*' matches no host", stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
