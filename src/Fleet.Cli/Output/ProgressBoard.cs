using System.Globalization;
using Fleet.Core;
using Fleet.Core.Reports;
using Fleet.Core.Results;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Fleet.Cli.Output;

/// <summary>
/// What the live view shows, kept apart from the terminal so it can be tested: one row per host for a few hosts, and for more than
/// <see cref="RowLimit"/> a progress bar with host counts plus the running, slowest and failed hosts. Not thread-safe: only the
/// view's single consumer touches it.
/// </summary>
internal sealed class ProgressBoard(TimeProvider time)
{
    /// <summary>Up to this many hosts the view is one row per host; beyond it, the summary. The default is 20.</summary>
    public const int RowLimit = 20;

    /// <summary>How many hosts each list of the summary names before "+N more".</summary>
    public const int Listed = 5;

    /// <summary>A task running at least this long shows its elapsed time beside its name.</summary>
    public static readonly TimeSpan ShowElapsedAfter = TimeSpan.FromSeconds(10);

    private const int BarWidth = 30;

    private readonly Dictionary<string, Row> _rows = new(StringComparer.Ordinal);
    private int _expected;

    private sealed class Row(DateTimeOffset startedAt)
    {
        public string Task { get; set; } = "connecting";

        public int Ok { get; set; }

        public int Changed { get; set; }

        public int Failed { get; set; }

        public HostStatus? Final { get; set; }

        public string? Error { get; set; }

        public DateTimeOffset StartedAt { get; } = startedAt;

        public DateTimeOffset TaskStartedAt { get; set; } = startedAt;

        /// <summary>When the plain output last said this task was still running (or when it started).</summary>
        public DateTimeOffset TaskReportedAt { get; set; } = startedAt;
    }

    /// <summary>Hosts the run will visit, counted before any starts (so the bar's total is right from the first frame).</summary>
    public void Expect(int hosts) => _expected = hosts;

    /// <summary>The hosts known so far: expected, or seen if more.</summary>
    public int Total => Math.Max(_expected, _rows.Count);

    /// <summary>True when the view shows the summary rather than one row per host.</summary>
    public bool Compact => Total > RowLimit;

    /// <summary>A host's worker started.</summary>
    public void HostStarted(string host) => RowOf(host);

    /// <summary>A task started on a host.</summary>
    public void TaskStarted(string host, string task)
    {
        var row = RowOf(host);
        row.Task = task;
        row.TaskStartedAt = row.TaskReportedAt = time.GetUtcNow();
    }

    /// <summary>
    /// The tasks that have been running for <paramref name="every"/> since they started or were last returned here: the plain
    /// output prints a line for each, so a log shows a long task is alive. Each is returned once per period.
    /// </summary>
    public IReadOnlyList<SlowHost> StillRunning(TimeSpan every)
    {
        var now = time.GetUtcNow();
        var due = new List<SlowHost>();
        foreach (var (host, row) in _rows.Where(r => r.Value.Final is null && r.Value.Task.Length > 0).OrderBy(r => r.Key, HostNameOrder.Instance))
        {
            if (now - row.TaskReportedAt >= every)
            {
                row.TaskReportedAt = now;
                due.Add(new SlowHost(host, now - row.TaskStartedAt, row.Task));
            }
        }

        return due;
    }

    /// <summary>"1m 23s": a duration as the view shows it, in whole seconds.</summary>
    public static string Elapsed(TimeSpan elapsed)
    {
        var seconds = (long)elapsed.TotalSeconds;
        return seconds < 60 ? $"{seconds}s"
            : seconds < 3600 ? $"{seconds / 60}m {seconds % 60}s"
            : $"{seconds / 3600}h {seconds / 60 % 60}m {seconds % 60}s";
    }

    /// <summary>The host's current task as shown: its name, and its elapsed time once it has run <see cref="ShowElapsedAfter"/>.</summary>
    private string TaskLabel(Row row, DateTimeOffset now) =>
        row.Final is null && row.Task.Length > 0 && now - row.TaskStartedAt is var elapsed && elapsed >= ShowElapsedAfter
            ? $"{row.Task} ({Elapsed(elapsed)})"
            : row.Task;

    /// <summary>A task finished on a host.</summary>
    public void TaskFinished(string host, TaskResult result)
    {
        var row = RowOf(host);
        switch (result.Status)
        {
            case TaskOutcome.Ok:
                row.Ok += result.Tally;
                break;
            case TaskOutcome.Changed:
                row.Changed += result.Tally;
                break;
            case TaskOutcome.Failed when !result.Ignored:
                row.Failed += result.Tally;
                break;
        }
    }

