using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fleet.Core.Reports;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Cli;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;
using Xunit.Abstractions;

namespace Fleet.Integration.Tests.Differential;

/// <summary>
/// Issue 21's "done when": an inventory directory written for Ansible — group_vars/all with a file encrypted by ansible-vault and a
/// !vault value from encrypt_string, host_vars, a login user whose sudo password is vaulted, ansible_become_user, a bastion given as
/// ansible_ssh_common_args (a ProxyCommand through lab-01), a localhost entry with ansible_connection: local — and a playbook with
/// gathered facts, delegate_to: localhost, run_once, become_user and a hosts: localhost play, run by ansible-playbook on lab-03 and
/// by the fleet CLI on lab-04: the same task statuses, recap, host state and controller files, then the same no-op run; and no
/// secret (the vault password and plaintexts, the sudo password) in any output of either Fleet run.
/// </summary>
[Collection("lab")]
public sealed class AnsibleInventoryDifferentialTests(LabFixture lab, ITestOutputHelper output)
{
    private const string AnsibleHost = "lab-03";
    private const string FleetHost = "lab-04";
    private const string Bastion = "lab-01";
    private const string VaultPassword = "vault-pw-2208";
    private const string BecomePassword = "sudo-pw-4417";
    private const string DbPassword = "db-pw-9031";
    private const string Token = "tok-app-5526";

    /// <summary>Both hosts: sudo and setfacl (Ansible's become between two unprivileged users needs it), a login with a sudo password, the app user.</summary>
    private const string Setup = $"""
        (command -v sudo && command -v setfacl) >/dev/null 2>&1 || apt-get install -y -qq sudo acl >/dev/null 2>&1
        id fleetdeploy >/dev/null 2>&1 || useradd -m -s /bin/sh fleetdeploy
        id fleetapp >/dev/null 2>&1 || useradd -m -s /bin/sh fleetapp
        echo 'fleetdeploy:{BecomePassword}' | chpasswd
        install -d -m 700 -o fleetdeploy -g fleetdeploy /home/fleetdeploy/.ssh
        install -m 600 -o fleetdeploy -g fleetdeploy /root/.ssh/authorized_keys /home/fleetdeploy/.ssh/authorized_keys
        echo 'fleetdeploy ALL=(ALL:ALL) ALL' > /etc/sudoers.d/fleetdeploy; chmod 440 /etc/sudoers.d/fleetdeploy
        rm -rf /home/fleetapp/diff-* /home/fleetapp/.ansible /home/fleetdeploy/.ansible
        true
        """;

    private const string Cleanup = """
        rm -f /etc/sudoers.d/fleetdeploy
        userdel -r fleetdeploy >/dev/null 2>&1; userdel -r fleetapp >/dev/null 2>&1
        true
        """;

    private const string State = """
        stat -c '%n %U %G %a' /home/fleetapp/diff-facts /home/fleetapp/diff-token 2>&1
        cat /home/fleetapp/diff-facts 2>&1
        sha256sum < /home/fleetapp/diff-token | cut -c1-16
        true
        """;

    private const string Playbook = """
        - name: The app hosts, through the bastion, as the app user
          hosts: app
          become: true
          tasks:
            - name: The facts are the become user's
              copy:
                dest: /home/fleetapp/diff-facts
                content: "{{ ansible_user_id }} {{ ansible_env.HOME }}\n"
                mode: "0644"
            - name: The vaulted values reach the host
              copy:
                dest: /home/fleetapp/diff-token
                content: "token={{ app_token }} db={{ vault_db_password }}\n"
                mode: "0600"
            - name: Who runs a command
              command: id -un
              register: who
              changed_when: false
            - name: Once for the batch
              command: cat /etc/hostname
              run_once: true
              register: once
              changed_when: false
            - name: A note on the controller
              copy:
                dest: "{{ out }}/note"
                content: "{{ who.stdout }} {{ once.rc }} {{ app_port }}\n"
              delegate_to: localhost
              become: false

        - name: The controller
          hosts: localhost
          gather_facts: false
          tasks:
            - name: A summary on the controller
              copy:
                dest: "{{ out }}/summary"
                content: "{{ groups['app'] | length }} {{ hostvars[groups['app'][0]].app_port }}\n"
        """;

