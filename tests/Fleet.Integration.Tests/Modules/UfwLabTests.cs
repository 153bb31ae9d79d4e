using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Modules;

/// <summary>
/// ufw over real SSH on one lab host: rules applied and the firewall enabled (checked with iptables and ufw itself), SSH still
/// answering on the same and on a new connection, and a second run that runs no ufw command at all (a wrapper on the host
/// logs every call). The host is left as found: ufw reset and purged.
/// </summary>
[Collection("lab")]
public sealed class UfwLabTests(LabFixture lab)
{
    private const string Calls = "/var/tmp/fleet-ufw-calls";

    private const string Playbook = """
        - name: Firewall
          hosts: all
          tasks:
            - name: SSH first
              ufw: { rule: allow, port: "22", proto: tcp }
            - name: Web from the lab network
              ufw: { rule: allow, port: "80,443", proto: tcp, from: 10.213.0.0/16, comment: "fleet lab web" }
            - name: Rate limit (allow first, then limit the same port)
              ufw: { rule: allow, port: "2222", proto: tcp }
            - name: Rate limit wins
              ufw: { rule: limit, port: "2222", proto: tcp }
            - name: Deny incoming
              ufw: { default: deny, direction: incoming }
            - name: Enable
              ufw: { state: enabled, logging: "on" }
            - name: Still reachable over the same connection
              command: { cmd: "true" }
              changed_when: false
        """;

    [LabFact]
    public async Task Apply_RulesAndEnable_SshStillWorks_SecondRunRunsNoUfw()
    {
        var host = lab.Info.Hosts[^1].Name;
        var options = new RunOptions { Limit = host };
        await LabRun.ExecAsync(lab, host, $"""
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q ufw >/dev/null
            cp /usr/sbin/ufw /usr/sbin/ufw.fleet-real
            printf '#!/bin/sh\necho "$*" >> {Calls}\nexec /usr/sbin/ufw.fleet-real "$@"\n' > /usr/sbin/ufw
            rm -f {Calls}
            """);
        try
        {
            var first = await LabRun.RunAsync(lab, Playbook, options);

            var result = Assert.Single(first.Hosts);
            Assert.True(result.Status == HostStatus.Changed, $"{result.Status}: {result.Error}");
            Assert.Equal(TaskOutcome.Changed, result.Tasks.Single(t => t.Name == "Enable").Status);
            var iptables = await LabRun.ExecAsync(lab, host, "iptables -S ufw-user-input");
            Assert.Contains("-p tcp -m tcp --dport 22 -j ACCEPT", iptables, StringComparison.Ordinal);
            Assert.Contains("-s 10.213.0.0/16 -p tcp -m multiport --dports 80,443", iptables, StringComparison.Ordinal);
            Assert.Contains("--dport 2222 -j ufw-user-limit-accept", iptables, StringComparison.Ordinal);
            var status = await LabRun.ExecAsync(lab, host, "ufw.fleet-real status verbose");
            Assert.Contains("Status: active", status, StringComparison.Ordinal);
            Assert.Contains("Default: deny (incoming)", status, StringComparison.Ordinal);
            Assert.Contains("2222/tcp                   LIMIT IN", status, StringComparison.Ordinal);
            Assert.DoesNotContain("2222/tcp                   ALLOW IN", status, StringComparison.Ordinal);
            await LabRun.ExecAsync(lab, host, $"rm -f {Calls}");

            // A new run is a new SSH connection through the enabled firewall.
            var second = await LabRun.RunAsync(lab, Playbook, options);

            var again = Assert.Single(second.Hosts);
            Assert.True(again.Status == HostStatus.Ok, $"{again.Status}: {again.Error} {string.Join("; ", again.Tasks.Where(t => t.Status != TaskOutcome.Ok).Select(t => $"{t.Name}: {string.Join(", ", t.Changes)}"))}");
            Assert.Equal(0, again.Count(TaskOutcome.Changed));
            Assert.All(again.Tasks.Where(t => t.Module == "ufw"), t => Assert.Empty((IEnumerable<string>)t.Result["commands"]!));
            Assert.Equal("no calls\n", await LabRun.ExecAsync(lab, host, $"cat {Calls} 2>/dev/null || echo 'no calls'"));
        }
        finally
        {
            await LabRun.ExecAsync(lab, host, """
                mv -f /usr/sbin/ufw.fleet-real /usr/sbin/ufw 2>/dev/null || true
                ufw --force reset >/dev/null 2>&1 || true
                DEBIAN_FRONTEND=noninteractive apt-get purge -y -q ufw >/dev/null 2>&1 || true
                rm -rf /etc/ufw /var/lib/fleet/ufw-rollback /var/tmp/fleet-ufw-calls
                iptables -S | grep -q ufw && { iptables -F; iptables -X; iptables -P INPUT ACCEPT; iptables -P OUTPUT ACCEPT; iptables -P FORWARD ACCEPT; } || true
                """);
        }
    }

    [LabFact]
    public async Task Check_WithoutUfw_FailsNamingThePackage()
    {
        var host = lab.Info.Hosts[^1].Name;
        await LabRun.ExecAsync(lab, host, "if command -v ufw >/dev/null; then DEBIAN_FRONTEND=noninteractive apt-get purge -y -q ufw >/dev/null; fi");

        var report = await LabRun.RunAsync(lab, """
            - hosts: all
              tasks:
                - name: A rule
                  ufw: { rule: allow, port: "22", proto: tcp }
            """, new RunOptions { Limit = host, Mode = "check" });

        var task = Assert.Single(Assert.Single(report.Hosts).Tasks);
        Assert.Equal(TaskOutcome.Failed, task.Status);
        Assert.Equal("ufw is not installed (package ufw)", task.Message);
    }
}
