using System.Security.Cryptography;
using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;
using Fleet.Ssh;

namespace Fleet.Integration.Tests.Modules;

/// <summary>
/// user, group and authorized_key over real SSH: the accounts are checked with getent/stat on the host, the key by logging in as
/// the new user; a second run is changed=0. Every test uses its own random names and removes what it created.
/// </summary>
[Collection("lab")]
public sealed class UserLabTests(LabFixture lab)
{
    /// <summary>"correct horse" hashed with SHA-512 crypt and a fixed salt (openssl passwd -6 -salt fleetsalt).</summary>
    private const string Hash = "$6$fleetsalt$UQJM/G.2VxdBTPg8aIJBBZ..kFrsVtjpUkRXo6OCg.Uc0aG7XEvvKeRSXGk8DCdmgIjAFeStRI.UUjC96lgfh/";

    private static string UniqueName(string prefix) => prefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant();

    private Task<string> Exec(string command) => LabRun.ExecAsync(lab, lab.Info.Hosts[0].Name, command);

    [LabFact]
    public async Task UserWithKey_LogsInOverSsh_SecondRunOk_ThenAbsentRemovesIt()
    {
        var name = UniqueName("fk");
        var present = $$$"""
            - name: Admin
              hosts: all
              tasks:
                - name: Admin user
                  user: { name: {{{name}}}, shell: /bin/bash, groups: [sudo], create_home: true, comment: Fleet test }
                - name: Admin key
                  authorized_key: { user: {{{name}}}, key_file: "{{ admin_public_key }}" }
            """;

        try
        {
            // Check mode on hosts without the user: drift, and nothing created.
            var check = await LabRun.RunAsync(lab, present, new RunOptions { Mode = "check" });
            Assert.Equal(ExitCodes.Drift, check.ExitCode);
            Assert.Equal("missing\n", await Exec($"getent passwd {name} || echo missing"));

            var first = await LabRun.RunAsync(lab, present);

            Assert.All(first.Hosts, h => Assert.True(h.Status == HostStatus.Changed && h.Count(TaskOutcome.Changed) == 2, $"{h.Name}: {h.Status} {h.Error}"));
            Assert.Equal($"{name}:x:/home/{name}:/bin/bash:Fleet test\n", await Exec($"getent passwd {name} | awk -F: '{{print $1\":x:\"$6\":\"$7\":\"$5}}'"));
            Assert.Equal($"{name} sudo\n", await Exec($"id -nG {name}"));
            Assert.Equal($"700 {name}\n600 {name}\n", await Exec($"stat -c '%a %U' /home/{name}/.ssh /home/{name}/.ssh/authorized_keys"));
            Assert.Equal(File.ReadAllText(lab.Info.PublicKeyPath).Trim() + "\n", await Exec($"cat /home/{name}/.ssh/authorized_keys"));

            // The key really works: the lab's private key logs in as the new user.
            foreach (var host in lab.Info.Hosts)
            {
                Assert.Equal(name, await LoginAsync(host, name));
            }

            var second = await LabRun.RunAsync(lab, present);
            Assert.All(second.Hosts, h => Assert.True(h.Status == HostStatus.Ok && h.Count(TaskOutcome.Changed) == 0, $"{h.Name}: {h.Status} {string.Join("; ", h.Tasks.SelectMany(t => t.Changes))}"));
            Assert.Equal(ExitCodes.Success, (await LabRun.RunAsync(lab, present, new RunOptions { Mode = "check" })).ExitCode);

            // A wrong mode on an otherwise correct file is drift, repaired on one host only.
            await Exec($"chmod 0644 /home/{name}/.ssh/authorized_keys; chmod 0755 /home/{name}/.ssh");
            var repair = await LabRun.RunAsync(lab, present);
            var repaired = repair.Hosts.Single(h => h.Name == lab.Info.Hosts[0].Name);
            Assert.Equal([$"/home/{name}/.ssh mode 0755 → 0700", $"/home/{name}/.ssh/authorized_keys mode 0644 → 0600"], repaired.Tasks.Single(t => t.Module == "authorized_key").Changes);
            Assert.All(repair.Hosts.Where(h => h != repaired), h => Assert.Equal(0, h.Count(TaskOutcome.Changed)));
            Assert.Equal("700\n600\n", await Exec($"stat -c %a /home/{name}/.ssh /home/{name}/.ssh/authorized_keys"));

            var removeKey = $$$"""
                - name: Key off
                  hosts: all
                  tasks:
                    - name: Admin key
                      authorized_key: { user: {{{name}}}, key_file: "{{ admin_public_key }}", state: absent }
                """;
            var removed = await LabRun.RunAsync(lab, removeKey);
            Assert.All(removed.Hosts, h => Assert.Equal(1, h.Count(TaskOutcome.Changed)));
            Assert.Equal("", await Exec($"cat /home/{name}/.ssh/authorized_keys"));
            await Assert.ThrowsAsync<HostUnreachableException>(() => LoginAsync(lab.Info.Hosts[0], name));
            Assert.All((await LabRun.RunAsync(lab, removeKey)).Hosts, h => Assert.Equal(0, h.Count(TaskOutcome.Changed)));

            var removeUser = $$$"""
                - name: User off
                  hosts: all
                  tasks:
                    - name: Admin user
                      user: { name: {{{name}}}, state: absent, remove: true }
                """;
            Assert.All((await LabRun.RunAsync(lab, removeUser)).Hosts, h => Assert.True(h.Count(TaskOutcome.Changed) == 1, $"{h.Name}: {h.Status} {h.Error}"));
            Assert.Equal("missing\nno home\n", await Exec($"getent passwd {name} || echo missing; [ -e /home/{name} ] || echo no home"));
            Assert.All((await LabRun.RunAsync(lab, removeUser)).Hosts, h => Assert.Equal(0, h.Count(TaskOutcome.Changed)));
        }
        finally
        {
            foreach (var host in lab.Info.Hosts)
            {
                await LabRun.ExecAsync(lab, host.Name, $"userdel -r {name} 2>/dev/null; true");
            }
        }
    }

