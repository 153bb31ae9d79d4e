using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Modules;

/// <summary>
/// git over real SSH from a repository on the host itself: cloned, a second run changes nothing, a new commit is followed, local
/// changes fail the task until force discards them — each read back with git on the host.
/// </summary>
[Collection("lab")]
public sealed class GitLabTests(LabFixture lab)
{
    private const string Origin = "/srv/fleet-git-origin";
    private const string Dest = "/opt/fleet-git-checkout";

    private static string Playbook(bool force = false) => $$"""
        - hosts: all
          tasks:
            - name: Checkout
              ansible.builtin.git: { repo: {{Origin}}, dest: {{Dest}}, version: main, force: {{(force ? "true" : "false")}} }
              register: checkout
            - name: Commit reported
              shell: "echo {{"{{"}} checkout.after {{"}}"}}"
        """;

    [LabFact]
    public async Task Git_ClonesThenNoOp_FollowsANewCommit_LocalChangesNeedForce()
    {
        var host = lab.Info.Hosts[0].Name;
        var options = new RunOptions { Limit = host };
        const string Commit = "git -c user.name=lab -c user.email=lab@example.org commit -q";
        await LabRun.ExecAsync(lab, host, $"rm -rf {Origin} {Dest}; git init -q -b main {Origin} && cd {Origin} && echo one > f && git add f && {Commit} -m one");
        try
        {
            var first = Assert.Single((await LabRun.RunAsync(lab, Playbook(), options)).Hosts);
            Assert.True(first.Status == HostStatus.Changed, $"{first.Status}: {first.Error} {string.Join("; ", first.Tasks.Select(t => t.Message))}");
            var head = (await LabRun.ExecAsync(lab, host, $"git -C {Origin} rev-parse HEAD")).Trim();
            Assert.Equal(head + "\n", await LabRun.ExecAsync(lab, host, $"git -C {Dest} rev-parse HEAD"));
            Assert.Equal("one\n", await LabRun.ExecAsync(lab, host, $"cat {Dest}/f"));
            Assert.Equal(head, first.Tasks[1].Result["stdout"]);

            var second = Assert.Single((await LabRun.RunAsync(lab, Playbook(), options)).Hosts);
            Assert.Equal(TaskOutcome.Ok, second.Tasks[0].Status);

            await LabRun.ExecAsync(lab, host, $"cd {Origin} && echo two > f && {Commit} -am two");
            var third = Assert.Single((await LabRun.RunAsync(lab, Playbook(), options)).Hosts);
            Assert.Equal(TaskOutcome.Changed, third.Tasks[0].Status);
            Assert.Equal("two\n", await LabRun.ExecAsync(lab, host, $"cat {Dest}/f"));
            Assert.Equal(await LabRun.ExecAsync(lab, host, $"git -C {Origin} rev-parse HEAD"), await LabRun.ExecAsync(lab, host, $"git -C {Dest} rev-parse HEAD"));

            await LabRun.ExecAsync(lab, host, $"echo local >> {Dest}/f");
            var refused = Assert.Single((await LabRun.RunAsync(lab, Playbook(), options)).Hosts);
            Assert.Equal((TaskOutcome.Failed, $"Local modifications exist in the destination: {Dest} (force=no)."), (refused.Tasks[0].Status, refused.Tasks[0].Message));
            var forced = Assert.Single((await LabRun.RunAsync(lab, Playbook(force: true), options)).Hosts);
            Assert.Equal(TaskOutcome.Changed, forced.Tasks[0].Status);
            Assert.Equal("two\n", await LabRun.ExecAsync(lab, host, $"cat {Dest}/f"));
            Assert.Equal("", await LabRun.ExecAsync(lab, host, $"git -C {Dest} status --porcelain"));
        }
        finally
        {
            await LabRun.ExecAsync(lab, host, $"rm -rf {Origin} {Dest}");
        }
    }
}
