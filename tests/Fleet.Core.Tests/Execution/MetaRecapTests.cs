using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Execution;

/// <summary>What the recap counts as Ansible's does: a skipped meta is shown but not counted; an unnamed task keeps its module name as written.</summary>
public sealed class MetaRecapTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Run_SkippedMetaAndFqcnTask_RecapCountsOnlyTheTaskAndNamesItAsWritten()
    {
        var inventory = InventoryLoader.Load(_files.Write("inventory.yml", "all:\n  hosts:\n    h1: { address: 127.0.0.1 }\n"));
        var loaded = PlaybookLoader.Load(_files.Write("playbook.yml", """
            - hosts: all
              gather_facts: false
              tasks:
                - name: OS is supported
                  ansible.builtin.meta: end_host
                  when: false
                - ansible.builtin.debug: { msg: x }
                  when: false
            """), ModuleCatalog.Default);

        var report = await new PlaybookRunner(new LocalShellConnector(), ModuleCatalog.Default).RunAsync(inventory, [loaded], new RunOptions(), CancellationToken.None);

        var host = report.Hosts[0];
        Assert.Equal(["OS is supported", "ansible.builtin.debug"], host.Tasks.Select(t => t.Name));
        Assert.All(host.Tasks, t => Assert.Equal(TaskOutcome.Skipped, t.Status));
        Assert.Equal(1, host.Count(TaskOutcome.Skipped));
    }
}