    [LabFact]
    public async Task AnsibleInventoryDirectory_RunsAsWithAnsible_ThenNoOp_AndNoSecretInAnyOutput()
    {
        var dir = Directory.CreateTempSubdirectory("fleet-ansible-inventory-").FullName;
        try
        {
            foreach (var host in new[] { AnsibleHost, FleetHost })
            {
                await LabRun.ExecAsync(lab, host, Setup);
            }

            var password = Write(dir, "vault-password", VaultPassword + "\n");
            var playbook = Write(dir, "site.yml", Playbook);
            var ansibleInventory = await InventoryAsync(dir, AnsibleHost, password);
            var fleetInventory = await InventoryAsync(dir, FleetHost, password);
            var ssh = SshWrapper(dir);
            var fleetOutputs = new List<string>();
            for (var run = 1; run <= 2; run++)
            {
                var what = run == 1 ? "first run" : "no-op run";
                Directory.CreateDirectory(Path.Combine(dir, $"out-{AnsibleHost}"));
                Directory.CreateDirectory(Path.Combine(dir, $"out-{FleetHost}"));
                var ansible = await RunAnsibleAsync(dir, playbook, ansibleInventory, password, ssh, run);
                var fleet = await RunFleetAsync(dir, playbook, fleetInventory, password, run, fleetOutputs);
                output.WriteLine($"{what}: ansible {ansible[AnsibleHost].Recap} / {ansible["localhost"].Recap}; Fleet {fleet[FleetHost].Recap} / {fleet["localhost"].Recap}");

                Assert.Equal(Lines(ansible[AnsibleHost].Tasks), Lines(fleet[FleetHost].Tasks));
                Assert.Equal(Lines(ansible["localhost"].Tasks), Lines(fleet["localhost"].Tasks));
                Assert.Equal(ansible[AnsibleHost].Recap, fleet[FleetHost].Recap);
                Assert.Equal(ansible["localhost"].Recap, fleet["localhost"].Recap);

                var ansibleState = await LabRun.ExecAsync(lab, AnsibleHost, State);
                var fleetState = await LabRun.ExecAsync(lab, FleetHost, State);
                Assert.True(ansibleState == fleetState, $"{what}: the hosts differ:\n{DifferentialHarness.LineDifferences(ansibleState, fleetState)}");
                foreach (var file in new[] { "note", "summary" })
                {
                    Assert.Equal(await File.ReadAllTextAsync(Path.Combine(dir, $"out-{AnsibleHost}", file)), await File.ReadAllTextAsync(Path.Combine(dir, $"out-{FleetHost}", file)));
                }

                if (run == 1)
                {
                    // Equal, and not vacuously: the facts and the files are the app user's, the vaulted values arrived, the note was written.
                    Assert.True(fleet[FleetHost].Recap.Changed > 0, "the first run changes the host");
                    Assert.Contains("/home/fleetapp/diff-facts fleetapp fleetapp 644", fleetState, StringComparison.Ordinal);
                    Assert.Contains("/home/fleetapp/diff-token fleetapp fleetapp 600", fleetState, StringComparison.Ordinal);
                    Assert.Contains("fleetapp /home/fleetapp\n", fleetState, StringComparison.Ordinal);
                    Assert.Contains(Sha256Prefix($"token={Token} db={DbPassword}\n"), fleetState, StringComparison.Ordinal);
                    Assert.Equal("fleetapp 0 8080\n", await File.ReadAllTextAsync(Path.Combine(dir, $"out-{FleetHost}", "note")));
                    Assert.Equal("1 8080\n", await File.ReadAllTextAsync(Path.Combine(dir, $"out-{FleetHost}", "summary")));
                }
                else
                {
                    Assert.Equal(0, ansible[AnsibleHost].Recap.Changed + ansible["localhost"].Recap.Changed);
                    Assert.Equal(0, fleet[FleetHost].Recap.Changed + fleet["localhost"].Recap.Changed);
                }
            }

            // Every output of both Fleet runs: stdout, stderr (with --diff and -v), the JSON report, the JUnit report, the debug log.
            Assert.Equal(2 * 5, fleetOutputs.Count);
            foreach (var secret in new[] { VaultPassword, BecomePassword, DbPassword, Token })
            {
                Assert.All(fleetOutputs, text => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
            }
        }
        finally
        {
            foreach (var host in new[] { AnsibleHost, FleetHost })
            {
                await LabRun.ExecAsync(lab, host, Cleanup);
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    private string Address(string host) => lab.Info.Hosts.Single(h => h.Name == host).Address;

    private static string Write(string dir, string name, string text)
    {
        var path = Path.Combine(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>The inventory directory as an Ansible user writes it, for <paramref name="host"/>; its secrets encrypted by ansible-vault itself.</summary>
    private async Task<string> InventoryAsync(string dir, string host, string password)
    {
        var inventory = Path.Combine(dir, "inventory-" + host);
        Write(inventory, "hosts.yml", $"""
            all:
              hosts:
                localhost:
                  ansible_connection: local
              children:
                bastion:
                  hosts:
                    {Bastion}:
                      ansible_host: {Address(Bastion)}
                      ansible_user: root
                app:
                  hosts:
                    {host}:
            """);
        Write(inventory, "group_vars/all/main.yml", $$$"""
            ansible_user: fleetdeploy
            ansible_ssh_private_key_file: {{{lab.Info.PrivateKeyPath}}}
            ansible_become_password: "{{ vault_become_password }}"
            ansible_python_interpreter: /usr/bin/python3
            """);
        var vaulted = Write(inventory, "group_vars/all/vault.yml", $"vault_become_password: {BecomePassword}\nvault_db_password: {DbPassword}\n");
        await AnsibleVaultAsync(dir, "encrypt", "--vault-password-file", password, vaulted);
        var token = await AnsibleVaultAsync(dir, "encrypt_string", "--vault-password-file", password, "--name", "app_token", Token);
        Write(inventory, "group_vars/app.yml", $"""
            ansible_become_user: fleetapp
            ansible_ssh_common_args: '-o ProxyCommand="ssh -W %h:%p -q root@{Bastion}"'
            {token.Trim()}
            """ + "\n");
        Write(inventory, $"host_vars/{host}.yml", $"ansible_host: {Address(host)}\napp_port: 8080\n");
        Assert.StartsWith("$ANSIBLE_VAULT;1.1;AES256", await File.ReadAllTextAsync(vaulted), StringComparison.Ordinal);
        return inventory;
    }

    private static async Task<string> AnsibleVaultAsync(string dir, params string[] arguments)
    {
        var start = new ProcessStartInfo("ansible-vault", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"ansible-vault {arguments[0]} failed: {await stderr}");
        return await stdout;
    }

    /// <summary>
    /// A directory to put first on ansible-playbook's PATH with an <c>ssh</c> that reads a config file naming the bastion's address,
    /// the lab's key and known_hosts: what an Ansible user's ~/.ssh/config gives the ProxyCommand's own ssh.
    /// </summary>
    private string SshWrapper(string dir)
    {
        var config = Write(dir, "ssh/config", $"""
            Host {Bastion}
              HostName {Address(Bastion)}
            Host *
              IdentityFile {lab.Info.PrivateKeyPath}
              IdentitiesOnly yes
              UserKnownHostsFile {lab.Info.KnownHostsPath}
              StrictHostKeyChecking yes
              BatchMode yes
            """);
        var wrapper = Write(dir, "ssh/bin/ssh", $"#!/bin/sh\nexec /usr/bin/ssh -F {config} \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return Path.GetDirectoryName(wrapper)!;
    }

    private static async Task<Dictionary<string, HostRecord>> RunAnsibleAsync(string dir, string playbook, string inventory, string password, string ssh, int run)
    {
        var start = new ProcessStartInfo("ansible-playbook", ["-i", inventory, "--vault-password-file", password, "-e", $"out={dir}/out-{AnsibleHost}", playbook])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dir,
        };
        start.Environment["ANSIBLE_STDOUT_CALLBACK"] = "ansible.posix.json";
        start.Environment["ANSIBLE_NOCOLOR"] = "1";
        start.Environment["ANSIBLE_RETRY_FILES_ENABLED"] = "0";
        start.Environment["PATH"] = ssh + ":" + Environment.GetEnvironmentVariable("PATH");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await stdout;
        Assert.True(process.ExitCode == 0, $"ansible-playbook exited {process.ExitCode}: {await stderr}\n{text}");
        using var json = JsonDocument.Parse(text);
        var hosts = new Dictionary<string, HostRecord>(StringComparer.Ordinal);
        var gathered = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var task in json.RootElement.GetProperty("plays").EnumerateArray().SelectMany(p => p.GetProperty("tasks").EnumerateArray()))
        {
            var name = task.GetProperty("task").GetProperty("name").GetString()!;
            foreach (var host in task.GetProperty("hosts").EnumerateObject())
            {
                if (name == "Gathering Facts")
                {
                    gathered[host.Name] = gathered.GetValueOrDefault(host.Name) + 1; // Fleet reads facts with its connect round trip: no task
                    continue;
                }

                bool Flag(string key) => host.Value.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.True;
                Of(hosts, host.Name).Tasks.Add((name, Flag("failed") ? "failed" : Flag("skipped") ? "skipped" : Flag("changed") ? "changed" : "ok"));
            }
        }

        foreach (var stats in json.RootElement.GetProperty("stats").EnumerateObject())
        {
            int Stat(string key) => stats.Value.GetProperty(key).GetInt32();
            Of(hosts, stats.Name).Recap = new Recap(Stat("ok") - gathered.GetValueOrDefault(stats.Name), Stat("changed"), Stat("failures"), Stat("skipped"), Stat("rescued"), Stat("ignored"));
        }

        return hosts;
    }

    /// <summary>Runs the fleet CLI as a user would, keeping every output it gives: stdout, stderr and each file it writes.</summary>
    private async Task<Dictionary<string, HostRecord>> RunFleetAsync(string dir, string playbook, string inventory, string password, int run, List<string> outputs)
    {
        var reports = Path.Combine(dir, $"fleet-reports-{run}");
        Directory.CreateDirectory(reports);
        var json = Path.Combine(reports, "run.json");
        var result = await FleetProcess.RunAsync(
            "apply", playbook, "-i", inventory, "--vault-password-file", password, "--known-hosts", lab.Info.KnownHostsPath, "-e", $"out={dir}/out-{FleetHost}",
            "--diff", "-v", "--no-progress", "--json", json, "--junit", Path.Combine(reports, "run.xml"), "--log-file", Path.Combine(reports, "run.log"));
        Assert.True(result.ExitCode == 0, $"fleet exited {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        outputs.Add(result.Stdout);
        outputs.Add(result.Stderr);
        foreach (var file in Directory.EnumerateFiles(reports, "*", SearchOption.AllDirectories))
        {
            outputs.Add(await File.ReadAllTextAsync(file));
        }

        var hosts = new Dictionary<string, HostRecord>(StringComparer.Ordinal);
        foreach (var host in JsonReportReader.Read(json).Hosts)
        {
            var entry = Of(hosts, host.Name);
            entry.Tasks.AddRange(host.Tasks.Select(t => (t.Name, t.Status.ToString().ToLowerInvariant())));
            entry.Recap = new Recap(host.Tasks.Count(t => t.Status is TaskOutcome.Ok or TaskOutcome.Changed), host.Count(TaskOutcome.Changed), host.Count(TaskOutcome.Failed), host.Count(TaskOutcome.Skipped), 0, 0);
        }

        return hosts;
    }

    private static HostRecord Of(Dictionary<string, HostRecord> hosts, string name) => hosts.TryGetValue(name, out var host) ? host : hosts[name] = new HostRecord();

    private static string Lines(IEnumerable<(string Name, string Status)> tasks) => string.Join('\n', tasks.Select(t => $"{t.Status,-8} {t.Name}"));

    private static string Sha256Prefix(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    /// <summary>One host's task statuses and recap in one run.</summary>
    private sealed class HostRecord
    {
        public List<(string Name, string Status)> Tasks { get; } = [];

        public Recap Recap { get; set; } = new(0, 0, 0, 0, 0, 0);
    }
}
