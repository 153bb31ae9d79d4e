using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Execution;

/// <summary>
/// Task placement as Ansible runs it: delegate_to (another host, localhost), local_action, connection: local, an implicit
/// localhost, delegate_facts and run_once (the first host of the batch runs it and every host registers its result). Every host
/// runs over the machine's own /bin/sh (<see cref="LocalShellConnector"/> sets FLEET_HOST to the host the script runs for);
/// localhost runs through Fleet's own local connection. The lab tests cover the same over SSH.
/// </summary>
public sealed class PlacementRunTests : IDisposable
{
    private readonly TempFiles _files = new();
    private readonly LocalShellConnector _connector = new();

    public void Dispose() => _files.Dispose();

    private async Task<RunReport> RunAsync(string playbook, string hosts = "h1: {}\n    h2: {}\n    h3: {}", RunOptions? options = null)
    {
        var inventory = InventoryLoader.Load(_files.Write("inventory.yml", $"all:\n  hosts:\n    {hosts}\n"));
        var loaded = PlaybookLoader.Load(_files.Write("site.yml", playbook), ModuleCatalog.Default);
        Assert.Empty(PlaybookValidator.Validate([loaded], inventory, new Dictionary<string, object?>(), ModuleCatalog.Default));
        return await new PlaybookRunner(_connector, ModuleCatalog.Default).RunAsync(inventory, [loaded], options ?? new RunOptions(), CancellationToken.None);
    }

    private static HostResult Host(RunReport report, string name) => report.Hosts.Single(h => h.Name == name);

    private static string Statuses(HostResult host) =>
        string.Join("\n", host.Tasks.Select(t => $"{t.Status.ToString().ToLowerInvariant()} {t.Name}{(t.DelegatedTo is { } d ? " -> " + d : "")}{(t.Status == TaskOutcome.Failed ? ": " + t.Message : "")}"));

    [Fact]
    public async Task RunOnce_RunsOnTheFirstHost_AndEveryHostRegistersItsResult()
    {
        var report = await RunAsync("""
            - hosts: all
              gather_facts: false
              tasks:
                - name: once
                  command: sh -c 'echo "$FLEET_HOST"'
                  run_once: true
                  register: once
                - name: same everywhere
                  assert: { that: ["once.stdout == 'h1'", "once is changed"] }
            """);

        Assert.All(report.Hosts, h => Assert.Equal("changed once\nok same everywhere", Statuses(h)));
        Assert.Equal([1, 0, 0], report.Hosts.Select(h => h.Count(TaskOutcome.Changed)));
    }

    [Fact]
    public async Task RunOnce_SetFact_IsEveryHostsFact()
    {
        var report = await RunAsync("""
            - hosts: all
              gather_facts: false
              tasks:
                - set_fact: { chosen: "{{ inventory_hostname }}" }
                  run_once: true
                - assert: { that: ["chosen == 'h1'"] }
            """);

        Assert.All(report.Hosts, h => Assert.Equal(HostStatus.Ok, h.Status));
    }

    [Fact]
    public async Task RunOnce_FirstHostFailedEarlier_TheNextHostRunsIt_NobodyWaitsForever()
    {
        var report = await RunAsync("""
            - hosts: all
              gather_facts: false
              tasks:
                - fail: { msg: stop here }
                  when: inventory_hostname == 'h1'
                - name: once
                  command: sh -c 'echo "$FLEET_HOST"'
                  run_once: true
                  register: once
                - assert: { that: ["once.stdout == 'h2'"] }
            """).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(HostStatus.Failed, Host(report, "h1").Status);
        Assert.Equal(HostStatus.Changed, Host(report, "h2").Status);
        Assert.Equal(HostStatus.Changed, Host(report, "h3").Status);
        Assert.Equal(0, Host(report, "h3").Count(TaskOutcome.Changed));
    }

