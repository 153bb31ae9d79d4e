using Fleet.Core.Execution;
using Fleet.Core.Reports;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;
using Fleet.Tests;

namespace Fleet.Integration.Tests.Ssh;

/// <summary>
/// password_env (password login, for a first key install) and become_password_env (sudo -S) from the inventory, over real sshd and
/// sudo on a lab host; the password never reaches the report.
/// </summary>
[Collection("lab")]
public sealed class PasswordLabTests(LabFixture lab) : IDisposable
{
    private const string Password = "Fleet-test-pw-7319";
    private const string EnvName = "FLEET_TEST_OPS_PASSWORD";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-password-test-");

    [LabFact]
    public async Task PasswordLoginAndSudoPassword_FromEnvironment_RunAsRoot()
    {
        var host = lab.Info.Hosts[3];
        // A user with a password, sudo that asks for it, and sshd that accepts passwords for that user only.
        await LabRun.ExecAsync(lab, host.Name, $"""
            set -e
            apt-get install -y -qq sudo >/dev/null 2>&1
            id ops >/dev/null 2>&1 || useradd -m -s /bin/sh ops
            echo 'ops:{Password}' | chpasswd
            echo 'ops ALL=(ALL) ALL' > /etc/sudoers.d/ops; chmod 440 /etc/sudoers.d/ops
            printf 'Match User ops\n  PasswordAuthentication yes\n' > /etc/ssh/sshd_config.d/zzz-fleet-test-ops.conf
            sshd -t
            service ssh reload >/dev/null
            """);
        var inventory = Path.Combine(_dir.FullName, "inventory.yml");
        await File.WriteAllTextAsync(inventory, $"""
            all:
              hosts:
                {host.Name}:
                  address: {host.Address}
                  user: ops
                  password_env: {EnvName}
                  become: true
                  become_password_env: {EnvName}
            """);
        Environment.SetEnvironmentVariable(EnvName, Password);

        var report = await LabRun.RunAsync(lab, """
            - name: As root through sudo -S
              hosts: all
              tasks:
                - name: Only root can write here
                  copy: { dest: /root/fleet-password-test, content: "written by ops through sudo\n" }
            """, inventoryPath: inventory);

        var result = Assert.Single(report.Hosts);
        Assert.True(result.Status == HostStatus.Changed, $"{result.Status}: {result.Error} {result.Tasks.FirstOrDefault()?.Message}");
        Assert.Equal("root\n", await LabRun.ExecAsync(lab, host.Name, "stat -c %U /root/fleet-password-test"));
        var json = Path.Combine(_dir.FullName, "report.json");
        JsonReportWriter.Write(report, json);
        ReportSchema.AssertValidFile(json);
        Assert.DoesNotContain(Password, await File.ReadAllTextAsync(json), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(EnvName, null);
        _dir.Delete(recursive: true);
    }
}
