using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Execution;

/// <summary>
/// A meta task whose condition is false is reported skipped but, as in ansible-playbook 2.14's recap, not counted: Ansible keeps no
/// stats for meta tasks (checked against ansible-playbook: skipped=1 for the command below, the meta's skip shown but not counted).
/// </summary>
public sealed class MetaRecapTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-meta-test-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task SkippedFlushHandlers_IsShownSkipped_ButNotCountedInTheRecap()
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "inventory.yml"), "all:\n  hosts:\n    h1: { address: 127.0.0.1 }\n");
        File.WriteAllText(Path.Combine(_dir.FullName, "playbook.yml"), """
            - hosts: all
              gather_facts: false
              tasks:
                - command: "true"
                  when: false
                - meta: flush_handlers
                  when: false
            """);
        var inventory = InventoryLoader.Load(Path.Combine(_dir.FullName, "inventory.yml"));
        var loaded = PlaybookLoader.Load(Path.Combine(_dir.FullName, "playbook.yml"), ModuleCatalog.Default);

        var report = await new PlaybookRunner(new LocalShellConnector(), ModuleCatalog.Default).RunAsync(inventory, [loaded], new RunOptions(), CancellationToken.None);

        var host = report.Hosts[0];
        Assert.Equal([TaskOutcome.Skipped, TaskOutcome.Skipped], host.Tasks.Select(t => t.Status));
        Assert.Equal(1, host.Count(TaskOutcome.Skipped));
    }
}