    [Fact]
    public async Task RunOnce_Failing_FailsEveryHostOfTheBatch()
    {
        var report = await RunAsync("""
            - hosts: all
              gather_facts: false
              tasks:
                - command: "false"
                  run_once: true
                - debug: { msg: not reached }
            """);

        Assert.All(report.Hosts, h => Assert.Equal(HostStatus.Failed, h.Status));
        Assert.All(report.Hosts, h => Assert.Single(h.Tasks));
        Assert.Contains("run_once: failed on h1", Host(report, "h2").Tasks[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DelegateTo_AnotherHost_RunsOverItsConnection_WithTheDelegatingHostsVariables()
    {
        var report = await RunAsync("""
            - hosts: h1
              gather_facts: false
              tasks:
                - name: there
                  command: sh -c 'echo "$FLEET_HOST {{ inventory_hostname }}"'
                  delegate_to: "{{ 'h' ~ 2 }}"
                  register: there
                - assert: { that: ["there.stdout == 'h2 h1'"] }
            """);

        Assert.Equal("changed there -> h2\nok assert", Statuses(Host(report, "h1")));
        Assert.Contains("connect h2", _connector.Events);
    }

    [Fact]
    public async Task DelegateTo_LocalhostNotInTheInventory_WritesOnTheController()
    {
        var target = Path.Combine(_files.Dir, "from-h1.txt");
        var report = await RunAsync($"""
            - hosts: h1
              gather_facts: false
              tasks:
                - name: write
                  copy: {"{"} dest: "{target}", content: "{"{{"} inventory_hostname {"}}"}\n" {"}"}
                  delegate_to: localhost
                - name: again
                  copy: {"{"} dest: "{target}", content: "{"{{"} inventory_hostname {"}}"}\n" {"}"}
                  delegate_to: localhost
            """);

        Assert.Equal("changed write -> localhost\nok again -> localhost", Statuses(Host(report, "h1")));
        Assert.Equal("h1\n", File.ReadAllText(target));
    }

    [Fact]
    public async Task LocalAction_BothForms_RunOnTheController()
    {
        var first = Path.Combine(_files.Dir, "one");
        var second = Path.Combine(_files.Dir, "two");
        var report = await RunAsync($"""
            - hosts: h1
              gather_facts: false
              tasks:
                - name: free form
                  local_action: command touch {first}
                - name: mapping
                  local_action:
                    module: file
                    path: "{second}"
                    state: touch
            """);

        Assert.Equal("changed free form -> localhost\nchanged mapping -> localhost", Statuses(Host(report, "h1")));
        Assert.True(File.Exists(first) && File.Exists(second));
    }

    [Fact]
    public async Task HostsLocalhost_WithoutAnInventoryEntry_RunsOnTheController()
    {
        var target = Path.Combine(_files.Dir, "local.txt");
        var report = await RunAsync($"""
            - hosts: localhost
              tasks:
                - copy: {"{"} dest: "{target}", content: "{"{{"} inventory_hostname {"}}"} {"{{"} group_names | length {"}}"}" {"}"}
            - hosts: all
              gather_facts: false
              tasks:
                - debug: msg=hi
            """);

        Assert.Equal(["h1", "h2", "h3", "localhost"], report.Hosts.Select(h => h.Name).Order(StringComparer.Ordinal));
        Assert.Equal("localhost 0", File.ReadAllText(target));
        Assert.Single(Host(report, "localhost").Tasks);
        Assert.DoesNotContain("connect localhost", _connector.Events);
    }

    [Fact]
    public async Task AnsibleConnectionLocal_InTheInventory_RunsOnTheController()
    {
        var report = await RunAsync("""
            - hosts: ctl
              gather_facts: false
              tasks:
                - command: "true"
            """, hosts: "ctl: { ansible_connection: local }");

        Assert.Equal(HostStatus.Changed, Host(report, "ctl").Status);
        Assert.DoesNotContain("connect ctl", _connector.Events);
    }

    [Fact]
    public async Task ConnectionLocal_OnATask_RunsOnTheController_WithTheHostsVariables()
    {
        var report = await RunAsync("""
            - hosts: h1
              gather_facts: false
              tasks:
                - command: sh -c 'echo "${FLEET_HOST:-controller} {{ inventory_hostname }}"'
                  connection: local
                  register: out
                - assert: { that: ["out.stdout == 'controller h1'"] }
            """);

        Assert.Equal(HostStatus.Changed, Host(report, "h1").Status);
    }

    [Fact]
    public async Task DelegateFacts_PutsTheReturnedFactsOnTheDelegatedHost()
    {
        var report = await RunAsync("""
            - hosts: all
              gather_facts: false
              tasks:
                - set_fact: { marker: "from {{ inventory_hostname }}" }
                  delegate_to: h3
                  delegate_facts: true
                  when: inventory_hostname == 'h1'
            - hosts: h3
              gather_facts: false
              tasks:
                - assert: { that: ["marker == 'from h1'"] }
            - hosts: h1
              gather_facts: false
              tasks:
                - assert: { that: ["marker is not defined"] }
            """);

        Assert.All(report.Hosts, h => Assert.NotEqual(HostStatus.Failed, h.Status));
    }

    [Fact]
    public async Task DelegateTo_UnknownHost_FailsTheTask_NamingIt()
    {
        var report = await RunAsync("""
            - hosts: h1
              gather_facts: false
              tasks:
                - command: "true"
                  delegate_to: "{{ 'nowhere' }}"
            """);

        Assert.Contains("delegate_to: 'nowhere' is not a host of the inventory", Host(report, "h1").Tasks[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DelegateTo_UnreachableHost_MakesTheDelegatingHostUnreachable()
    {
        var report = await RunAsync("""
            - hosts: h1
              gather_facts: false
              tasks:
                - command: "true"
                  delegate_to: down1
            """, hosts: "h1: {}\n    down1: {}");

        Assert.Equal(HostStatus.Unreachable, Host(report, "h1").Status);
        Assert.Contains("delegate_to down1", Host(report, "h1").Error, StringComparison.Ordinal);
    }
}
