using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Engine;

/// <summary>
/// Task placement on the lab over real SSH: delegate_to localhost writes on the controller, delegate_to another lab host writes
/// there with the delegating host's variables, run_once's registered result is every host's, a <c>hosts: localhost</c> play and
/// local_action run on the controller; a second run changes nothing.
/// </summary>
[Collection("lab")]
public sealed class PlacementLabTests(LabFixture lab)
{
    [LabFact]
    public async Task DelegateTo_RunOnce_LocalAction_AndALocalhostPlay_RunWhereAnsibleRunsThem_ThenNoOp()
    {
        var controller = Directory.CreateTempSubdirectory("fleet-placement-lab-").FullName;
        try
        {
            var playbook = $$$"""
                - hosts: localhost
                  gather_facts: false
                  tasks:
                    - name: a localhost play
                      copy: { dest: "{{{controller}}}/play", content: "{{ inventory_hostname }}\n" }
                - hosts: all
                  gather_facts: false
                  tasks:
                    - name: on the controller for each host
                      copy: { dest: "{{{controller}}}/{{ inventory_hostname }}", content: "{{ inventory_hostname }} {{ ansible_host | default(inventory_hostname) }}\n" }
                      delegate_to: localhost
                    - name: on lab-02 for lab-01
                      copy: { dest: /tmp/fleet-placement-from, content: "{{ inventory_hostname }}\n" }
                      delegate_to: lab-02
                      when: inventory_hostname == 'lab-01'
                    - name: once for the batch
                      command: cat /etc/hostname
                      run_once: true
                      register: once
                      changed_when: false
                    - name: every host keeps the first host's result
                      copy: { dest: /tmp/fleet-placement-once, content: "{{ once.stdout }}\n" }
                    - name: local action
                      local_action: command test -f {{{controller}}}/{{ inventory_hostname }}
                      changed_when: false
                """;

            var first = await LabRun.RunAsync(lab, playbook);

            Assert.All(first.Hosts, h => Assert.NotEqual(HostStatus.Failed, h.Status));
            Assert.Equal("localhost\n", await File.ReadAllTextAsync(Path.Combine(controller, "play")));
            var lab01 = first.Hosts.Single(h => h.Name == "lab-01");
            Assert.Equal("localhost", lab01.Tasks.Single(t => t.Name == "on the controller for each host").DelegatedTo);
            Assert.Equal("lab-02", lab01.Tasks.Single(t => t.Name == "on lab-02 for lab-01").DelegatedTo);
            Assert.Equal("lab-01\n", await LabRun.ExecAsync(lab, "lab-02", "cat /tmp/fleet-placement-from"));
            Assert.Equal("1\n", await LabRun.ExecAsync(lab, "lab-01", "test -e /tmp/fleet-placement-from && echo 0 || echo 1"));
            var firstHostname = (await LabRun.ExecAsync(lab, "lab-01", "cat /etc/hostname")).Trim();
            foreach (var host in first.Hosts.Where(h => h.Name.StartsWith("lab-", StringComparison.Ordinal)))
            {
                Assert.StartsWith(host.Name + " ", await File.ReadAllTextAsync(Path.Combine(controller, host.Name)), StringComparison.Ordinal);
                Assert.Equal(firstHostname, (await LabRun.ExecAsync(lab, host.Name, "cat /tmp/fleet-placement-once")).Trim());
            }

            Assert.Equal(1, first.Hosts.Sum(h => h.Tasks.Where(t => t.Name == "once for the batch").Sum(t => t.Tally)));

            var second = await LabRun.RunAsync(lab, playbook);
            Assert.All(second.Hosts, h => Assert.DoesNotContain(h.Tasks, t => t.Status is TaskOutcome.Changed or TaskOutcome.Failed));
        }
        finally
        {
            Directory.Delete(controller, recursive: true);
            foreach (var host in new[] { "lab-01", "lab-02", "lab-03", "lab-04" })
            {
                await LabRun.ExecAsync(lab, host, "rm -f /tmp/fleet-placement-from /tmp/fleet-placement-once; true");
            }
        }
    }

    [LabFact]
    public async Task DelegateTo_CheckMode_PredictsOnTheDelegatedHost_AndChangesNothing()
    {
        var report = await LabRun.RunAsync(lab, """
            - hosts: lab-01
              gather_facts: false
              tasks:
                - copy: { dest: /tmp/fleet-placement-check, content: "x\n" }
                  delegate_to: lab-02
            """, new RunOptions { Mode = "check", Diff = true });

        var task = Assert.Single(report.Hosts.Single(h => h.Name == "lab-01").Tasks);
        Assert.Equal((TaskOutcome.Changed, "lab-02"), (task.Status, task.DelegatedTo));
        Assert.NotNull(task.Diff);
        Assert.Equal("absent\n", await LabRun.ExecAsync(lab, "lab-02", "test -e /tmp/fleet-placement-check && echo present || echo absent"));
    }
}
