using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Execution;

/// <summary>
/// gather_facts and setup as Ansible has them: with gather_facts false the facts are undefined (ansible_facts is empty) until a
/// setup task returns them or an earlier play gathered them; setup returns the chosen subset, filtered, and registers it.
/// Runs over the local shell (this machine's facts).
/// </summary>
public sealed class GatherFactsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-gather-test-");

    public void Dispose() => _dir.Delete(recursive: true);

    private (Core.Inventory.Inventory Inventory, Playbook Playbook) Load(string playbook)
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "inventory.yml"), "all:\n  hosts:\n    h1: { address: 127.0.0.1 }\n");
        File.WriteAllText(Path.Combine(_dir.FullName, "playbook.yml"), playbook);
        return (InventoryLoader.Load(Path.Combine(_dir.FullName, "inventory.yml")), PlaybookLoader.Load(Path.Combine(_dir.FullName, "playbook.yml"), ModuleCatalog.Default));
    }

    private async Task<HostResult> RunAsync(string playbook)
    {
        var (inventory, loaded) = Load(playbook);
        Assert.Empty(PlaybookValidator.Validate([loaded], inventory, new Dictionary<string, object?>(), ModuleCatalog.Default));
        var report = await new PlaybookRunner(new LocalShellConnector(), ModuleCatalog.Default).RunAsync(inventory, [loaded], new RunOptions(), CancellationToken.None);
        return report.Hosts[0];
    }

    private List<string> Errors(string playbook)
    {
        try
        {
            var (inventory, loaded) = Load(playbook);
            return PlaybookValidator.Validate([loaded], inventory, new Dictionary<string, object?>(), ModuleCatalog.Default).Select(e => e.ToString()).ToList();
        }
        catch (FleetInputException ex)
        {
            return ex.Errors.Select(e => e.ToString()).ToList();
        }
    }

    private static string Statuses(HostResult host) => string.Join("\n", host.Tasks.Select(t => $"{t.Status.ToString().ToLowerInvariant()} {t.Name}{(t.Status == TaskOutcome.Failed ? ": " + t.Message : "")}"));

    [Fact]
    public async Task GatherFactsFalse_FactsUndefined_UntilSetupReturnsTheFilteredOnes()
    {
        var host = await RunAsync("""
            - hosts: all
              gather_facts: false
              tasks:
                - name: none yet
                  assert: { that: ["ansible_os_family is not defined", "ansible_facts == {}", "not ansible_facts"] }
                - setup:
                    filter: ansible_os_family
                    gather_subset: ['!all', 'min']
                  register: r
                - name: only the filtered fact
                  assert:
                    that:
                      - r.ansible_facts.ansible_os_family == ansible_os_family
                      - r.ansible_facts | length == 1
                      - ansible_facts.os_family == ansible_os_family
                      - ansible_distribution is not defined
                      - ansible_facts | length == 1
            """);

        Assert.Equal("ok none yet\nok setup\nok only the filtered fact", Statuses(host));
    }

    [Fact]
    public async Task GatherFactsFalse_WhenOnAFact_FailsAsUndefined()
    {
        var host = await RunAsync("""
            - hosts: all
              gather_facts: no
              tasks:
                - name: uses a fact
                  debug: { msg: hi }
                  when: ansible_os_family == 'Debian'
            """);

        var task = Assert.Single(host.Tasks);
        Assert.Equal(TaskOutcome.Failed, task.Status);
        Assert.Matches("undefined.*'ansible_os_family'|'ansible_os_family'.*undefined", task.Message);
    }

    [Fact]
    public async Task FactsGathered_PersistIntoALaterPlayWithoutGathering()
    {
        var host = await RunAsync("""
            - hosts: all
              gather_subset: ['!all', '!min', 'hardware']
              tasks:
                - name: hardware and platform only
                  assert: { that: ["ansible_memtotal_mb > 0", "ansible_kernel is defined", "ansible_os_family is not defined", "ansible_facts.gather_subset == ['!all', '!min', 'hardware']"] }
            - hosts: all
              gather_facts: false
              tasks:
                - name: still known
                  assert: { that: ["ansible_memtotal_mb > 0", "ansible_facts.module_setup"] }
            - hosts: all
              tasks:
                - name: gathered again, all
                  assert: { that: ["ansible_os_family is defined", "ansible_facts.distribution == ansible_distribution", "ansible_facts.gather_subset == ['all']"] }
            """);

        Assert.Equal("ok hardware and platform only\nok still known\nok gathered again, all", Statuses(host));
    }

    [Fact]
    public async Task SetupWhenNoFacts_AsDevSecWritesIt_RunsOnlyWhereNothingWasGathered()
    {
        var host = await RunAsync("""
            - hosts: all
              gather_facts: false
              tasks:
                - name: Gather facts, if not present
                  ansible.builtin.setup:
                  when: not ansible_facts
                - name: all gathered
                  assert: { that: ["ansible_facts.distribution == ansible_distribution", "ansible_memtotal_mb > 0", "ansible_facts.gather_subset == ['all']"] }
            - hosts: all
              tasks:
                - name: Gather facts, if not present
                  ansible.builtin.setup:
                  when: not ansible_facts
            """);

        Assert.Equal("ok Gather facts, if not present\nok all gathered\nskipped Gather facts, if not present", Statuses(host));
    }

    [Fact]
    public async Task Setup_TemplatedBadSubset_FailsTheTask()
    {
        var host = await RunAsync("""
            - hosts: all
              gather_facts: false
              vars: { subset: bogus }
              tasks:
                - setup: { gather_subset: "{{ subset }}" }
                  ignore_errors: true
            """);

        Assert.Contains("bad subset 'bogus'", Assert.Single(host.Tasks).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PlayBadSubsetAndFactPath_AreLocatedErrors()
    {
        var errors = Errors("""
            - hosts: all
              gather_subset: [hardware, nosuch]
              gather_timeout: 5
              tasks: [{ debug: { msg: hi } }]
            - hosts: all
              fact_path: /srv/facts
              tasks: [{ debug: { msg: hi } }]
            """);

        Assert.Collection(
            errors,
            e => Assert.Matches(@"playbook\.yml:2:18: gather_subset: bad subset 'nosuch'", e),
            e => Assert.Matches(@"playbook\.yml:6:3: fact_path is not supported: Fleet reads local facts \(ansible_local\) from /etc/ansible/facts.d only", e));
    }

    [Fact]
    public void Validate_SetupBadSubsetAndFactPath_AreLocatedErrors()
    {
        var errors = Errors("""
            - hosts: all
              tasks:
                - setup:
                    gather_subset: "!all,bogus"
                    fact_path: /etc/ansible/facts.d
                - setup: { filter: "ansible_*", gather_subset: [network], gather_timeout: 5 }
            """);

        Assert.Collection(
            errors,
            e => Assert.Matches(@"playbook\.yml:4:\d+: setup: gather_subset: bad subset 'bogus'", e),
            e => Assert.Matches(@"playbook\.yml:5:\d+: setup: fact_path is not supported: Fleet reads local facts \(ansible_local\) from /etc/ansible/facts.d only", e));
    }
}
