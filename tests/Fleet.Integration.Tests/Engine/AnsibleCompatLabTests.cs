using Fleet.Core.Results;
using Fleet.Integration.Tests.Lab;
using Fleet.Tests;

namespace Fleet.Integration.Tests.Engine;

/// <summary>
/// Ansible compatibility on the lab over real SSH: facts returned by package_facts and service_facts steer later tasks,
/// templates include and import other templates, apt_repository and apt_key manage their files (the update against the lab's
/// local repository), get_url fetches a file:// URL and fails fast and clearly on an unreachable one.
/// </summary>
[Collection("lab")]
public sealed class AnsibleCompatLabTests(LabFixture lab)
{
    private const string RepoKey = TestKeys.RepoKey;

    private const string Playbook = """
        - hosts: all
          tasks:
            - package_facts:
            - service_facts:
            - name: only where openssh-server is installed
              when: "'openssh-server' in ansible_facts.packages"
              copy:
                dest: /tmp/fleet-compat-facts
                content: "{{ packages['openssh-server'][0].version }} {{ ansible_facts.services['ssh'].state }}\n"
            - name: template with include and import
              template: { src: main.j2, dest: /tmp/fleet-compat-template }
            - apt_repository:
                repo: "deb [trusted=yes] file:/srv/fleet-apt/ ./"
                filename: fleet-compat
            - apt_key:
                keyring: /etc/apt/keyrings/fleet-compat.gpg
                data: "{{ repo_key }}"
            - name: a file to fetch
              copy: { dest: /tmp/fleet-compat-src, content: "payload\n" }
            - get_url:
                url: file:///tmp/fleet-compat-src
                dest: /tmp/fleet-compat-dl
                mode: "0600"
                checksum: "sha256:{{ 'payload\n' | hash('sha256') }}"
            - name: unreachable
              get_url: { url: "http://fleet-unreachable.invalid/x.tgz", dest: /tmp/fleet-compat-never, timeout: 5 }
              register: unreachable
              ignore_errors: true
            - assert:
                that:
                  - unreachable is failed
                  - "'http://fleet-unreachable.invalid/x.tgz' in unreachable.msg"
        """;

    private static readonly Dictionary<string, string> Files = new(StringComparer.Ordinal)
    {
        ["templates/main.j2"] = "{% from 'macros.j2' import kv %}{% include 'header.j2' %}{{ kv('Port', 22) }}\n",
        ["templates/header.j2"] = "# {{ inventory_hostname }}\n",
        ["templates/macros.j2"] = "{% macro kv(k, v) %}{{ k }} {{ v }}{% endmacro %}",
    };

    [LabFact]
    public async Task Facts_Templates_AptFiles_GetUrl_OnRealHosts_AndIdempotent()
    {
        var host = lab.Info.Hosts[0].Name;
        await LabRun.ExecAsync(lab, host, "rm -f /etc/apt/sources.list.d/fleet-compat.list /etc/apt/keyrings/fleet-compat.gpg /tmp/fleet-compat-*; touch /tmp/fleet-compat-marker");
        var playbook = Playbook.Replace("data: \"{{ repo_key }}\"", "data: |\n" + string.Join("\n", RepoKey.Split('\n').Select(l => "                  " + l)), StringComparison.Ordinal);

        var first = await LabRun.RunAsync(lab, playbook, Files);

        Assert.All(first.Hosts, h => Assert.True(h.Status is HostStatus.Changed, $"{h.Name}: {h.Status} {h.Error} {string.Join("; ", h.Tasks.Where(t => t.Status == TaskOutcome.Failed && !t.Ignored).Select(t => t.Name + ": " + t.Message))}"));
        var sshRunning = (await LabRun.ExecAsync(lab, host, "service ssh status >/dev/null 2>&1 && echo running || echo stopped")).Trim();
        var version = (await LabRun.ExecAsync(lab, host, "dpkg-query -W -f='${Version}' openssh-server")).Trim();
        Assert.Equal($"{version} {sshRunning}\n", await LabRun.ExecAsync(lab, host, "cat /tmp/fleet-compat-facts"));
        // An included template loses its last newline, as in Ansible (ansible-playbook 2.14 writes "# localhostPort 22\n" for these files).
        Assert.Equal($"# {host}Port 22\n", await LabRun.ExecAsync(lab, host, "cat /tmp/fleet-compat-template"));
        Assert.Equal("deb [trusted=yes] file:/srv/fleet-apt/ ./\n644\n", await LabRun.ExecAsync(lab, host, "cat /etc/apt/sources.list.d/fleet-compat.list; stat -c %a /etc/apt/sources.list.d/fleet-compat.list"));
        Assert.StartsWith("3c4663454e6241f6959c544c8d42a06927d4b3abe05029e86dd9fa7f3ae3cf62 ", await LabRun.ExecAsync(lab, host, "sha256sum /etc/apt/keyrings/fleet-compat.gpg"), StringComparison.Ordinal);
        Assert.Equal("payload\n600\n", await LabRun.ExecAsync(lab, host, "cat /tmp/fleet-compat-dl; stat -c %a /tmp/fleet-compat-dl"));
        Assert.Equal("absent\n", await LabRun.ExecAsync(lab, host, "[ -e /tmp/fleet-compat-never ] && echo present || echo absent"));
        var unreachable = first.Hosts[0].Tasks.Single(t => t.Name == "unreachable");
        Assert.True(unreachable.DurationMs < 8000, $"the unreachable URL took {unreachable.DurationMs} ms");

        var second = await LabRun.RunAsync(lab, playbook, Files);

        Assert.All(second.Hosts, h => Assert.Equal(0, h.Count(TaskOutcome.Changed)));

        var removed = await LabRun.RunAsync(lab, """
            - hosts: all
              tasks:
                - apt_repository: { repo: "deb [trusted=yes] file:/srv/fleet-apt/ ./", state: absent, update_cache: false }
                - apt_key: { keyring: /etc/apt/keyrings/fleet-compat.gpg, id: 8E692CC4600289AF, state: absent }
            """);

        Assert.All(removed.Hosts, h => Assert.Equal(2, h.Count(TaskOutcome.Changed)));
        Assert.Equal("absent\n", await LabRun.ExecAsync(lab, host, "[ -e /etc/apt/sources.list.d/fleet-compat.list ] || [ -e /etc/apt/keyrings/fleet-compat.gpg ] && echo present || echo absent"));
    }
}
