using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Modules;

/// <summary>
/// Module parameters Ansible has and public roles use, over real SSH on one lab host, each checked with the host's own tools:
/// backup_file in results, copy's follow/checksum/mode preserve, get_url's validate_certs, apt's deb and force, systemd's
/// daemon_reexec and async_status in free form.
/// </summary>
[Collection("lab")]
public sealed class ModuleParametersLabTests(LabFixture lab)
{
    private string Host => lab.Info.Hosts[0].Name;

    private async Task<HostResult> RunAsync(string tasks, string mode = "apply") => Assert.Single((await LabRun.RunAsync(lab, $"""
        - name: Module parameters
          hosts: all
          tasks:
        {tasks}
        """, new RunOptions { Limit = Host, Mode = mode })).Hosts);

    [LabFact]
    public async Task Backup_ResultNamesTheBackup_AndCopyFollowsChecksAndPreserves_ThenNoOp()
    {
        await LabRun.ExecAsync(lab, Host, "rm -rf /srv/fleet-params && mkdir -p /srv/fleet-params && cd /srv/fleet-params && printf 'old\\n' > backed.conf && printf 'a=1\\n' > lines.conf && printf 'target\\n' > real.conf && ln -s real.conf link.conf && printf '#!/bin/sh\\n' > src.sh && chmod 0750 src.sh");
        const string tasks = """
                - name: Copy with a backup
                  copy: { content: "new\n", dest: /srv/fleet-params/backed.conf, backup: true }
                  register: backed
                - name: Show the backup
                  debug: { msg: "{{ backed.backup_file | default('none') }}" }
                - name: lineinfile in key=value form, with a backup
                  lineinfile: path=/srv/fleet-params/lines.conf line=b=2 backup=true
                  register: lines
                - name: Show lineinfile's backup
                  debug: { msg: "{{ lines.backup | default('none') }}" }
                - name: Through the link
                  copy: { content: "through\n", dest: /srv/fleet-params/link.conf, follow: true }
                - name: Preserve the source's mode
                  copy: { src: /srv/fleet-params/src.sh, remote_src: true, dest: /srv/fleet-params/copy.sh, mode: preserve }
                - name: A wrong checksum
                  copy: { content: "x\n", dest: /srv/fleet-params/checked.conf, checksum: 0000000000000000000000000000000000000000 }
                  ignore_errors: true
            """;

        var first = await RunAsync(tasks);
        var backup = (string)first.Tasks[1].Result["msg"]!;
        var lineBackup = (string)first.Tasks[3].Result["msg"]!;
        var state = await LabRun.ExecAsync(lab, Host, $"cat '{backup}' '{lineBackup}'; cd /srv/fleet-params; readlink link.conf; cat real.conf; stat -c '%n %a' copy.sh; ls checked.conf 2>&1 | head -c 0; [ -e checked.conf ] || echo no-checked");
        var second = await RunAsync(tasks);

        Assert.Matches(@"^/srv/fleet-params/backed\.conf\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$", backup);
        Assert.Matches(@"^/srv/fleet-params/lines\.conf\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$", lineBackup);
        Assert.Equal("old\na=1\nreal.conf\nthrough\ncopy.sh 750\nno-checked\n", state);
        Assert.Equal(TaskOutcome.Failed, first.Tasks[6].Status);
        Assert.Equal("Copied file does not match the expected checksum. Transfer failed.", first.Tasks[6].Message);
        Assert.Equal("none", second.Tasks[1].Result["msg"]);
        Assert.Equal(0, second.Count(TaskOutcome.Changed));
        await LabRun.ExecAsync(lab, Host, "rm -rf /srv/fleet-params");
    }

