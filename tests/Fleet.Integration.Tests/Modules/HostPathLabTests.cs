using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Modules;

/// <summary>
/// <c>~</c>, <c>~user</c> and <c>$VAR</c> in host-path parameters expand on the host as Ansible's modules do, as the effective user:
/// root's <c>~/.ssh/authorized_keys</c> is found by <c>stat</c>, <c>$HOME</c> under <c>become_user</c> is that user's home, an unset
/// variable and an unknown user stay as written; checked with the host's own stat.
/// </summary>
[Collection("lab")]
public sealed class HostPathLabTests(LabFixture lab)
{
    private const string User = "fleettilde";

    private string Host => lab.Info.Hosts[0].Name;

    private const string Tasks = $$"""
        - name: Host paths
          hosts: all
          tasks:
            - name: Keys
              stat: { path: "~/.ssh/authorized_keys" }
              register: keys
            - name: Marker when the keys exist
              file: { path: "$HOME/fleet-tilde-root", state: touch, modification_time: preserve, access_time: preserve }
              when: keys.stat.exists
            - name: As the user
              file: { path: "${HOME}/fleet-tilde-user", state: touch, modification_time: preserve, access_time: preserve }
              become: true
              become_user: {{User}}
            - name: In the user's home
              copy: { dest: "~{{User}}/fleet-tilde-copy", content: "by root\n" }
            - name: Task environment
              file: { path: "$FLEET_TILDE_DIR/env", state: touch, modification_time: preserve, access_time: preserve }
              environment: { FLEET_TILDE_DIR: /tmp }
            - name: Unset variable
              stat: { path: "$FLEET_TILDE_UNSET/x" }
              register: unset
            - name: Unknown user
              stat: { path: "~fleet-no-such-user/x" }
              register: unknown
        """;

    [LabFact]
    public async Task Apply_TildeAndVariables_ExpandOnTheHostAsTheEffectiveUser()
    {
        await LabRun.ExecAsync(lab, Host, $"""
            command -v sudo >/dev/null || apt-get install -y -qq sudo >/dev/null 2>&1
            id {User} >/dev/null 2>&1 || useradd -m -s /bin/sh {User}
            mkdir -p /root/.ssh; test -e /root/.ssh/authorized_keys || : > /root/.ssh/authorized_keys
            rm -f /root/fleet-tilde-root /home/{User}/fleet-tilde-user /home/{User}/fleet-tilde-copy /tmp/env
            """);
        try
        {
            var first = Assert.Single((await LabRun.RunAsync(lab, Tasks, new RunOptions { Limit = Host })).Hosts);

            Assert.True(first.Status == HostStatus.Changed, $"{first.Status}: {first.Error} {string.Join("; ", first.Tasks.Select(t => t.Message))}");
            var stat = (IReadOnlyDictionary<string, object?>)first.Tasks[0].Result["stat"]!;
            Assert.Equal(true, stat["exists"]);
            Assert.Equal("/root/.ssh/authorized_keys", stat["path"]);
            Assert.Equal(TaskOutcome.Changed, first.Tasks[1].Status);
            Assert.Equal("root\n", await LabRun.ExecAsync(lab, Host, "stat -c %U /root/fleet-tilde-root"));
            Assert.Equal($"{User}\n", await LabRun.ExecAsync(lab, Host, $"stat -c %U /home/{User}/fleet-tilde-user"));
            Assert.Equal("root by root\n", await LabRun.ExecAsync(lab, Host, $"printf '%s ' $(stat -c %U /home/{User}/fleet-tilde-copy); cat /home/{User}/fleet-tilde-copy"));
            Assert.Equal("root\n", await LabRun.ExecAsync(lab, Host, "stat -c %U /tmp/env"));
            Assert.Equal(false, ((IReadOnlyDictionary<string, object?>)first.Tasks[5].Result["stat"]!)["exists"]);
            Assert.Contains("$FLEET_TILDE_UNSET/x", first.Tasks[5].Message, StringComparison.Ordinal);
            Assert.Contains("~fleet-no-such-user/x", first.Tasks[6].Message, StringComparison.Ordinal);

            var second = Assert.Single((await LabRun.RunAsync(lab, Tasks, new RunOptions { Limit = Host })).Hosts);

            Assert.Equal(0, second.Count(TaskOutcome.Changed));
        }
        finally
        {
            await LabRun.ExecAsync(lab, Host, $"rm -f /root/fleet-tilde-root /home/{User}/fleet-tilde-user /home/{User}/fleet-tilde-copy /tmp/env");
        }
    }

    [LabFact]
    public async Task Apply_RemoteSrc_ExpandsTildeAndVariablesOnTheHost()
    {
        const string Play = """
            - name: Remote sources
              hosts: all
              tasks:
                - name: Copy from root's home
                  copy: { src: "~/fleet-remote-src.txt", dest: /tmp/fleet-remote-copy.txt, remote_src: true }
                - name: Unpack from $HOME
                  unarchive: { src: "$HOME/fleet-remote-src.tar", dest: /tmp/fleet-remote-tree, remote_src: true }
            """;
        await LabRun.ExecAsync(lab, Host, """
            rm -rf /tmp/fleet-remote-copy.txt /tmp/fleet-remote-tree; mkdir -p /tmp/fleet-remote-tree /tmp/fleet-remote-in
            printf 'from root home\n' > /root/fleet-remote-src.txt; printf 'packed\n' > /tmp/fleet-remote-in/member.txt
            tar -C /tmp/fleet-remote-in -cf /root/fleet-remote-src.tar member.txt
            """);
        try
        {
            var first = Assert.Single((await LabRun.RunAsync(lab, Play, new RunOptions { Limit = Host })).Hosts);

            Assert.True(first.Status == HostStatus.Changed, $"{first.Status}: {first.Error} {string.Join("; ", first.Tasks.Select(t => t.Message))}");
            Assert.Equal("from root home\npacked\n", await LabRun.ExecAsync(lab, Host, "cat /tmp/fleet-remote-copy.txt /tmp/fleet-remote-tree/member.txt"));

            var second = Assert.Single((await LabRun.RunAsync(lab, Play, new RunOptions { Limit = Host })).Hosts);

            Assert.Equal(0, second.Count(TaskOutcome.Changed));
        }
        finally
        {
            await LabRun.ExecAsync(lab, Host, "rm -rf /root/fleet-remote-src.txt /root/fleet-remote-src.tar /tmp/fleet-remote-copy.txt /tmp/fleet-remote-tree /tmp/fleet-remote-in");
        }
    }
}