    /// <summary>A host finished; returns its task counts for the plain output.</summary>
    public HostCounts HostFinished(HostResult result)
    {
        // The host's result is the authority: a failure counted when its task finished may have been rescued since (Ansible's rescued=1, failed=0).
        var row = RowOf(result.Name);
        row.Final = result.Status;
        row.Error = result.Error ?? result.Tasks.LastOrDefault(t => t.Status == TaskOutcome.Failed && !t.Ignored && !t.Rescued)?.Message;
        row.Task = "";
        row.Ok = result.Count(TaskOutcome.Ok);
        row.Changed = result.Count(TaskOutcome.Changed);
        row.Failed = result.Count(TaskOutcome.Failed);
        return new HostCounts(row.Ok, row.Changed, row.Failed, result.Tasks.Count(t => t.Rescued), result.Tasks.Count(t => t.Ignored));
    }

    /// <summary>The counts and host lists the summary shows.</summary>
    public ProgressSummary Summary()
    {
        var now = time.GetUtcNow();
        var running = _rows.Where(r => r.Value.Final is null).ToList();
        var failed = _rows.Where(r => r.Value.Final is HostStatus.Failed or HostStatus.Unreachable).OrderBy(r => r.Key, HostNameOrder.Instance).ToList();
        int Count(HostStatus status) => _rows.Values.Count(r => r.Final == status);
        return new ProgressSummary(
            Done: _rows.Count - running.Count,
            Total: Total,
            Ok: Count(HostStatus.Ok),
            Changed: Count(HostStatus.Changed),
            Failed: Count(HostStatus.Failed),
            Unreachable: Count(HostStatus.Unreachable),
            Running: running.Select(r => r.Key).Order(HostNameOrder.Instance).ToList(),
            Slowest: running.OrderBy(r => r.Value.StartedAt).ThenBy(r => r.Key, HostNameOrder.Instance).Take(Listed)
                .Select(r => new SlowHost(r.Key, now - r.Value.StartedAt, TaskLabel(r.Value, now))).ToList(),
            FailedHosts: failed.Select(r => new FailedHost(r.Key, r.Value.Final == HostStatus.Unreachable, FirstLine(r.Value.Error))).ToList());
    }

    /// <summary>The frame to draw: the per-host table, or the summary when there are more than <see cref="RowLimit"/> hosts.</summary>
    public IRenderable Render() => Compact ? new SummaryView(Summary()) : RenderRows();

    private IRenderable RenderRows()
    {
        var now = time.GetUtcNow();
        // Plain columns that wrap at words to the terminal, as the recap does: no box, no padding, no word cut to fit.
        var table = new TextTable("host", "task", "ok", "changed", "failed", "state");
        var hosts = new List<HostLine>();
        foreach (var (host, row) in _rows.OrderBy(r => r.Key, HostNameOrder.Instance))
        {
            var state = row.Final switch
            {
                HostStatus.Failed or HostStatus.Unreachable => new Cell(JsonReportWriter.Name(row.Final.Value), "red"),
                HostStatus.Changed => new Cell("changed", "yellow"),
                HostStatus.Ok => new Cell("ok", "green"),
                _ => new Cell("running"),
            };
            var task = TaskLabel(row, now);
            table.AddRow(Display.Plain(host), Display.Plain(task), N(row.Ok), N(row.Changed), N(row.Failed), state);
            hosts.Add(new HostLine(state with { Text = $"{Display.Plain(host)} {state.Text} {new HostCounts(row.Ok, row.Changed, row.Failed, 0, 0)}" }, Display.Plain(task)));
        }

        return new HostRows(table, hosts);
    }

    /// <summary>One host of the narrow view: its name, state and counts (in the state's color), and its current task.</summary>
    private sealed record HostLine(Cell Line, string Task);

    /// <summary>
    /// The per-host view at the width it is drawn: the table while its headers stand whole; narrower, each host as its own lines
    /// ("web-1 running ok=2 changed=1 failed=0", then its task indented), wrapped at words as the summary is.
    /// </summary>
    private sealed class HostRows(TextTable table, IReadOnlyList<HostLine> hosts) : IRenderable
    {
        public Measurement Measure(RenderOptions options, int maxWidth) => new(1, maxWidth);

        public IEnumerable<Segment> Render(RenderOptions options, int maxWidth) => table.HeadersFit(maxWidth)
            ? table.Renderable().Render(options, maxWidth)
            : ((IRenderable)new Rows(NarrowLines(hosts, maxWidth).Select(l => new Markup(l)))).Render(options, maxWidth);
    }

