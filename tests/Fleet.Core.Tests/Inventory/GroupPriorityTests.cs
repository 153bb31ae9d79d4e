using Fleet.Core.Inventory;

namespace Fleet.Core.Tests.Inventory;

/// <summary>
/// <c>ansible_group_priority</c> as ansible-core 2.14 merges group variables: groups sorted by depth, then priority, then name
/// (its <c>sort_groups</c>), read only from the inventory file (checked with <c>ansible-inventory --host</c>).
/// </summary>
public sealed class GroupPriorityTests : IDisposable
{
    private readonly TempFiles _files = new();

    private const string Siblings = """
        all:
          children:
            alpha:
              vars: { level: alpha, ansible_group_priority: PRIORITY }
              hosts: { web-1: }
            beta:
              vars: { level: beta }
              hosts: { web-1: }
        """;

    [Fact]
    public void Load_SiblingGroupsWithoutPriority_LaterNameWins()
    {
        var inventory = InventoryLoader.Load(_files.Write("inv.yml", Siblings.Replace("PRIORITY", "1", StringComparison.Ordinal)));

        Assert.Equal("beta", inventory.Hosts.Single().Vars["level"]);
    }

    [Fact]
    public void Load_HigherPriority_WinsOverALaterNameAndIsNotAVariable()
    {
        var inventory = InventoryLoader.Load(_files.Write("inv.yml", Siblings.Replace("PRIORITY", "10", StringComparison.Ordinal)));

        var host = inventory.Hosts.Single();
        Assert.Equal("alpha", host.Vars["level"]);
        Assert.False(host.Vars.ContainsKey("ansible_group_priority"));
        Assert.False(inventory.Groups["alpha"].Vars.ContainsKey("ansible_group_priority"));
    }

    [Fact]
    public void Load_Priority_OrdersTheGroupVarsFilesToo()
    {
        _files.Write("group_vars/alpha.yml", "file_level: alpha\n");
        _files.Write("group_vars/beta.yml", "file_level: beta\n");

        var inventory = InventoryLoader.Load(_files.Write("inv.yml", Siblings.Replace("PRIORITY", "10", StringComparison.Ordinal)));

        Assert.Equal("alpha", inventory.Hosts.Single().Vars["file_level"]);
    }

    [Fact]
    public void Load_PriorityInIni_IsReadFromTheGroupVarsSection()
    {
        var inventory = InventoryLoader.Load(_files.Write("hosts.ini", """
            [alpha]
            web-1
            [beta]
            web-1
            [alpha:vars]
            level=alpha
            ansible_group_priority=5
            [beta:vars]
            level=beta
            """));

        Assert.Equal("alpha", inventory.Hosts.Single().Vars["level"]);
    }

    [Fact]
    public void Load_Priority_DoesNotOutrankAChildGroup()
    {
        var inventory = InventoryLoader.Load(_files.Write("inv.yml", """
            all:
              children:
                parent:
                  vars: { level: parent, ansible_group_priority: 100 }
                  children:
                    child:
                      vars: { level: child }
                      hosts: { web-1: }
            """));

        Assert.Equal("child", inventory.Hosts.Single().Vars["level"]);
    }

    [Fact]
    public void Load_PriorityNotANumber_IsALocatedError()
    {
        var path = _files.Write("inv.yml", Siblings.Replace("PRIORITY", "high", StringComparison.Ordinal));

        var error = Assert.Throws<FleetInputException>(() => InventoryLoader.Load(path));

        Assert.Equal($"{path}:4:53: group 'alpha': ansible_group_priority must be a whole number, not 'high'", Assert.Single(error.Errors).ToString());
    }

    [Fact]
    public void Load_PriorityInGroupVarsFile_IsRefusedSayingWhereItWorks()
    {
        var file = _files.Write("group_vars/alpha.yml", "ansible_group_priority: 10\n");

        var error = Assert.Throws<FleetInputException>(() => InventoryLoader.Load(_files.Write("inv.yml", Siblings.Replace("PRIORITY", "1", StringComparison.Ordinal))));

        var only = Assert.Single(error.Errors);
        Assert.StartsWith($"{file}:1:", only.ToString(), StringComparison.Ordinal);
        Assert.Contains("set it on the group in the inventory file", only.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _files.Dispose();
}
