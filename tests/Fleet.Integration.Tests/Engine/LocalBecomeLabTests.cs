using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Engine;

/// <summary>
/// <c>become_user</c> on the controller (<c>ansible_connection: local</c>), as Ansible's local connection runs it through sudo:
/// fleet itself runs inside a lab host as a created user whose sudo asks for a password, and becomes another created user. The
/// host's own tools read who owns what the run wrote; no output of the run shows the password.
/// </summary>
[Collection("lab")]
public sealed class LocalBecomeLabTests(LabFixture lab)
{
    private const string Password = "Fleet-local-sudo-pw-8812";

    private static readonly string Inventory = $"""
        all:
          hosts:
            localhost:
              ansible_connection: local
              ansible_become_password: {Password}
        """;

    private const string Playbook = """
        - hosts: localhost
          become: true
          become_user: fleetsvc
          tasks:
            - name: Who runs the command
              command: id -un
              register: who
              changed_when: false
            - name: A file as the service user
              copy:
                dest: /tmp/fleet-local-become-file
                content: "{{ who.stdout }} {{ ansible_user_id }} {{ ansible_user_dir }} {{ ansible_env.HOME }}\n"
                mode: "0644"
            - name: Show the password variable
              debug: { msg: "password {{ ansible_become_password }}" }
        """;

    [LabFact]
    public async Task BecomeUser_OnTheController_AsACreatedUserWithASudoPassword_RunsAsTheOtherUser()
    {
        var host = lab.Info.Hosts[2].Name;
        var fleet = Path.Combine(AppContext.BaseDirectory, "fleet.dll");
        try
        {
            var run = await LabRun.ExecAsync(lab, host, $"""
                set -e
                command -v sudo >/dev/null || apt-get install -y -qq sudo >/dev/null 2>&1
                id fleetctl >/dev/null 2>&1 || useradd -m -s /bin/sh fleetctl
                id fleetsvc >/dev/null 2>&1 || useradd -m -s /bin/sh fleetsvc
                echo 'fleetctl:{Password}' | chpasswd
                echo 'fleetctl ALL=(ALL:ALL) ALL' > /etc/sudoers.d/fleetctl; chmod 440 /etc/sudoers.d/fleetctl
                d=/home/fleetctl/run; rm -rf "$d" /tmp/fleet-local-become-file; mkdir -p "$d"
                cat > "$d/inventory.yml" <<'EOF'
                {Inventory}
                EOF
                cat > "$d/playbook.yml" <<'EOF'
                {Playbook}
                EOF
                chown -R fleetctl:fleetctl "$d"
                cd "$d"
                rc=0
                runuser -u fleetctl -- env HOME=/home/fleetctl NO_COLOR=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet {fleet} apply playbook.yml -i inventory.yml --no-progress -v --json report.json >out.txt 2>err.txt || rc=$?
                echo "exit $rc"
                """);
            var outputs = await LabRun.ExecAsync(lab, host, "cd /home/fleetctl/run && cat out.txt err.txt report.json");

            Assert.True(run.Contains("exit 0", StringComparison.Ordinal), run + outputs);
            Assert.Equal("fleetsvc fleetsvc 644\nfleetsvc fleetsvc /home/fleetsvc /home/fleetsvc\n", await LabRun.ExecAsync(lab, host, "stat -c '%U %G %a' /tmp/fleet-local-become-file; cat /tmp/fleet-local-become-file"));
            Assert.Contains("password ********", outputs, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, outputs, StringComparison.Ordinal);
        }
        finally
        {
            await LabRun.ExecAsync(lab, host, """
                rm -f /etc/sudoers.d/fleetctl /tmp/fleet-local-become-file
                userdel -r fleetctl >/dev/null 2>&1; userdel -r fleetsvc >/dev/null 2>&1
                true
                """);
        }
    }
}
