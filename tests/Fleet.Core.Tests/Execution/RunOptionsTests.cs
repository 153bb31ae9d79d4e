using Fleet.Core.Execution;
using Fleet.Ssh;

namespace Fleet.Core.Tests.Execution;

/// <summary>A run's limits: like Ansible, no task has a time limit unless the task or the run sets one.</summary>
public sealed class RunOptionsTests
{
    [Fact]
    public void TaskTimeout_NoneByDefault() => Assert.Null(new RunOptions().TaskTimeout);

    [Fact]
    public void SshCommandTimeout_NoneByDefault() => Assert.Equal(Timeout.InfiniteTimeSpan, new SshOptions().CommandTimeout);
}
