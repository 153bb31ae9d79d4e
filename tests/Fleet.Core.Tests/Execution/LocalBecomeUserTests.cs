using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Execution;

/// <summary>On the controller (<c>ansible_connection: local</c>), a task that becomes another user fails saying so: it never runs as the controller's user instead.</summary>
public sealed class LocalBecomeUserTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-local-become-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Run_BecomeUserOnTheController_FailsSayingSo()
    {
        var marker = Path.Combine(_dir.FullName, "marker");
        File.WriteAllText(Path.Combine(_dir.FullName, "inventory.yml"), "all:\n  hosts:\n    localhost: { ansible_connection: local }\n");
        File.WriteAllText(Path.Combine(_dir.FullName, "playbook.yml"), $"""
            - hosts: localhost
              gather_facts: false
              tasks:
                - name: as another user
                  command: touch {marker}
                  become: true
                  become_user: nobody
            """);
        var inventory = InventoryLoader.Load(Path.Combine(_dir.FullName, "inventory.yml"));
        var playbook = PlaybookLoader.Load(Path.Combine(_dir.FullName, "playbook.yml"), ModuleCatalog.Default);

        var report = await new PlaybookRunner(new LocalShellConnector(), ModuleCatalog.Default).RunAsync(inventory, [playbook], new RunOptions(), CancellationToken.None);

        var task = Assert.Single(report.Hosts.Single().Tasks);
        Assert.Equal(TaskOutcome.Failed, task.Status);
        Assert.Contains("become_user 'nobody' on the controller", task.Message + " " + string.Join(" ", task.Result.Values), StringComparison.Ordinal);
        Assert.False(File.Exists(marker));
    }
}
