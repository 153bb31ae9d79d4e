using Fleet.Core.Results;
using Fleet.Integration.Tests.Cli;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;
using Fleet.Tests;

namespace Fleet.Integration.Tests.Ssh;

/// <summary>
/// Ansible's connection and privilege variables on real hosts: <c>become_user</c> (sudo -u) from a root login, a sudo password
/// from the inventory for a login whose sudo asks for one (no output of the run shows it), sudo's flags from
/// <c>ansible_become_flags</c>, a <c>setup</c> task's user facts under <c>become_user</c>, and a bastion given as
/// <c>ansible_ssh_common_args</c>. Each result is read with the host's own tools.
/// </summary>
[Collection("lab")]
public sealed class BecomeUserLabTests(LabFixture lab) : IDisposable
{
    private const string Password = "Fleet-sudo-pw-4471";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-become-user-test-");

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>sudo, and a user <c>app</c> whose home only it may write.</summary>
    private async Task PrepareAsync(string host, string extra = "") => await LabRun.ExecAsync(lab, host, $"""
        set -e
        command -v sudo >/dev/null || apt-get install -y -qq sudo >/dev/null 2>&1
        id app >/dev/null 2>&1 || useradd -m -s /bin/sh app
        chmod 700 /home/app
        rm -f /home/app/fleet-become-test /root/fleet-become-test
        {extra}
        """);

    /// <summary>
    /// A login <c>sudoer</c> whose sudo asks for its password (no NOPASSWD), to any user and group (-g needs the group in the
    /// runas list), and an inventory file that logs in as it with the password; returns the inventory's path.
    /// </summary>
    private async Task<string> PrepareSudoerAsync(int index, string inventoryName, string hostVariable = "")
    {
        var host = lab.Info.Hosts[index];
        var publicKey = (await File.ReadAllTextAsync(lab.Info.PublicKeyPath)).Trim();
        await PrepareAsync(host.Name, $"""
            id sudoer >/dev/null 2>&1 || useradd -m -s /bin/sh sudoer
            echo 'sudoer:{Password}' | chpasswd
            mkdir -p /home/sudoer/.ssh; echo '{publicKey}' > /home/sudoer/.ssh/authorized_keys
            chown -R sudoer:sudoer /home/sudoer/.ssh; chmod 700 /home/sudoer/.ssh; chmod 600 /home/sudoer/.ssh/authorized_keys
            echo 'sudoer ALL=(ALL:ALL) ALL' > /etc/sudoers.d/sudoer; chmod 440 /etc/sudoers.d/sudoer
            """);
        return Write(inventoryName, $"""
            all:
              hosts:
                {host.Name}:
                  ansible_host: {host.Address}
                  ansible_port: {host.Port}
                  ansible_user: sudoer
                  ansible_ssh_private_key_file: {lab.Info.PrivateKeyPath}
                  ansible_become_pass: {Password}
                  {hostVariable}
            """);
    }

    private const string Playbook = """
        - name: Become another user
          hosts: all
          become: true
          tasks:
            - name: Who runs it
              command: id -un
              become_user: app
              register: who
            - name: Its home
              block:
                - name: A file in app's home
                  copy: { dest: /home/app/fleet-become-test, content: "written as app\n" }
              become_user: "{{ app_user }}"
            - name: Root's file
              copy: { dest: /root/fleet-become-test, content: "written as root\n", mode: "0600" }
            - name: Show who and the password variable
              debug: { msg: "{{ who.stdout }} with {{ ansible_become_pass | default('none') }}" }
          vars:
            app_user: app
        """;

    [LabFact]
    public async Task BecomeUser_FromRootLogin_CommandAndCopyRunAsThatUser()
    {
        var host = lab.Info.Hosts[1];
        await PrepareAsync(host.Name);

        var report = await LabRun.RunAsync(lab, Playbook, new Core.Execution.RunOptions { Limit = host.Name });

        var result = Assert.Single(report.Hosts);
        Assert.True(result.Status == HostStatus.Changed, $"{result.Status}: {result.Error} {string.Join("; ", result.Tasks.Select(t => t.Message))}");
        Assert.Equal("app", result.Tasks[0].Result["stdout"]);
        Assert.Equal("app app 644\n", await LabRun.ExecAsync(lab, host.Name, "stat -c '%U %G %a' /home/app/fleet-become-test"));
        Assert.Equal("root\n", await LabRun.ExecAsync(lab, host.Name, "stat -c %U /root/fleet-become-test"));
    }

    [LabFact]
    public async Task BecomePassword_FromInventory_SudoAsksForItAndNoOutputShowsIt()
    {
        var host = lab.Info.Hosts[3];
        var inventory = await PrepareSudoerAsync(3, "inventory.yml");
        var json = Path.Combine(_dir.FullName, "report.json");
        var log = Path.Combine(_dir.FullName, "run.log");

        var run = await FleetProcess.RunAsync(["apply", Write("playbook.yml", Playbook), "-i", inventory, "--known-hosts", lab.Info.KnownHostsPath, "--host-key-policy", "strict", "--no-progress", "-v", "--json", json, "--log-file", log]);

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
        Assert.Equal("app app\n", await LabRun.ExecAsync(lab, host.Name, "stat -c '%U %G' /home/app/fleet-become-test"));
        Assert.Equal("root\n", await LabRun.ExecAsync(lab, host.Name, "stat -c %U /root/fleet-become-test"));
        Assert.Contains("app with ********", await File.ReadAllTextAsync(json), StringComparison.Ordinal);
        foreach (var output in new[] { run.Stdout, run.Stderr, await File.ReadAllTextAsync(json), await File.ReadAllTextAsync(log) })
        {
            Assert.DoesNotContain(Password, output, StringComparison.Ordinal);
        }
    }

