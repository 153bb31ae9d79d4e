using System.Collections.Concurrent;
using System.Threading.Channels;
using Fleet.Core.Execution;
using Fleet.Core.Reports;
using Fleet.Core.Results;
using Spectre.Console;

namespace Fleet.Cli.Output;

/// <summary>
/// Live progress per host. Host workers only write events into a channel (Spectre's live display is not thread-safe); one consumer
/// draws them: a live table on a terminal, or plain lines (a changed or failed task, a finished host) otherwise.
/// </summary>
internal sealed class ProgressView : IRunObserver
{
    private readonly Channel<Action> _events = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IAnsiConsole _console;
    private readonly bool _live;
    private readonly bool _tasks;
    private readonly Task _consumer;
    private readonly ConcurrentDictionary<string, Row> _rows = new(StringComparer.Ordinal);

    private sealed class Row
    {
        public string Task { get; set; } = "connecting";

        public int Ok { get; set; }

        public int Changed { get; set; }

        public int Failed { get; set; }

        public string State { get; set; } = "running";
    }

    private ProgressView(IAnsiConsole console, bool live, bool tasks)
    {
        _console = console;
        _live = live;
        _tasks = tasks;
        _consumer = live ? Task.Run(DrawLiveAsync) : Task.Run(DrawPlainAsync);
    }

    /// <summary>
    /// Starts the view: live table when <paramref name="live"/>, plain lines otherwise. Without <paramref name="tasks"/> (ping) a
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
    public void HostStarted(string host) => Post(() => _rows.GetOrAdd(host, _ => new Row()));

    /// <inheritdoc />
    public void TaskStarted(string host, string play, string task) => Post(() => _rows.GetOrAdd(host, _ => new Row()).Task = task);

    /// <inheritdoc />
    public void TaskFinished(string host, TaskResult result) => Post(() =>
    {
        var row = _rows.GetOrAdd(host, _ => new Row());
        switch (result.Status)
        {
            case TaskOutcome.Ok:
                row.Ok++;
                break;
            case TaskOutcome.Changed:
                row.Changed++;
                break;
            case TaskOutcome.Failed when !result.Ignored:
                row.Failed++;
                break;
        }

        if (!_live && result.Status is TaskOutcome.Changed or TaskOutcome.Failed)
        {
            var line = $"{host} | {JsonReportWriter.Name(result.Status)}{(result.Ignored ? " (ignored)" : "")} | {result.Play} | {result.Name}";
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
        var row = _rows.GetOrAdd(result.Name, _ => new Row());
        row.State = JsonReportWriter.Name(result.Status);
        row.Task = "";
        if (!_live)
        {
            _console.WriteLine(Display.Plain(result.Status switch
            {
                HostStatus.Unreachable => $"{result.Name} | UNREACHABLE | {result.Error}",
                _ when !_tasks => $"{result.Name} | {(result.Status == HostStatus.Failed ? "FAILED | " + result.Error : "reachable")} | {result.DurationMs} ms",
                _ => $"{result.Name} | {row.State} | ok={row.Ok} changed={row.Changed} failed={row.Failed} | {result.DurationMs} ms",
            }));
        }
    });

    private void Post(Action action) => _events.Writer.TryWrite(action);

    private async Task DrawPlainAsync()
    {
        await foreach (var action in _events.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            action();
        }
    }

    private async Task DrawLiveAsync()
    {
        var table = new Table().AddColumns("host", "task", "ok", "changed", "failed", "state");
        await _console.Live(table).AutoClear(true).StartAsync(async context =>
        {
            var reader = _events.Reader;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var action))
                {
                    action();
                }

                Redraw(table);
                context.Refresh();
                await Task.Delay(100).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    private void Redraw(Table table)
    {
        table.Rows.Clear();
        foreach (var (host, row) in _rows.OrderBy(r => r.Key, HostNameOrder.Instance).TakeLast(40))
        {
            var state = row.State switch
            {
                "failed" or "unreachable" => $"[red]{row.State}[/]",
                "changed" => "[yellow]changed[/]",
                "ok" => "[green]ok[/]",
                _ => row.State,
            };
            table.AddRow(Display.Markup(host), Display.Markup(row.Task), row.Ok.ToString(System.Globalization.CultureInfo.InvariantCulture), row.Changed.ToString(System.Globalization.CultureInfo.InvariantCulture), row.Failed.ToString(System.Globalization.CultureInfo.InvariantCulture), state);
        }
    }
}

/// <summary>Sends every event to several observers.</summary>
internal sealed class CompositeObserver(params IRunObserver[] observers) : IRunObserver
{
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
