using Fleet.Cli.Commands;
using Fleet.Core.Results;

namespace Fleet.Integration.Tests.Cli;

/// <summary>The demo fails when its own checks fail: a second run that changes anything, a failed task, a failed audit.</summary>
public sealed class DemoVerdictTests
{
    [Fact]
    public void EverythingConverged_IsSuccess() => Assert.Equal(ExitCodes.Success, DemoCommand.Verdict(0, 0, 0, 0, 0));

    [Fact]
    public void SecondRunChangedSomething_IsFailure() => Assert.Equal(ExitCodes.TaskFailed, DemoCommand.Verdict(0, 0, 0, 3, 0));

    [Fact]
    public void SecondRunDidNotReport_IsFailure() => Assert.Equal(ExitCodes.TaskFailed, DemoCommand.Verdict(0, 0, 0, -1, 0));

    [Theory]
    [InlineData(ExitCodes.TaskFailed, 0, 0, 0)]
    [InlineData(0, 0, 0, ExitCodes.TaskFailed)]
    [InlineData(0, ExitCodes.TaskFailed, ExitCodes.TaskFailed, 0)]
    public void AFailedAuditOrApply_IsFailure(int auditBefore, int first, int second, int auditAfter) =>
        Assert.Equal(ExitCodes.TaskFailed, DemoCommand.Verdict(auditBefore, first, second, 0, auditAfter));

    [Fact]
    public void UnreachableHost_IsUnreachable() => Assert.Equal(ExitCodes.Unreachable, DemoCommand.Verdict(ExitCodes.Unreachable, 0, 0, 0, 0));

    [Fact]
    public void Interrupted_WinsOverFailures() => Assert.Equal(ExitCodes.Interrupted, DemoCommand.Verdict(0, ExitCodes.Interrupted, ExitCodes.TaskFailed, 2, 0));
}
