using Fleet.Core.Execution;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;

namespace Fleet.Core.Tests.Execution;

/// <summary>The handler queue: each notified handler runs once per flush, in written order, and a handler may notify another.</summary>
public sealed class HandlerQueueTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-handlers-test-");

    public void Dispose() => _dir.Delete(recursive: true);

    private Play Play()
    {
        var path = Path.Combine(_dir.FullName, "playbook.yml");
        File.WriteAllText(path, """
            - hosts: all
              tasks:
                - command: "true"
              handlers:
                - name: first
                  command: "true"
                - name: second
                  command: "true"
                  listen: reload things
                - name: third
                  command: "true"
            """);
        return PlaybookLoader.Load(path, ModuleCatalog.Default).Plays[0];
    }

    [Fact]
    public async Task Flush_RunsNotifiedOnceEach_InWrittenOrder()
    {
        var play = Play();
        var queue = new HandlerQueue();
        var ran = new List<string>();
        queue.Notify(["third", "first", "third", "reload things"]);

        var failed = await queue.FlushAsync(play, () => false, h => { ran.Add(h.Name); return Task.FromResult(true); });

        Assert.Null(failed);
        Assert.Equal(["first", "second", "third"], ran);
    }

    [Fact]
    public async Task Flush_AHandlerNotifyingAnother_RunsItToo_ThenNothingIsPending()
    {
        var play = Play();
        var queue = new HandlerQueue();
        var ran = new List<string>();
        queue.Notify(["third"]);

        await queue.FlushAsync(play, () => false, h =>
        {
            ran.Add(h.Name);
            if (h.Name == "third")
            {
                queue.Notify(["first"]);
            }

            return Task.FromResult(true);
        });
        await queue.FlushAsync(play, () => false, h => { ran.Add(h.Name); return Task.FromResult(true); });

        Assert.Equal(["third", "first"], ran);
    }

    [Fact]
    public async Task Flush_StopsAtTheFailedHandler_AndReturnsIt()
    {
        var play = Play();
        var queue = new HandlerQueue();
        var ran = new List<string>();
        queue.Notify(["first", "third"]);

        var failed = await queue.FlushAsync(play, () => false, h => { ran.Add(h.Name); return Task.FromResult(h.Name != "first"); });

        Assert.Equal("first", failed?.Name);
        Assert.Equal(["first"], ran);
    }

    [Fact]
    public async Task StartPlay_ForgetsWhatWasNotified()
    {
        var play = Play();
        var queue = new HandlerQueue();
        var ran = new List<string>();
        queue.Notify(["first"]);

        queue.StartPlay();
        await queue.FlushAsync(play, () => false, h => { ran.Add(h.Name); return Task.FromResult(true); });

        Assert.Empty(ran);
    }
}
