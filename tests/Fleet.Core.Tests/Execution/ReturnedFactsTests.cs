using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Execution;

/// <summary>
/// Facts a module returns under <c>ansible_facts</c> become host facts for later tasks, as Ansible's strategy stores them:
/// under <c>ansible_facts</c> and as variables of their own names; failed and skipped results, debug and plain set_fact do not.
/// Runs over the local shell (dpkg-query and getent of this machine).
/// </summary>
public sealed class ReturnedFactsTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private async Task<HostResult> RunAsync(string playbook) => (await LocalRuns.RunAsync(_files, LocalRuns.OneHost, playbook)).Hosts[0];

    private static string Statuses(HostResult host) => string.Join("\n", host.Tasks.Select(t => $"{t.Status.ToString().ToLowerInvariant()} {t.Name}{(t.Status == TaskOutcome.Failed ? ": " + t.Message : "")}"));

    [Fact]
    public async Task PackageFacts_AreHostFactsForLaterTasks_UnderAnsibleFactsAndAsPackages()
    {
        var host = await RunAsync("""
            - hosts: all
              tasks:
                - name: before
                  assert: { that: ["packages is not defined", "ansible_facts.packages is not defined"] }
                - package_facts:
                - name: dpkg is listed
                  when: "'dpkg' in ansible_facts.packages"
                  assert:
                    that:
                      - ansible_facts['packages']['dpkg'][0].name == 'dpkg'
                      - packages['dpkg'][0].source == 'apt'
                      - ansible_packages is not defined
                      - hostvars[inventory_hostname].packages.dpkg | length == 1
                      - ansible_facts.os_family == 'Debian'
            - hosts: all
              tasks:
                - name: next play
                  assert: { that: ["'dpkg' in packages"] }
            """);

        Assert.Equal("ok before\nok package_facts\nok dpkg is listed\nok next play", Statuses(host));
    }

    [Fact]
    public async Task Getent_InjectsGetentDatabase_AndServiceFactsInjectServices()
    {
        var host = await RunAsync("""
            - hosts: all
              tasks:
                - getent: { database: passwd }
                - service_facts:
                - name: root is uid 0
                  assert:
                    that:
                      - getent_passwd['root'][1] == '0'
                      - ansible_facts.getent_passwd.root[4] == '/root'
                      - services is mapping
                      - ansible_facts['services'] is mapping
            """);

        Assert.Equal("ok getent\nok service_facts\nok root is uid 0", Statuses(host));
    }

    [Fact]
    public async Task SetFact_OnlyCacheableBecomesAFact_AndSkippedOrFailedResultsKeepNone()
    {
        var host = await RunAsync("""
            - hosts: all
              tasks:
                - set_fact: { plain: 1 }
                - set_fact: { kept: 2, cacheable: true }
                - name: skipped
                  package_facts:
                  when: false
                - name: checked
                  assert:
                    that:
                      - plain == 1
                      - ansible_facts.plain is not defined
                      - ansible_facts.kept == 2
                      - kept == 2
                      - packages is not defined
            """);

        Assert.Equal("ok set_fact\nok set_fact\nskipped skipped\nok checked", Statuses(host));
    }

    // Checked with ansible-playbook 2.14: os_hardening builds its system_users list this way.
    [Fact]
    public async Task Loop_AnItemsReturnedFacts_AreVariablesOfTheLaterItems_ButNotUnderAnsibleFacts()
    {
        var host = await RunAsync("""
            - hosts: all
              gather_facts: false
              tasks:
                - name: accumulate
                  set_fact:
                    acc: "{{ acc | default([]) + [item] }}"
                  loop: [a, b, c]
                  when: item != 'c' or (acc | length) == 2
                - name: all three
                  assert: { that: ["acc == ['a', 'b', 'c']"] }
                - name: by name
                  getent: { database: group, key: "{{ item }}" }
                  loop: [root, daemon]
                  when: item == 'root' or getent_group.root is defined
                  register: named
                - name: not under ansible_facts
                  getent: { database: passwd, key: "{{ item }}" }
                  loop: [root, daemon]
                  when: item == 'root' or ansible_facts.getent_passwd is defined
                  register: namespaced
                - name: what ran
                  assert: { that: ["named.results[1].skipped is not defined", "namespaced.results[1].skipped"] }
            """);

        Assert.Equal("ok accumulate\nok all three\nok by name\nok not under ansible_facts\nok what ran", Statuses(host));
    }
}
