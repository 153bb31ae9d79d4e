using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Execution;

/// <summary>
/// An include_role whose role is not installed, behind a when: Ansible looks the role up only when the task runs, so it is a
/// warning at load and the task's failure on a host that reaches it.
/// </summary>
public sealed class IncludeRoleNotFoundTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private const string Playbook = """
        - hosts: all
          gather_facts: false
          tasks:
            - name: Red Hat only
              include_role: { name: fedora.linux_system_roles.firewall }
              when: reach | bool
            - name: After
              command: "true"
        """;

    [Fact]
    public void Load_GuardedMissingRole_IsAWarningNamingIt()
    {
        var loaded = PlaybookLoader.Load(_files.Write("playbook.yml", Playbook), ModuleCatalog.Default);

        var warning = Assert.Single(loaded.Warnings);
        Assert.Contains("include_role: role 'fedora.linux_system_roles.firewall' not found", warning.Message, StringComparison.Ordinal);
        Assert.Equal(5, warning.Location?.Line);
    }

    [Fact]
    public void Load_UnguardedMissingRole_StaysAnError()
    {
        var ex = Assert.Throws<FleetInputException>(() => PlaybookLoader.Load(_files.Write("playbook.yml", Playbook.Replace("      when: reach | bool\n", "", StringComparison.Ordinal)), ModuleCatalog.Default));

        Assert.Contains("role 'fedora.linux_system_roles.firewall' not found", Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, TaskOutcome.Skipped, 2)]
    [InlineData(true, TaskOutcome.Failed, 1)]
    public async Task Run_GuardedMissingRole_SkippedWhenFalseFailsWhenReached(bool reach, TaskOutcome first, int count)
    {
        var inventory = InventoryLoader.Load(_files.Write("inventory.yml", "all:\n  hosts:\n    h1: { address: 127.0.0.1 }\n"));
        var loaded = PlaybookLoader.Load(_files.Write("playbook.yml", Playbook), ModuleCatalog.Default);
        var extra = new Dictionary<string, object?> { ["reach"] = reach };
        Assert.Empty(PlaybookValidator.Validate([loaded], inventory, extra, ModuleCatalog.Default));

        var report = await new PlaybookRunner(new LocalShellConnector(), ModuleCatalog.Default).RunAsync(inventory, [loaded], new RunOptions { ExtraVars = extra }, CancellationToken.None);

        var tasks = report.Hosts[0].Tasks;
        Assert.Equal(first, tasks[0].Status);
        Assert.Equal(count, tasks.Count);
        if (reach)
        {
            Assert.Contains("role 'fedora.linux_system_roles.firewall' not found", tasks[0].Message, StringComparison.Ordinal);
        }
    }
}
