using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Execution;

/// <summary>
/// ansible_connection: a task sees the connection it runs over (Ansible's play context sets it where no variable does), while
/// hostvars show only what the inventory sets (linux-system-roles sshd tests ansible_connection != 'chroot').
/// </summary>
public sealed class ConnectionVariableTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData("h1: { address: 127.0.0.1 }", "ssh")]
    [InlineData("h1: { address: 127.0.0.1, ansible_connection: local }", "local")]
    public async Task Run_TaskSeesItsConnection_HostvarsOnlyTheInventorys(string host, string expected)
    {
        var inventory = InventoryLoader.Load(_files.Write("inventory.yml", $"all:\n  hosts:\n    {host}\n"));
        var loaded = PlaybookLoader.Load(_files.Write("playbook.yml", $$"""
            - hosts: all
              gather_facts: false
              tasks:
                - name: Connection
                  assert:
                    that:
                      - ansible_connection == '{{expected}}'
                      - ansible_connection != 'chroot'
                      - (hostvars[inventory_hostname].ansible_connection is defined) == {{(expected == "local" ? "true" : "false")}}
            """), ModuleCatalog.Default);
        Assert.Empty(PlaybookValidator.Validate([loaded], inventory, new Dictionary<string, object?>(), ModuleCatalog.Default));

        var report = await new PlaybookRunner(new LocalShellConnector(), ModuleCatalog.Default).RunAsync(inventory, [loaded], new RunOptions(), CancellationToken.None);

        var task = Assert.Single(report.Hosts[0].Tasks);
        Assert.True(task.Status == TaskOutcome.Ok, task.Message);
    }
}
