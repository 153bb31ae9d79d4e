using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Execution;

/// <summary>
/// A play that becomes another user gathers its facts as that user, as Ansible's setup does through sudo -u: <c>ansible_user_id</c>
/// and <c>ansible_env</c> are that user's (the local shell transport gives a become user's LOGNAME and HOME as sudo -H does).
/// </summary>
public sealed class BecomeFactsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-become-facts-");

    public void Dispose() => _dir.Delete(recursive: true);

    private async Task<HostResult> RunAsync(string hostVars, string playbook)
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "inventory.yml"), $"all:\n  hosts:\n    h1: {{ address: 127.0.0.1{hostVars} }}\n");
        File.WriteAllText(Path.Combine(_dir.FullName, "playbook.yml"), playbook);
        var inventory = InventoryLoader.Load(Path.Combine(_dir.FullName, "inventory.yml"));
        var loaded = PlaybookLoader.Load(Path.Combine(_dir.FullName, "playbook.yml"), ModuleCatalog.Default);
        var report = await new PlaybookRunner(new LocalShellConnector(), ModuleCatalog.Default).RunAsync(inventory, [loaded], new RunOptions(), CancellationToken.None);
        return report.Hosts[0];
    }

    private static string Statuses(HostResult host) => string.Join("\n", host.Tasks.Select(t => $"{t.Status.ToString().ToLowerInvariant()} {t.Name}{(t.Status == TaskOutcome.Failed ? ": " + t.Message : "")}"));

    [Fact]
    public async Task PlayBecomeUserKeyword_FactsAreThatUsers()
    {
        var host = await RunAsync("", """
            - hosts: all
              become: true
              become_user: appuser
              tasks:
                - name: facts of the become user
                  assert: { that: ["ansible_user_id == 'appuser'", "ansible_env.HOME == '/home/appuser'", "ansible_facts.user_id == 'appuser'"] }
            """);

        Assert.Equal("ok facts of the become user", Statuses(host));
    }

    [Fact]
    public async Task AnsibleBecomeUserVariable_FactsAreThatUsers()
    {
        var host = await RunAsync(", ansible_become_user: dbuser, become: true", """
            - hosts: all
              tasks:
                - name: facts of the become user
                  assert: { that: ["ansible_user_id == 'dbuser'", "ansible_env.USER == 'dbuser'"] }
            """);

        Assert.Equal("ok facts of the become user", Statuses(host));
    }

    [Fact]
    public async Task BecomeUserWithoutBecome_OrOnATaskOnly_FactsAreTheLogins()
    {
        var host = await RunAsync("", """
            - hosts: all
              become_user: appuser
              tasks:
                - name: facts of the login
                  assert: { that: ["ansible_user_id != 'appuser'", "ansible_env.HOME != '/home/appuser'"] }
            - hosts: all
              become: true
              tasks:
                - name: a task's become_user changes no fact
                  assert: { that: ["ansible_user_id != 'appuser'"] }
                  become_user: appuser
            """);

        Assert.Equal("ok facts of the login\nok a task's become_user changes no fact", Statuses(host));
    }

    [Fact]
    public async Task SetupTaskUnderBecomeUser_FactsAreThatUsers_AndAfterItToo()
    {
        var host = await RunAsync("", """
            - hosts: all
              gather_facts: false
              become: true
              tasks:
                - name: setup as the app user
                  setup: { gather_subset: [min] }
                  become_user: appuser
                  register: gathered
                - name: it returned and set that user's facts
                  assert: { that: ["gathered.ansible_facts.ansible_user_id == 'appuser'", "ansible_user_id == 'appuser'", "ansible_env.HOME == '/home/appuser'"] }
                - name: setup as root
                  setup: { gather_subset: [min] }
                - name: root's facts again
                  assert: { that: ["ansible_user_id != 'appuser'"] }
            """);

        Assert.Equal("ok setup as the app user\nok it returned and set that user's facts\nok setup as root\nok root's facts again", Statuses(host));
    }

    [Fact]
    public async Task SetupTaskWithBecomeUserButNoBecome_FactsAreTheLogins()
    {
        var host = await RunAsync("", """
            - hosts: all
              gather_facts: false
              tasks:
                - name: setup
                  setup: { gather_subset: [min] }
                  become_user: appuser
                - name: the login's facts
                  assert: { that: ["ansible_user_id != 'appuser'"] }
            """);

        Assert.Equal("ok setup\nok the login's facts", Statuses(host));
    }
}
