using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Execution;

/// <summary>A task whose module Fleet lacks fails on a host that reaches it, as a failed module does in Ansible.</summary>
public sealed class ForeignModuleRunTests : IDisposable
{
    private readonly TempFiles _files = new();

    private Task<RunReport> RunAsync(string playbook) => LocalRuns.RunAsync(_files, LocalRuns.OneHost, playbook);

    [Fact]
    public async Task Run_ForeignModule_SkippedWhenFalseFailsWhenReached()
    {
        var report = await RunAsync("""
            - hosts: all
              tasks:
                - name: Red Hat only
                  dnf: { name: aide }
                  when: false
                - name: Reached
                  ansible.builtin.yum: { name: aide }
                - name: Never
                  shell: echo never
            """);

        var tasks = report.Hosts[0].Tasks;
        Assert.Equal(TaskOutcome.Skipped, tasks[0].Status);
        Assert.Equal((TaskOutcome.Failed, "module ansible.builtin.yum is not implemented by Fleet"), (tasks[1].Status, tasks[1].Message));
        Assert.Equal(2, tasks.Count);
        Assert.Equal(ExitCodes.TaskFailed, report.ExitCode);
    }

    [Fact]
    public async Task Run_ForeignModule_IgnoreErrorsAndFailedWhenApplyAsToAFailedModule()
    {
        var report = await RunAsync("""
            - hosts: all
              tasks:
                - name: Ignored
                  seport: { ports: 22 }
                  ignore_errors: true
                  register: out
                - name: Not failed
                  package: { name: x, enablerepo: epel }
                  failed_when: false
                - name: Registered message
                  shell: "test '{{ out.msg }}' = 'module seport (community.general.seport) is not implemented by Fleet'"
            """);

        var tasks = report.Hosts[0].Tasks;
        Assert.True(tasks[0].Ignored);
        Assert.NotEqual(TaskOutcome.Failed, tasks[1].Status);
        Assert.Equal(TaskOutcome.Changed, tasks[2].Status);
        Assert.Equal(ExitCodes.Success, report.ExitCode);
    }

    public void Dispose() => _files.Dispose();
}
