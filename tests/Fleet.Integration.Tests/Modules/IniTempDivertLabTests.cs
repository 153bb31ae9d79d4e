using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Modules;

/// <summary>
/// ini_file, tempfile and dpkg_divert over real SSH on one lab host, checked with the host's cat, stat, ls and dpkg-divert --list;
/// check mode first changes nothing (tempfile skips, as Ansible's has no check mode); a second run changes nothing but the new
/// temporary files (tempfile is always changed, as in Ansible).
/// </summary>
[Collection("lab")]
public sealed class IniTempDivertLabTests(LabFixture lab)
{
    private const string Ini = "/etc/fleet-labtest/app.ini";
    private const string Diverted = "/etc/fleet-labtest.conf";
    private const string Temp = "/srv/fleet-tempfile";

    private string Host => lab.Info.Hosts[0].Name;

    private const string Tasks = $$"""
        - name: Ini, tempfile, divert
          hosts: all
          tasks:
            - name: Port
              community.general.ini_file: { path: {{Ini}}, section: db, option: port, value: "5432", mode: "0640" }
            - name: Bare option
              ini_file: { dest: {{Ini}}, section: mysqld, key: skip-name-resolve, allow_no_value: true }
            - name: Old option gone
              ini_file: { path: {{Ini}}, section: db, option: old, state: absent }
            - name: Temporary file
              tempfile: { path: {{Temp}}, prefix: "run.", suffix: .tmp }
              register: scratch
            - name: Temporary directory
              ansible.builtin.tempfile: { state: directory, path: {{Temp}} }
            - name: Divert
              community.general.dpkg_divert: { path: {{Diverted}}, rename: true }
        """;

    [LabFact]
    public async Task Apply_ThreeModules_VerifiedWithHostTools_SecondRunOnlyTempfileChanges()
    {
        await LabRun.ExecAsync(lab, Host, $"dpkg-divert --rename --remove {Diverted} >/dev/null 2>&1; rm -rf /etc/fleet-labtest {Temp} {Diverted}.distrib; mkdir -p /etc/fleet-labtest {Temp}; "
            + $"printf '[db]\\nhost = localhost\\nold = 1\\n;port = 1\\n' > {Ini}; echo original > {Diverted}");
        try
        {
            var check = Assert.Single((await LabRun.RunAsync(lab, Tasks, new RunOptions { Limit = Host, Mode = "check" })).Hosts);

            Assert.Equal([TaskOutcome.Changed, TaskOutcome.Changed, TaskOutcome.Changed, TaskOutcome.Skipped, TaskOutcome.Skipped, TaskOutcome.Changed], check.Tasks.Select(t => t.Status));
            Assert.Equal("[db]\nhost = localhost\nold = 1\n;port = 1\n", await LabRun.ExecAsync(lab, Host, $"cat {Ini}"));
            Assert.Equal("", await LabRun.ExecAsync(lab, Host, $"dpkg-divert --list {Diverted}; ls {Temp}"));

            var first = Assert.Single((await LabRun.RunAsync(lab, Tasks, new RunOptions { Limit = Host })).Hosts);

            Assert.True(first.Status == HostStatus.Changed, $"{first.Status}: {first.Error}");
            Assert.Equal(6, first.Count(TaskOutcome.Changed));
            Assert.Equal("[db]\nhost = localhost\nport = 5432\n[mysqld]\nskip-name-resolve\n", await LabRun.ExecAsync(lab, Host, $"cat {Ini}"));
            Assert.Equal("640\n", await LabRun.ExecAsync(lab, Host, $"stat -c %a {Ini}"));
            var scratch = (string)first.Tasks.Single(t => t.Name == "Temporary file").Result["path"]!;
            Assert.Matches($"^{Temp}/run\\.[A-Za-z0-9]{{8}}\\.tmp$", scratch);
            Assert.Equal($"{scratch} 600 regular empty file\n", await LabRun.ExecAsync(lab, Host, $"stat -c '%n %a %F' {scratch}"));
            Assert.Matches("^ansible\\.[A-Za-z0-9]{8}\\nrun\\.[A-Za-z0-9]{8}\\.tmp\\n$", await LabRun.ExecAsync(lab, Host, $"ls {Temp}"));
            Assert.Equal($"local diversion of {Diverted} to {Diverted}.distrib\n", await LabRun.ExecAsync(lab, Host, $"dpkg-divert --list {Diverted}"));
            Assert.Equal("original\n", await LabRun.ExecAsync(lab, Host, $"cat {Diverted}.distrib; test ! -e {Diverted}"));

            var second = Assert.Single((await LabRun.RunAsync(lab, Tasks, new RunOptions { Limit = Host })).Hosts);

            Assert.Equal(["Temporary file", "Temporary directory"], second.Tasks.Where(t => t.Status == TaskOutcome.Changed).Select(t => t.Name));
            Assert.Equal("4\n", await LabRun.ExecAsync(lab, Host, $"ls {Temp} | wc -l"));
            Assert.Equal("[db]\nhost = localhost\nport = 5432\n[mysqld]\nskip-name-resolve\n", await LabRun.ExecAsync(lab, Host, $"cat {Ini}"));
        }
        finally
        {
            await LabRun.ExecAsync(lab, Host, $"dpkg-divert --rename --remove {Diverted} >/dev/null 2>&1; rm -rf /etc/fleet-labtest {Temp} {Diverted} {Diverted}.distrib");
        }
    }
}
