using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Execution;

/// <summary>
/// A loop that cannot be computed (its list is a variable a skipped task never set) fails the task only when the task's conditions
/// hold: read without an item, a false one skips the task as a whole, as Ansible's task executor does (checked against
/// ansible-playbook 2.14: skipped, then the loop's error when the condition is true). Runs over the local shell.
/// </summary>
public sealed class LoopConditionTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-loop-test-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task LoopOverUndefined_FalseCondition_SkipsTheTask_TrueCondition_FailsWithTheLoopsError()
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "inventory.yml"), "all:\n  hosts:\n    h1: { address: 127.0.0.1 }\n");
        File.WriteAllText(Path.Combine(_dir.FullName, "playbook.yml"), """
            - hosts: all
              gather_facts: false
              tasks:
                - command: "true"
                  register: probe
                  when: false
                - name: loop over what was never read
                  debug: { msg: "{{ item }}" }
                  loop: "{{ probe.stdout_lines }}"
                  when: use_it
                  vars: { use_it: false }
                  register: looped
                - name: skipped as a whole
                  assert: { that: ["looped is skipped", "looped.results is not defined"] }
                - name: loop needed
                  debug: { msg: "{{ item }}" }
                  loop: "{{ probe.stdout_lines }}"
                  ignore_errors: true
            """);
        var inventory = InventoryLoader.Load(Path.Combine(_dir.FullName, "inventory.yml"));
        var loaded = PlaybookLoader.Load(Path.Combine(_dir.FullName, "playbook.yml"), ModuleCatalog.Default);

        var report = await new PlaybookRunner(new LocalShellConnector(), ModuleCatalog.Default).RunAsync(inventory, [loaded], new RunOptions(), CancellationToken.None);

        var tasks = report.Hosts[0].Tasks;
        Assert.Equal(
            ["Skipped command", "Skipped loop over what was never read", "Ok skipped as a whole", "Failed loop needed"],
            tasks.Select(t => $"{t.Status} {t.Name}"));
        Assert.True(tasks[3].Ignored);
        Assert.Contains("stdout_lines", tasks[3].Message, StringComparison.Ordinal);
    }
}
