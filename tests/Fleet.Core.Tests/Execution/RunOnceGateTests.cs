using Fleet.Core.Execution.Placement;

namespace Fleet.Core.Tests.Execution;

/// <summary>
/// The run_once meeting point: the batch's first host in order that reaches the task runs it, the others take its result, and a
/// host that left the play (failed earlier, or never reaches the task) releases the hosts after it instead of blocking them.
/// </summary>
public sealed class RunOnceGateTests
{
    private static readonly RunOnceKey Task1 = new(new SourceLocation("site.yml", 3, 7), 0);

    [Fact]
    public async Task Arrive_FirstHostFirst_LeadsAndTheOthersFollowIt()
    {
        var gate = new RunOnceGate(["a", "b", "c"]);

        var a = await gate.ArriveAsync("a", Task1, CancellationToken.None);
        var b = await gate.ArriveAsync("b", Task1, CancellationToken.None);

        Assert.True(a.Leads);
        Assert.False(b.Leads);
        Assert.Equal("a", b.Runner);
    }

    [Fact]
    public async Task Arrive_LaterHostFirst_WaitsForTheEarlierHost_WhichLeads()
    {
        var gate = new RunOnceGate(["a", "b"]);

        var b = gate.ArriveAsync("b", Task1, CancellationToken.None);
        await Task.Delay(50);
        Assert.False(b.IsCompleted);
        var a = await gate.ArriveAsync("a", Task1, CancellationToken.None);

        Assert.True(a.Leads);
        Assert.Equal("a", (await b).Runner);
    }

    [Fact]
    public async Task Arrive_EarlierHostLeftThePlay_TheNextHostLeadsWithoutWaiting()
    {
        var gate = new RunOnceGate(["a", "b", "c"]);
        var c = gate.ArriveAsync("c", Task1, CancellationToken.None);

        gate.Leave("a");
        var b = await gate.ArriveAsync("b", Task1, CancellationToken.None);

        Assert.True(b.Leads);
        Assert.Equal("b", (await c).Runner);
    }

    [Fact]
    public async Task Arrive_EveryEarlierHostLeavesWhileWaiting_TheWaitingHostLeads()
    {
        var gate = new RunOnceGate(["a", "b", "c"]);
        var c = gate.ArriveAsync("c", Task1, CancellationToken.None);

        gate.Leave("a");
        Assert.False(c.IsCompleted);
        gate.Leave("b");

        Assert.True((await c.WaitAsync(TimeSpan.FromSeconds(5))).Leads);
    }

    [Fact]
    public async Task Share_RunnersResult_ReachesTheFollowers()
    {
        var gate = new RunOnceGate(["a", "b"]);
        var a = await gate.ArriveAsync("a", Task1, CancellationToken.None);
        var b = await gate.ArriveAsync("b", Task1, CancellationToken.None);

        var result = new Results.TaskResult("p", "t", "command", Results.TaskOutcome.Changed, [], null, null, 1, 0);
        a.Share(result);
        a.Share(null); // a second share (the runner's finally) changes nothing

        var shared = await b.Shared!;
        Assert.Equal(("a", result), (shared.Host, shared.Result));
    }

    [Fact]
    public async Task Arrive_SecondOccurrence_IsAMeetingOfItsOwn()
    {
        var gate = new RunOnceGate(["a", "b"]);
        _ = await gate.ArriveAsync("a", Task1, CancellationToken.None);
        gate.Leave("a");

        var again = await gate.ArriveAsync("b", Task1 with { Occurrence = 1 }, CancellationToken.None);

        Assert.True(again.Leads);
    }

    [Fact]
    public async Task Arrive_HostOutsideTheBatch_RunsTheTaskItself()
    {
        var gate = new RunOnceGate(["a"]);

        Assert.True((await gate.ArriveAsync("z", Task1, CancellationToken.None)).Leads);
    }

    [Fact]
    public async Task Arrive_Cancelled_StopsWaiting()
    {
        var gate = new RunOnceGate(["a", "b"]);
        using var cancel = new CancellationTokenSource(50);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gate.ArriveAsync("b", Task1, cancel.Token));
    }
}