    [LabFact]
    public async Task GetUrl_SelfSignedServer_FailsTheCertificateCheck_UnlessValidateCertsIsFalse()
    {
        await LabRun.ExecAsync(lab, Host, """
            rm -rf /srv/fleet-tls && mkdir -p /srv/fleet-tls && cd /srv/fleet-tls && printf 'payload\n' > payload.txt
            openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=fleet-lab -keyout key.pem -out cert.pem -days 1 >/dev/null 2>&1
            setsid openssl s_server -quiet -WWW -accept 127.0.0.1:18443 -cert cert.pem -key key.pem </dev/null >/dev/null 2>&1 & echo $! > server.pid
            i=0; while ! (exec 3<>/dev/tcp/127.0.0.1/18443) 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
            """);
        try
        {
            var checkedRun = await RunAsync("""
                    - get_url: { url: "https://127.0.0.1:18443/payload.txt", dest: /srv/fleet-tls/checked.txt }
                      ignore_errors: true
                    - get_url: url=https://127.0.0.1:18443/payload.txt dest=/srv/fleet-tls/fetched.txt validate_certs=false
                """);
            var files = await LabRun.ExecAsync(lab, Host, "cd /srv/fleet-tls; [ -e checked.txt ] || echo no-checked; cat fetched.txt");

            Assert.Equal(TaskOutcome.Failed, checkedRun.Tasks[0].Status);
            Assert.True(checkedRun.Tasks[0].Message!.Contains("certificate", StringComparison.OrdinalIgnoreCase), checkedRun.Tasks[0].Message);
            Assert.True(checkedRun.Tasks[1].Status == TaskOutcome.Changed, checkedRun.Tasks[1].Message);
            Assert.Equal("no-checked\npayload\n", files);
        }
        finally
        {
            await LabRun.ExecAsync(lab, Host, "kill $(cat /srv/fleet-tls/server.pid) 2>/dev/null; rm -rf /srv/fleet-tls; true");
        }
    }

    [LabFact]
    public async Task AptDeb_InstallsAFileOnTheHost_ThenNoOp_ThenALowerVersionNeedsForce_CheckedWithDpkgQuery()
    {
        const string build = """
            for v in 1.0-1 0.9-1; do
              rm -rf /srv/fleet-deb/pkg && mkdir -p /srv/fleet-deb/pkg/DEBIAN
              printf 'Package: fleet-lab-deb\nVersion: %s\nArchitecture: all\nMaintainer: Fleet <fleet@example.org>\nDescription: test\n' "$v" > /srv/fleet-deb/pkg/DEBIAN/control
              dpkg-deb --root-owner-group -b /srv/fleet-deb/pkg "/srv/fleet-deb/fleet-lab-deb_${v}_all.deb" >/dev/null
            done
            """;
        await LabRun.ExecAsync(lab, Host, "dpkg -P fleet-lab-deb >/dev/null 2>&1; rm -rf /srv/fleet-deb; " + build);
        const string Version = "dpkg-query -W -f='${Version} ${db:Status-Status}\\n' fleet-lab-deb";
        try
        {
            var install = await RunAsync("""
                    - apt: { deb: /srv/fleet-deb/fleet-lab-deb_1.0-1_all.deb }
                """);
            var installed = await LabRun.ExecAsync(lab, Host, Version);
            var again = await RunAsync("""
                    - apt: { deb: /srv/fleet-deb/fleet-lab-deb_1.0-1_all.deb }
                    - apt: { deb: "file:///srv/fleet-deb/fleet-lab-deb_1.0-1_all.deb" }
                    - apt: { deb: /srv/fleet-deb/fleet-lab-deb_0.9-1_all.deb }
                      ignore_errors: true
                """);
            var forced = await RunAsync("""
                    - apt: { deb: /srv/fleet-deb/fleet-lab-deb_0.9-1_all.deb, force: true }
                """);
            var downgraded = await LabRun.ExecAsync(lab, Host, Version);

            Assert.True(install.Tasks[0].Status == TaskOutcome.Changed, install.Tasks[0].Message);
            Assert.Equal("1.0-1 installed\n", installed);
            Assert.Equal([TaskOutcome.Ok, TaskOutcome.Ok, TaskOutcome.Failed], again.Tasks.Select(t => t.Status));
            Assert.Equal("A later version is already installed", again.Tasks[2].Message);
            Assert.True(forced.Tasks[0].Status == TaskOutcome.Changed, forced.Tasks[0].Message);
            Assert.Equal("0.9-1 installed\n", downgraded);
        }
        finally
        {
            await LabRun.ExecAsync(lab, Host, "dpkg -P fleet-lab-deb >/dev/null 2>&1; rm -rf /srv/fleet-deb; true");
        }
    }

    [LabFact]
    public async Task SystemdDaemonReexec_FailsWithoutSystemdAsAnsible_AndAsyncStatusTakesFreeForm()
    {
        var host = await RunAsync("""
                - systemd: daemon_reexec=true
                  ignore_errors: true
                - command: sleep 1
                  async: 30
                  poll: 0
                  register: job
                - async_status: "jid={{ job.ansible_job_id }}"
                  register: status
                  until: status.finished
                  retries: 30
                  delay: 1
            """);

        Assert.Equal(TaskOutcome.Failed, host.Tasks[0].Status);
        Assert.StartsWith("failure 1 during daemon-reexec: System has not been booted with systemd", host.Tasks[0].Message, StringComparison.Ordinal);
        Assert.Equal(1L, host.Tasks[2].Result["finished"]);
    }
}