    /// <summary>The narrow view's lines as markup, each at most <paramref name="width"/> columns.</summary>
    private static IEnumerable<string> NarrowLines(IReadOnlyList<HostLine> hosts, int width)
    {
        width = Math.Max(width, 3);
        foreach (var host in hosts)
        {
            foreach (var line in TextTable.Wrap(host.Line.Text, width))
            {
                yield return host.Line.Color is { } color ? $"[{color}]{Markup.Escape(line)}[/]" : Markup.Escape(line);
            }

            foreach (var line in host.Task.Length == 0 ? [] : TextTable.Wrap(host.Task, width - 2))
            {
                yield return "  " + Markup.Escape(line);
            }
        }
    }

    /// <summary>The summary as lines of markup for <paramref name="width"/> columns: bar and counts, then running, slowest and failed hosts.</summary>
    public static IReadOnlyList<string> SummaryLines(ProgressSummary s, int width = 80)
    {
        // The bar is one word: narrower than the terminal, or Spectre would cut it.
        var bar = Math.Clamp(width - 2, 1, BarWidth);
        var filled = s.Total == 0 ? 0 : s.Done * bar / s.Total;
        var lines = new List<string>
        {
            $"[[{new string('#', filled)}{new string('-', bar - filled)}]] {N(s.Done)}/{N(s.Total)} hosts done  "
            + $"[green]ok {N(s.Ok)}[/]  [yellow]changed {N(s.Changed)}[/]  [red]failed {N(s.Failed)}[/]  [red]unreachable {N(s.Unreachable)}[/]",
            $"running {N(s.Running.Count)}: {Names(s.Running.Select(Display.Markup), s.Running.Count)}",
        };
        if (s.Slowest.Count > 0)
        {
            lines.Add("slowest: " + string.Join(", ", s.Slowest.Select(h =>
                $"{Display.Markup(h.Host)} {h.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s{(h.Task.Length > 0 ? " (" + Display.Markup(h.Task) + ")" : "")}")));
        }

        if (s.FailedHosts.Count > 0)
        {
            lines.Add($"[red]failed {N(s.FailedHosts.Count)}:[/] " + Names(
                s.FailedHosts.Select(h => $"{Display.Markup(h.Host)}{(h.Unreachable ? " unreachable" : "")}{(h.Reason is { } r ? ": " + Display.Markup(r) : "")}"),
                s.FailedHosts.Count));
        }

        return lines;
    }

    /// <summary>The summary laid out at the width it is drawn.</summary>
    private sealed class SummaryView(ProgressSummary summary) : IRenderable
    {
        public Measurement Measure(RenderOptions options, int maxWidth) => new(1, maxWidth);

        public IEnumerable<Segment> Render(RenderOptions options, int maxWidth) =>
            ((IRenderable)new Rows(SummaryLines(summary, maxWidth).Select(l => new Markup(l)))).Render(options, maxWidth);
    }

    private static string Names(IEnumerable<string> names, int count) =>
        count == 0 ? "-" : string.Join(", ", names.Take(Listed)) + (count > Listed ? $" +{N(count - Listed)} more" : "");

    private static string? FirstLine(string? text) => text?.Split('\n')[0] is { Length: > 0 } line ? (line.Length > 80 ? line[..80] + "…" : line) : null;

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    private Row RowOf(string host)
    {
        if (!_rows.TryGetValue(host, out var row))
        {
            row = new Row(time.GetUtcNow());
            _rows[host] = row;
        }

        return row;
    }
}

/// <summary>The live summary at scale: hosts done of all, hosts by final status, and who is running, slowest and failed.</summary>
internal sealed record ProgressSummary(
    int Done, int Total, int Ok, int Changed, int Failed, int Unreachable, IReadOnlyList<string> Running, IReadOnlyList<SlowHost> Slowest, IReadOnlyList<FailedHost> FailedHosts);

/// <summary>A running host and how long it has been running, with its current task.</summary>
internal sealed record SlowHost(string Host, TimeSpan Elapsed, string Task);

/// <summary>A host that failed or was unreachable, with the first line of why.</summary>
internal sealed record FailedHost(string Host, bool Unreachable, string? Reason);

/// <summary>A finished host's task counts, as Ansible's recap line gives them: a rescued or ignored failure is not a failure.</summary>
internal sealed record HostCounts(int Ok, int Changed, int Failed, int Rescued, int Ignored)
{
    /// <summary>"ok=1 changed=2 failed=0", then "rescued=N" and "ignored=N" when there are any.</summary>
    public override string ToString() =>
        $"ok={Ok} changed={Changed} failed={Failed}{(Rescued > 0 ? $" rescued={Rescued}" : "")}{(Ignored > 0 ? $" ignored={Ignored}" : "")}";
}
