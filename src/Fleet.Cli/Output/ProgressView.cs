using System.Threading.Channels;
using Fleet.Core.Execution;
using Fleet.Core.Reports;
using Fleet.Core.Results;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Fleet.Cli.Output;

/// <summary>
/// Live progress. Host workers only write events into a channel (Spectre's live display is not thread-safe); one consumer applies them
/// to a <see cref="ProgressBoard"/> and draws it: live on a terminal (one row per host, or a summary beyond
/// <see cref="ProgressBoard.RowLimit"/> hosts), or plain lines (a changed or failed task, a finished host, and every minute
/// a task still running) otherwise.
/// </summary>
internal sealed class ProgressView : IRunObserver
{
    private readonly Channel<Action> _events = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IAnsiConsole _console;
    private readonly bool _live;
    private readonly bool _tasks;
    private readonly Task _consumer;
    private readonly ProgressBoard _board = new(TimeProvider.System);
    private Task<bool>? _waiting;
    private Task? _tick;

    /// <summary>How often the plain output says a task is still running (so a CI log shows the run is alive).</summary>
    public static readonly TimeSpan StillRunningEvery = TimeSpan.FromMinutes(1);

    private ProgressView(IAnsiConsole console, bool live, bool tasks)
    {
        _console = console;
        _live = live;
        _tasks = tasks;
        _consumer = live ? Task.Run(DrawLiveAsync) : Task.Run(DrawPlainAsync);
    }

    /// <summary>
    /// Starts the view: live when <paramref name="live"/>, plain lines otherwise. Without <paramref name="tasks"/> (ping) a
    /// finished host is reported as reachable or not, with no task counts.
    /// </summary>
    public static ProgressView Create(IAnsiConsole console, bool live, bool tasks = true) => new(console, live, tasks);

    /// <summary>Draws the remaining events and stops.</summary>
    public async Task CompleteAsync()
    {
        _events.Writer.TryComplete();
        await _consumer.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void RunStarted(int hosts) => Post(() => _board.Expect(hosts));

    /// <inheritdoc />
    public void HostStarted(string host) => Post(() => _board.HostStarted(host));

    /// <inheritdoc />
    public void TaskStarted(string host, string play, string task) => Post(() => _board.TaskStarted(host, task));

    /// <inheritdoc />
    public void TaskFinished(string host, TaskResult result) => Post(() =>
    {
        _board.TaskFinished(host, result);
        if (!_live && result.Status is TaskOutcome.Changed or TaskOutcome.Failed)
        {
            var line = $"{host}{(result.DelegatedTo is { } place ? " -> " + place : "")} | {JsonReportWriter.Name(result.Status)}{(result.Ignored ? " (ignored)" : "")} | {result.Play} | {result.Name}";
            if (result.Status == TaskOutcome.Failed && result.Message is { } message)
            {
                line += " | " + message.Split('\n')[0];
            }

            _console.WriteLine(Display.Plain(line));
        }
    });

    /// <inheritdoc />
    public void HostFinished(HostResult result) => Post(() =>
    {
        var counts = _board.HostFinished(result);
        if (!_live)
        {
            _console.WriteLine(Display.Plain(result.Status switch
            {
                HostStatus.Unreachable => $"{result.Name} | UNREACHABLE | {result.Error}",
                _ when !_tasks => $"{result.Name} | {(result.Status == HostStatus.Failed ? "FAILED | " + result.Error : "reachable")} | {result.DurationMs} ms",
                _ => $"{result.Name} | {JsonReportWriter.Name(result.Status)} | {counts} | {result.DurationMs} ms",
            }));
        }
    });

    private void Post(Action action) => _events.Writer.TryWrite(action);

    private async Task DrawPlainAsync()
    {
        while (await NextAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false))
        {
            while (_events.Reader.TryRead(out var action))
            {
                action();
            }

            foreach (var slow in _board.StillRunning(StillRunningEvery))
            {
                _console.WriteLine(Display.Plain($"{slow.Host} | running | {slow.Task} | {ProgressBoard.Elapsed(slow.Elapsed)}"));
            }
        }
    }

    /// <summary>Waits for events, or <paramref name="tick"/> at most (elapsed times move on without events); false once the run is over.</summary>
    private async Task<bool> NextAsync(TimeSpan tick)
    {
        // One timer at a time, however many events arrive: a tick is consumed only when it fires.
        _waiting ??= _events.Reader.WaitToReadAsync().AsTask();
        _tick ??= Task.Delay(tick);
        if (await Task.WhenAny(_waiting, _tick).ConfigureAwait(false) == _tick)
        {
            _tick = null;
            return true;
        }

        var more = await _waiting.ConfigureAwait(false);
        _waiting = null;
        return more;
    }

    private async Task DrawLiveAsync()
    {
        // The live display keeps its renderable; a holder whose content is swapped each frame lets the table become the summary.
        var frame = new Frame(_board.Render());
        await _console.Live(frame).AutoClear(true).StartAsync(async context =>
        {
            var reader = _events.Reader;
            while (await NextAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false))
            {
                while (reader.TryRead(out var action))
                {
                    action();
                }

                frame.Content = _board.Render();
                context.Refresh();
                await Task.Delay(100).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    /// <summary>A renderable that draws whatever it currently holds.</summary>
    private sealed class Frame(IRenderable content) : IRenderable
    {
        public IRenderable Content { get; set; } = content;

        public Measurement Measure(RenderOptions options, int maxWidth) => Content.Measure(options, maxWidth);

        public IEnumerable<Segment> Render(RenderOptions options, int maxWidth) => Content.Render(options, maxWidth);
    }
}

/// <summary>Sends every event to several observers.</summary>
internal sealed class CompositeObserver(params IRunObserver[] observers) : IRunObserver
{
    /// <inheritdoc />
    public void RunStarted(int hosts) => Array.ForEach(observers, o => o.RunStarted(hosts));

    /// <inheritdoc />
    public void HostStarted(string host) => Array.ForEach(observers, o => o.HostStarted(host));

    /// <inheritdoc />
    public void TaskStarted(string host, string play, string task) => Array.ForEach(observers, o => o.TaskStarted(host, play, task));

    /// <inheritdoc />
    public void TaskFinished(string host, TaskResult result) => Array.ForEach(observers, o => o.TaskFinished(host, result));

    /// <inheritdoc />
    public void HostFinished(HostResult result) => Array.ForEach(observers, o => o.HostFinished(result));

    /// <inheritdoc />
    public void InternalError(string host, Exception exception) => Array.ForEach(observers, o => o.InternalError(host, exception));
}
