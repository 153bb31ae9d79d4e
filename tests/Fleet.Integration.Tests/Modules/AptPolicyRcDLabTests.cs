using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Modules;

/// <summary>
/// apt's policy_rc_d on a lab host: a package whose maintainer script starts its service (acct's postinst runs invoke-rc.d, which
/// the host's own policy here allows) is installed under <c>policy_rc_d: 101</c>; invoke-rc.d is denied, the policy dpkg saw is
/// Ansible's script (an apt hook copies it during the transaction), and the host's own policy-rc.d is there again afterwards.
/// </summary>
[Collection("lab")]
public sealed class AptPolicyRcDLabTests(LabFixture lab)
{
    private const string Package = "acct";
    private const string Own = "#!/bin/sh\n# this host: every start allowed\nexit 0\n";

    private string Host => lab.Info.Hosts[1].Name;

    [LabFact]
    public async Task Install_WithPolicy101_StartsNoService_AndPutsBackTheHostsOwnPolicy()
    {
        // The machine's image has a policy-rc.d of its own (exit 101): kept aside, replaced by one that lets services start.
        await LabRun.ExecAsync(lab, Host, $$"""
            if [ -e /usr/sbin/policy-rc.d ]; then cp -p /usr/sbin/policy-rc.d /root/fleet-policy-saved; fi
            printf '%s' '{{Own}}' > /usr/sbin/policy-rc.d && chmod 0750 /usr/sbin/policy-rc.d
            DEBIAN_FRONTEND=noninteractive apt-get purge -y -q {{Package}} >/dev/null 2>&1; rm -rf /var/log/account /root/fleet-policy-seen
            echo 'DPkg::Pre-Invoke { "cp /usr/sbin/policy-rc.d /root/fleet-policy-seen || true"; };' > /etc/apt/apt.conf.d/99fleet-policy-seen
            """);
        try
        {
            var report = await LabRun.RunAsync(lab, $$"""
                - name: Policy
                  hosts: {{Host}}
                  tasks:
                    - name: Accounting, not started
                      apt: { name: {{Package}}, state: present, policy_rc_d: 101 }
                """);
            var task = Assert.Single(Assert.Single(report.Hosts).Tasks);
            var output = $"{task.Result.GetValueOrDefault("stdout")}\n{task.Result.GetValueOrDefault("stderr")}";

            Assert.True(task.Status == TaskOutcome.Changed, $"{task.Status}: {task.Message}");
            Assert.Contains("policy-rc.d denied execution of start", output, StringComparison.Ordinal);
            Assert.DoesNotContain("Turning on process accounting", output, StringComparison.Ordinal);
            Assert.Equal("#!/bin/sh\nexit 101\n", await LabRun.ExecAsync(lab, Host, "cat /root/fleet-policy-seen"));
            Assert.Equal(Own + "750\n", await LabRun.ExecAsync(lab, Host, "cat /usr/sbin/policy-rc.d; stat -c %a /usr/sbin/policy-rc.d"));
            Assert.Equal("installed\n", await LabRun.ExecAsync(lab, Host, $"dpkg-query -W -f='${{db:Status-Status}}\\n' {Package}"));
        }
        finally
        {
            await LabRun.ExecAsync(lab, Host, $"""
                accton off >/dev/null 2>&1; rm -f /etc/apt/apt.conf.d/99fleet-policy-seen /root/fleet-policy-seen
                DEBIAN_FRONTEND=noninteractive apt-get purge -y -q {Package} >/dev/null 2>&1; rm -rf /var/log/account
                if [ -e /root/fleet-policy-saved ]; then mv /root/fleet-policy-saved /usr/sbin/policy-rc.d; else rm -f /usr/sbin/policy-rc.d; fi
                true
                """);
        }
    }
}
