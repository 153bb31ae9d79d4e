using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Modules;

/// <summary>
/// slurp over real SSH on one lab host, checked against the host's own base64: a /proc file, a missing file read as
/// linux-system-roles sshd reads its FIPS switches (failed_when: false, then <c>| d('MAo=') | b64decode</c>), and a directory;
/// check mode reads the same.
/// </summary>
[Collection("lab")]
public sealed class SlurpLabTests(LabFixture lab)
{
    private string Host => lab.Info.Hosts[0].Name;

    private const string Tasks = """
        - name: Slurp
          hosts: all
          tasks:
            - name: Kernel switch
              slurp: { src: /proc/sys/net/ipv4/ip_forward }
              register: forward
            - name: Missing file
              ansible.builtin.slurp: { path: /etc/fleet-labtest-no-such-file }
              register: missing
              failed_when: false
            - name: Read as the role reads it
              assert:
                that:
                  - (missing.content | d('MAo=') | b64decode | trim) == '0'
                  - "missing.msg == 'file not found: /etc/fleet-labtest-no-such-file'"
                  - forward.encoding == 'base64' and forward.source == '/proc/sys/net/ipv4/ip_forward'
            - name: Directory
              slurp: { src: /etc }
              ignore_errors: true
        """;

    [LabFact]
    public async Task Apply_Slurp_GivesTheHostsBase64AndAnsiblesMessages_SameInCheckMode()
    {
        foreach (var mode in new[] { "check", "apply" })
        {
            var host = Assert.Single((await LabRun.RunAsync(lab, Tasks, new RunOptions { Limit = Host, Mode = mode })).Hosts);

            Assert.Equal([TaskOutcome.Ok, TaskOutcome.Ok, TaskOutcome.Ok, TaskOutcome.Failed], host.Tasks.Select(t => t.Status));
            Assert.Equal(await LabRun.ExecAsync(lab, Host, "base64 -w0 /proc/sys/net/ipv4/ip_forward"), host.Tasks[0].Result["content"]);
            Assert.Equal("source is a directory and must be a file: /etc", host.Tasks[3].Message);
            Assert.True(host.Tasks[3].Ignored);
        }
    }
}