    [LabFact]
    public async Task SetupUnderBecomeUser_UserFactsAreThatUsers_AsTheHostsPasswdSays()
    {
        var host = lab.Info.Hosts[1];
        await PrepareAsync(host.Name, "usermod -c 'App Owner' -d /home/app app");

        var report = await LabRun.RunAsync(lab, """
            - hosts: all
              gather_facts: false
              become: true
              tasks:
                - name: Setup as app
                  setup: { gather_subset: [min] }
                  become_user: app
                - name: Its facts
                  copy:
                    dest: /root/fleet-become-test
                    mode: "0600"
                    content: "{{ ansible_user_id }}:{{ ansible_user_uid }}:{{ ansible_user_gid }}:{{ ansible_user_gecos }}:{{ ansible_user_dir }}:{{ ansible_user_shell }} {{ ansible_env.HOME }} {{ ansible_effective_user_id }}\n"
            """, new Core.Execution.RunOptions { Limit = host.Name });

        var result = Assert.Single(report.Hosts);
        Assert.True(result.Status == HostStatus.Changed, $"{result.Status}: {result.Error} {string.Join("; ", result.Tasks.Select(t => t.Message))}");
        var passwd = (await LabRun.ExecAsync(lab, host.Name, "getent passwd app | cut -d: -f1,3-7; id -u app")).Split('\n');
        Assert.Equal($"{passwd[0]} /home/app {passwd[1]}\n", await LabRun.ExecAsync(lab, host.Name, "cat /root/fleet-become-test"));
    }

    [LabFact]
    public async Task BecomeFlags_WithASudoPassword_SudoRunsWithThem_AndNoOutputShowsThePassword()
    {
        var host = lab.Info.Hosts[3];
        await LabRun.ExecAsync(lab, host.Name, "getent group appflags >/dev/null || groupadd appflags");
        var inventory = await PrepareSudoerAsync(3, "flags.yml", "ansible_become_flags: -H -n -g appflags");
        var json = Path.Combine(_dir.FullName, "flags.json");

        var run = await FleetProcess.RunAsync(["apply", Write("flags-playbook.yml", """
            - hosts: all
              gather_facts: false
              become: true
              tasks:
                - name: A file as app in the flags' group
                  copy: { dest: /home/app/fleet-become-test, content: "flags\n", mode: "0640" }
                  become_user: app
            """), "-i", inventory, "--known-hosts", lab.Info.KnownHostsPath, "--host-key-policy", "strict", "--no-progress", "-v", "--json", json]);

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
        Assert.Equal("app appflags 640\n", await LabRun.ExecAsync(lab, host.Name, "stat -c '%U %G %a' /home/app/fleet-become-test"));
        foreach (var output in new[] { run.Stdout, run.Stderr, await File.ReadAllTextAsync(json) })
        {
            Assert.DoesNotContain(Password, output, StringComparison.Ordinal);
        }
    }

    [LabFact]
    public async Task SshCommonArgs_ProxyCommandThroughAnotherLabHost_ConnectsFromThatBastion()
    {
        var (bastion, target) = (lab.Info.Hosts[0], lab.Info.Hosts[1]);
        var inventory = Write("bastion.yml", $"""
            all:
              vars:
                ansible_ssh_private_key_file: {lab.Info.PrivateKeyPath}
              hosts:
                {bastion.Name}:
                  ansible_host: {bastion.Address}
                  ansible_port: {bastion.Port}
                {target.Name}:
                  ansible_host: {target.Address}
                  ansible_port: {target.Port}
                  ansible_ssh_common_args: '-o ProxyCommand="ssh -W %h:%p -q {bastion.Name}"'
            """);

        var report = await LabRun.RunAsync(lab, """
            - hosts: all
              gather_facts: false
              tasks:
                - name: Where the session comes from
                  command: sh -c 'echo "${SSH_CONNECTION%% *}"'
            """, new Core.Execution.RunOptions { Limit = target.Name }, inventoryPath: inventory);

        var result = Assert.Single(report.Hosts);
        Assert.True(result.Status == HostStatus.Changed, $"{result.Status}: {result.Error}");
        Assert.Equal(bastion.Address, result.Tasks[0].Result["stdout"]);
    }

    [LabFact]
    public async Task RemoteUser_OnAPlay_LogsInAsThatUserForThatPlayOnly()
    {
        var host = lab.Info.Hosts[1];
        var publicKey = (await File.ReadAllTextAsync(lab.Info.PublicKeyPath)).Trim();
        await PrepareAsync(host.Name, $"""
            mkdir -p /home/app/.ssh; echo '{publicKey}' > /home/app/.ssh/authorized_keys
            chown -R app:app /home/app/.ssh; chmod 700 /home/app/.ssh; chmod 600 /home/app/.ssh/authorized_keys
            """);
        // No ansible_user: it would win over remote_user, as in Ansible.
        var inventory = Write("login.yml", $"""
            all:
              hosts:
                {host.Name}:
                  ansible_host: {host.Address}
                  ansible_port: {host.Port}
                  ansible_ssh_private_key_file: {lab.Info.PrivateKeyPath}
            """);

        var report = await LabRun.RunAsync(lab, """
            - hosts: all
              remote_user: app
              gather_facts: false
              tasks:
                - command: id -un
            - hosts: all
              gather_facts: false
              tasks:
                - command: id -un
            """, inventoryPath: inventory);

        var result = Assert.Single(report.Hosts);
        Assert.True(result.Status == HostStatus.Changed, $"{result.Status}: {result.Error}");
        Assert.Equal(["app", "root"], result.Tasks.Select(t => t.Result["stdout"]));
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
