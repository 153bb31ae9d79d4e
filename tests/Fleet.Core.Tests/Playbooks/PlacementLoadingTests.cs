using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;

namespace Fleet.Core.Tests.Playbooks;

/// <summary>Reading placement: delegate_to, local_action (both forms), run_once, connection and strategy, and what stays an error.</summary>
public sealed class PlacementLoadingTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private TaskDefinition FirstTask(string tasks) => _files.LoadPlaybook("- hosts: all\n  tasks:\n" + tasks).Plays[0].Tasks[0];

    private IReadOnlyList<InputError> Errors(string playbook) => _files.PlaybookErrors(playbook);

    [Fact]
    public void LocalAction_FreeForm_IsTheModuleDelegatedToLocalhost()
    {
        var task = FirstTask("    - local_action: command touch /tmp/x creates=/tmp/x\n");

        Assert.Equal(("command", "localhost"), (task.Module, task.Keywords.DelegateTo));
        Assert.Equal("touch /tmp/x", ((ScalarArg)task.Args["cmd"]!).Value);
        Assert.Equal("/tmp/x", ((ScalarArg)task.Args["creates"]!).Value);
    }

    [Fact]
    public void LocalAction_Mapping_TakesItsModuleKey()
    {
        var task = FirstTask("    - local_action:\n        module: file\n        path: /tmp/x\n        state: touch\n");

        Assert.Equal(("file", "localhost"), (task.Module, task.Keywords.DelegateTo));
        Assert.Equal(["path", "state"], task.Args.Entries.Select(e => e.Key));
    }

    [Fact]
    public void LocalAction_WithDelegateTo_IsAnError()
    {
        var error = Assert.Single(Errors("- hosts: all\n  tasks:\n    - local_action: command true\n      delegate_to: web1\n"));

        Assert.Equal(4, error.Location!.Value.Line);
        Assert.Contains("local_action or delegate_to, not both", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DelegateToAndRunOnce_OnABlock_AreReadForItsTasks()
    {
        var block = FirstTask("    - block:\n        - command: \"true\"\n      delegate_to: db1\n      run_once: true\n      delegate_facts: true\n");

        Assert.Equal(("db1", true, true), (block.Keywords.DelegateTo, block.Keywords.RunOnce, block.Keywords.DelegateFacts));
    }

    [Theory]
    [InlineData("smart", "ssh")]
    [InlineData("paramiko", "ssh")]
    [InlineData("local", "local")]
    public void Connection_OnATask_IsSshOrLocal(string written, string read)
    {
        Assert.Equal(read, FirstTask($"    - command: \"true\"\n      connection: {written}\n").Keywords.Connection);
    }

    [Fact]
    public void Connection_Other_IsALocatedErrorNamingIt()
    {
        var error = Assert.Single(Errors("- hosts: all\n  connection: docker\n  tasks: []\n"));

        Assert.Equal((2, 15), (error.Location!.Value.Line, error.Location.Value.Column));
        Assert.StartsWith("connection 'docker' is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Strategy_FreeAndLinear_AreAccepted_OthersAreErrors()
    {
        Assert.Empty(Errors("- hosts: all\n  strategy: free\n  tasks: []\n- hosts: all\n  strategy: linear\n  tasks: []\n"));

        var error = Assert.Single(Errors("- hosts: all\n  strategy: host_pinned\n  tasks: []\n"));
        Assert.StartsWith("strategy 'host_pinned' is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunOnce_OnMeta_IsALocatedError()
    {
        var error = Assert.Single(Errors("- hosts: all\n  tasks:\n    - meta: flush_handlers\n      run_once: true\n"));

        Assert.Equal(4, error.Location!.Value.Line);
    }

    [Fact]
    public void Inventory_AnsibleConnectionLocal_IsALocalTarget_AndOtherConnectionsAreErrors()
    {
        var inventory = InventoryLoader.Load(_files.Write("inventory.yml", "all:\n  hosts:\n    ctl: { ansible_connection: local }\n    web1: { ansible_connection: paramiko }\n"));

        Assert.True(inventory.ResolveTarget(inventory.Hosts[0]).Local);
        Assert.False(inventory.ResolveTarget(inventory.Hosts[1]).Local);
        var error = Assert.Throws<FleetInputException>(() => InventoryLoader.Load(_files.Write("bad.yml", "all:\n  hosts:\n    web1: { ansible_connection: winrm }\n")));
        Assert.Contains("ansible_connection 'winrm' is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inventory_Localhost_IsImplicit_WhenNamed_ButNotInAll()
    {
        var inventory = InventoryLoader.Load(_files.Write("inventory.yml", "all:\n  vars: { site: x, password_env: FLEET_TEST_UNSET_PASSWORD, jump: bastion.example:22 }\n  hosts:\n    web1: {}\n"));

        var localhost = Assert.Single(inventory.Select("localhost"));
        Assert.Equal(["web1"], inventory.Select("all").Select(h => h.Name));
        Assert.Equal(["web1", "localhost"], inventory.Select("web1:localhost").Select(h => h.Name));
        Assert.True(inventory.ResolveTarget(localhost) is { Local: true, Password: null, Jump: null });
        Assert.Equal("x", localhost.Vars["site"]);
        Assert.Empty(inventory.Select("localhost:!localhost"));
    }
}
