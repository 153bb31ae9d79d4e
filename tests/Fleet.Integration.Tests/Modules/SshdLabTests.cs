using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Modules;

/// <summary>
/// sshd over real SSH: the drop-in, sshd -T, a reload that keeps SSH working, a second run with no change, and an invalid value
/// that fails with the old file kept. Uses its own drop-in and removes it, so root's key login (which other tests need) stays.
/// </summary>
[Collection("lab")]
public sealed class SshdLabTests(LabFixture lab)
{
    private const string DropIn = "/etc/ssh/sshd_config.d/00-fleet-sshd-lab-test.conf";

    private static string Playbook(string maxAuthTries) => $$"""
        - name: Sshd
          hosts: all
          tasks:
            - name: sshd settings
              sshd:
                path: {{DropIn}}
                settings:
                  PermitRootLogin: prohibit-password
                  X11Forwarding: no
                  MaxAuthTries: {{maxAuthTries}}
        """;

    [LabFact]
    public async Task Apply_Settings_EffectiveAfterReload_ThenNoOp_InvalidValueKeepsTheOldFile()
    {
        var host = lab.Info.Hosts[2].Name;
        var only = new RunOptions { Limit = host };
        try
        {
            await LabRun.ExecAsync(lab, host, $"rm -f {DropIn}");

            var first = await LabRun.RunAsync(lab, Playbook("3"), only);
            var second = await LabRun.RunAsync(lab, Playbook("3"), only);

            var task = Assert.Single(Assert.Single(first.Hosts).Tasks);
            Assert.True(task.Status == TaskOutcome.Changed, $"{task.Status}: {task.Message}");
            Assert.Equal("maxauthtries 3\npermitrootlogin without-password\nx11forwarding no\n", await LabRun.ExecAsync(lab, host, "sshd -T | grep -E '^(maxauthtries|permitrootlogin|x11forwarding) ' | sort"));
            var effective = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(task.Result["effective"]);
            Assert.Equal("3", effective["MaxAuthTries"]);
            Assert.Equal(0, Assert.Single(second.Hosts).Count(TaskOutcome.Changed));
            Assert.Equal(HostStatus.Ok, Assert.Single(second.Hosts).Status); // a new connection after the reload works

            var bad = await LabRun.RunAsync(lab, Playbook("banana"), only);

            var failed = Assert.Single(Assert.Single(bad.Hosts).Tasks);
            Assert.Equal(TaskOutcome.Failed, failed.Status);
            Assert.Contains("MaxAuthTries integer value invalid", failed.Message, StringComparison.Ordinal);
            Assert.Contains("MaxAuthTries 3\n", await LabRun.ExecAsync(lab, host, $"cat {DropIn}"), StringComparison.Ordinal);
            Assert.NotEmpty((await LabRun.ExecAsync(lab, host, "pgrep -x sshd")).Trim());
            Assert.Equal(HostStatus.Ok, Assert.Single((await LabRun.RunAsync(lab, Playbook("3"), only)).Hosts).Status);
        }
        finally
        {
            await LabRun.ExecAsync(lab, host, $"rm -f {DropIn}; kill -HUP $(cat /run/sshd.pid)");
        }
    }
}