    [LabFact]
    public async Task GroupAndPassword_ChangedOnce_ThenOk_AndGidChange()
    {
        var group = UniqueName("fg");
        var user = UniqueName("fu");
        string Playbook(int gid) => $$"""
            - name: Accounts
              hosts: all
              tasks:
                - name: Team group
                  group: { name: {{group}}, gid: {{gid}} }
                - name: Service user
                  user: { name: {{user}}, group: {{group}}, groups: [adm], append: true, password: '{{Hash}}', create_home: false, system: true, shell: /usr/sbin/nologin }
            """;

        try
        {
            var first = await LabRun.RunAsync(lab, Playbook(47_311));
            Assert.All(first.Hosts, h => Assert.True(h.Count(TaskOutcome.Changed) == 2, $"{h.Name}: {h.Status} {h.Error}"));
            Assert.Equal($"{group}:x:47311:adm\n{Hash}\n", await Exec($"getent group {group} | cut -d: -f1-3 | tr '\\n' ':'; id -nG {user} | tr ' ' '\\n' | grep -x adm; getent shadow {user} | cut -d: -f2"));
            Assert.Equal("no home\n", await Exec($"[ -e /home/{user} ] || echo no home"));

            var second = await LabRun.RunAsync(lab, Playbook(47_311));
            Assert.All(second.Hosts, h => Assert.True(h.Count(TaskOutcome.Changed) == 0, $"{h.Name}: {string.Join("; ", h.Tasks.SelectMany(t => t.Changes))}"));

            var moved = await LabRun.RunAsync(lab, Playbook(47_312));
            Assert.All(moved.Hosts, h => Assert.Equal([$"group {group}: gid 47311 → 47312"], h.Tasks.Single(t => t.Module == "group").Changes));
            Assert.Equal("47312 47312\n", await Exec($"echo $(getent group {group} | cut -d: -f3) $(id -g {user})"));
            Assert.All((await LabRun.RunAsync(lab, Playbook(47_312))).Hosts, h => Assert.Equal(0, h.Count(TaskOutcome.Changed)));
        }
        finally
        {
            await LabRun.RunAsync(lab, $$"""
                - name: Clean up
                  hosts: all
                  tasks:
                    - name: User off
                      user: { name: {{user}}, state: absent }
                    - name: Group off
                      group: { name: {{group}}, state: absent }
                """);
        }

        Assert.Equal("gone\n", await Exec($"getent group {group} || getent passwd {user} || echo gone"));
    }

    [LabFact]
    public async Task PasswordAging_FromTemplatedStrings_SetOnce_ThenOnlyTheDriftedField()
    {
        var user = UniqueName("fa");
        var playbook = $$$"""
            - name: Ageing
              hosts: all
              vars: { min_age: "7", max_age: "60", warn_age: "14" }
              tasks:
                - name: Aged user
                  user: { name: {{{user}}}, create_home: false, password_expire_min: "{{ min_age }}", password_expire_max: "{{ max_age }}", password_expire_warn: "{{ warn_age }}" }
            """;

        try
        {
            var first = await LabRun.RunAsync(lab, playbook);
            Assert.All(first.Hosts, h => Assert.True(h.Count(TaskOutcome.Changed) == 1, $"{h.Name}: {h.Status} {h.Error}"));
            Assert.Equal("7:60:14\n", await Exec($"getent shadow {user} | cut -d: -f4-6"));
            Assert.All((await LabRun.RunAsync(lab, playbook)).Hosts, h => Assert.Equal(0, h.Count(TaskOutcome.Changed)));

            await Exec($"chage -M 99999 {user}");
            var repair = await LabRun.RunAsync(lab, playbook);
            var repaired = repair.Hosts.Single(h => h.Name == lab.Info.Hosts[0].Name);
            Assert.Equal([$"user {user}: password max age 99999 → 60"], repaired.Tasks.Single(t => t.Module == "user").Changes);
            Assert.Equal("7:60:14\n", await Exec($"getent shadow {user} | cut -d: -f4-6"));
        }
        finally
        {
            foreach (var host in lab.Info.Hosts)
            {
                await LabRun.ExecAsync(lab, host.Name, $"userdel {user} 2>/dev/null; true");
            }
        }
    }

    /// <summary>Logs in as <paramref name="user"/> with the lab's private key and returns what <c>id -un</c> says.</summary>
    private async Task<string> LoginAsync(Fleet.Lab.LabHost host, string user)
    {
        var connector = new SshConnector(new SshOptions { KnownHostsPath = lab.Info.KnownHostsPath, HostKeyPolicy = HostKeyPolicy.Strict, ConnectAttempts = 1 });
        await using var connection = await connector.ConnectAsync(new HostTarget(host.Name, host.Address, host.Port, user, lab.Info.PrivateKeyPath), CancellationToken.None);
        var result = await connection.RunAsync(new RemoteCommand("id -un"), CancellationToken.None);
        return result.Stdout.Trim();
    }
}
