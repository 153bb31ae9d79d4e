using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;

namespace Fleet.Core.Tests.Execution;

/// <summary><c>meta: clear_facts</c> when a play runs (on the local shell); the expected messages are what ansible-playbook 2.14 prints.</summary>
public sealed class MetaClearFactsRunTests : IDisposable
{
    private const string Shown = "{{ ansible_facts | length }} {{ ansible_os_family | default('U') }} {{ plain | default('U') }} {{ cached | default('U') }} {{ ansible_facts.cached | default('U') }}";

    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task ClearFacts_ForgetsTheFactCache_KeepsSetFactVariables()
    {
        var inventory = InventoryLoader.Load(_files.Write("inventory.yml", "all:\n  hosts:\n    h1: { address: 127.0.0.1 }\n"));
        var loaded = PlaybookLoader.Load(_files.Write("site.yml",
            "- hosts: all\n  gather_facts: true\n  tasks:\n"
            + "    - set_fact: { plain: 1 }\n    - set_fact: { cached: 2, cacheable: true }\n"
            + $"    - debug: {{ msg: \"{Shown}\" }}\n"
            + "    - meta: clear_facts\n"
            + $"    - debug: {{ msg: \"{Shown}\" }}\n"
            + "- hosts: all\n  gather_facts: false\n  tasks:\n"
            + $"    - debug: {{ msg: \"{Shown}\" }}\n"), ModuleCatalog.Default);

        var report = await new PlaybookRunner(new LocalShellConnector(), ModuleCatalog.Default).RunAsync(inventory, [loaded], new RunOptions(), CancellationToken.None);

        var messages = report.Hosts[0].Tasks.Where(t => t.Message is not null && t.Message.Contains(' ', StringComparison.Ordinal)).Select(t => t.Message!).ToList();
        Assert.Equal(3, messages.Count);
        Assert.DoesNotMatch("^0 U", messages[0]);
        Assert.EndsWith(" 1 2 2", messages[0], StringComparison.Ordinal);
        Assert.Equal(["0 U 1 2 U", "0 U 1 2 U"], messages[1..]);
    }
}
