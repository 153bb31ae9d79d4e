using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Modules;

/// <summary>file's follow, force and times over real SSH, read back with stat on the host; a second run changes nothing except "now".</summary>
[Collection("lab")]
public sealed class FileParametersLabTests(LabFixture lab)
{
    private const string Playbook = """
        - name: File parameters
          hosts: all
          tasks:
            - name: Protect, keeping the times (dev-sec sysctl.yml)
              file: { path: /tmp/fleet-fp/sysctl.conf, owner: root, group: root, mode: "0440", state: touch, modification_time: preserve, access_time: preserve }
            - name: Explicit times
              file: { path: /tmp/fleet-fp/stamped, modification_time: "202001021030.15", access_time: "2020-01-02 10:30:15", access_time_format: "%Y-%m-%d %H:%M:%S" }
            - name: Link replaces a file (dev-sec pam_rhel.yml)
              file: { src: /tmp/fleet-fp/auth-local, dest: /tmp/fleet-fp/auth, mode: "0640", owner: root, group: root, state: link, force: true }
            - name: The link's own owner
              file: { path: /tmp/fleet-fp/link, state: touch, follow: false, owner: nobody, modification_time: preserve, access_time: preserve }
            - name: Suid bit off through a link (dev-sec suid_sgid.yml)
              file: { path: /tmp/fleet-fp/link, mode: a-s, state: file, follow: true }
        """;

    [LabFact]
    public async Task Apply_FollowForceTimes_ThenNoOp()
    {
        var host = lab.Info.Hosts[0].Name;
        foreach (var h in lab.Info.Hosts)
        {
            await LabRun.ExecAsync(lab, h.Name, "rm -rf /tmp/fleet-fp && mkdir /tmp/fleet-fp && cd /tmp/fleet-fp && touch -d '2001-01-01 00:00:00' sysctl.conf && touch stamped auth-local auth"
                + " && touch target && chmod 4755 target && ln -s target link");
        }

        var first = await LabRun.RunAsync(lab, Playbook);
        var second = await LabRun.RunAsync(lab, Playbook);

        Assert.All(first.Hosts, h => Assert.Equal(5, h.Count(TaskOutcome.Changed)));
        var epoch = (await LabRun.ExecAsync(lab, host, "date -d '2020-01-02 10:30:15' +%s")).Trim();
        var old = (await LabRun.ExecAsync(lab, host, "date -d '2001-01-01 00:00:00' +%s")).Trim();
        Assert.Equal(
            $"440 {old}\n{epoch} {epoch}\n/tmp/fleet-fp/auth-local\n640\nnobody root 755\n",
            await LabRun.ExecAsync(lab, host, "cd /tmp/fleet-fp; stat -c '%a %Y' sysctl.conf; stat -c '%Y %X' stamped; readlink auth; stat -c %a auth-local; printf '%s %s %s\\n' $(stat -c %U link) $(stat -L -c '%U %a' link)"));
        Assert.All(second.Hosts, h => Assert.Equal(0, h.Count(TaskOutcome.Changed)));
        Assert.Equal(ExitCodes.Success, second.ExitCode);
    }
}
