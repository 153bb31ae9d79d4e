using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Modules;

/// <summary>setup after gather_facts false over real SSH on a lab host: its facts checked with the host's own tools, at no round trip of its own.</summary>
[Collection("lab")]
public sealed class SetupLabTests(LabFixture lab)
{
    private const string Host = "lab-02";

    [LabFact]
    public async Task Setup_FilteredMinimalFacts_AreTheHostsOwn_AndCostNoTripBeyondConnect()
    {
        var counter = new CountingConnector(lab);

        var report = await counter.RunAsync($$"""
            - hosts: {{Host}}
              gather_facts: false
              tasks:
                - name: Facts
                  ansible.builtin.setup:
                    gather_subset: ['!all', 'min']
                    filter: [ansible_hostname, kernel, ansible_architecture, ansible_distribution_release, ansible_os_family, ansible_user_id]
                - name: Set as the host's facts, nothing else
                  assert: { that: ["ansible_facts | length == 6", "ansible_memtotal_mb is not defined", "ansible_kernel == ansible_facts.kernel"] }
            """);

        var host = Assert.Single(report.Hosts);
        Assert.All(host.Tasks, t => Assert.Equal(TaskOutcome.Ok, t.Status));
        var facts = (IReadOnlyDictionary<string, object?>)host.Tasks[0].Result["ansible_facts"]!;
        var own = await LabRun.ExecAsync(lab, Host, ". /etc/os-release; echo \"$(hostname -s) $(uname -r) $(uname -m) $VERSION_CODENAME $(id -un)\"");
        Assert.Equal(own.Trim(), $"{facts["ansible_hostname"]} {facts["ansible_kernel"]} {facts["ansible_architecture"]} {facts["ansible_distribution_release"]} {facts["ansible_user_id"]}");
        Assert.Equal("Debian", facts["ansible_os_family"]);
        Assert.Equal(1, counter.CommandsPerHost[Host]);
    }

    [LabFact]
    public async Task Setup_AfterAFactFileIsWritten_ReturnsItUnderAnsibleLocal()
    {
        await LabRun.ExecAsync(lab, Host, "rm -rf /etc/ansible/facts.d");
        var report = await new CountingConnector(lab).RunAsync($$$"""
            - hosts: {{{Host}}}
              tasks:
                - name: Nothing local yet
                  assert: { that: ["ansible_local == {}"] }
                - name: An executable fact and an INI one
                  shell: |
                    mkdir -p /etc/ansible/facts.d
                    printf '#!/bin/sh\necho "{\\"boot\\": \\"$(cat /proc/sys/kernel/random/boot_id)\\"}"\n' > /etc/ansible/facts.d/host.fact
                    chmod 755 /etc/ansible/facts.d/host.fact
                    printf '[Site]\nRole = web\n' > /etc/ansible/facts.d/site.fact
                - ansible.builtin.setup:
                - name: Read again
                  assert: { that: ["ansible_local.site.Site.role == 'web'", "ansible_facts.ansible_local.host.boot | length == 36", "ansible_facts.local is not defined"] }
                - debug: { msg: "{{ ansible_local.host.boot }}" }
            """);

        var host = Assert.Single(report.Hosts);
        Assert.All(host.Tasks, t => Assert.NotEqual(TaskOutcome.Failed, t.Status));
        var own = await LabRun.ExecAsync(lab, Host, "/etc/ansible/facts.d/host.fact; rm -rf /etc/ansible/facts.d");
        Assert.Contains(host.Tasks[^1].Message ?? "", own, StringComparison.Ordinal);
    }
}
