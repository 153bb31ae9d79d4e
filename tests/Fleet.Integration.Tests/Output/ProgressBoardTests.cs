using Fleet.Cli.Output;
using Fleet.Core.Results;
using Spectre.Console;

namespace Fleet.Integration.Tests.Output;

/// <summary>The live view's model: one row per host for a few hosts, a bar with counts and host lists at scale; drawn without a terminal.</summary>
public sealed class ProgressBoardTests
{
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 26, 4, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static TaskResult Task(TaskOutcome status, string? message = null) => new("Base", "t", "copy", status, [], null, message, 1, 10);

    private static void Finish(ProgressBoard board, string host, HostStatus status, string? error = null)
    {
        var result = new HostResult(host, "10.0.0.1") { Status = status, Error = error };
        board.HostFinished(result);
    }

    private static string Draw(ProgressBoard board, int width = 200)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(writer) });
        console.Profile.Width = width;
        console.Write(board.Render());
        return writer.ToString();
    }

    [Fact]
    public void Render_FewHosts_OneRowPerHostInNaturalOrder()
    {
        var board = new ProgressBoard(new Clock());
        board.Expect(3);
        foreach (var host in new[] { "web-10", "web-2", "web-1" })
        {
            board.HostStarted(host);
        }

        board.TaskStarted("web-2", "install nginx");
        Finish(board, "web-10", HostStatus.Changed);

        var text = Draw(board);

        Assert.False(board.Compact);
        var rows = text.Split('\n').Where(l => l.Contains("web-", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Contains("web-1 ", rows[0], StringComparison.Ordinal);
        Assert.Contains("web-2 ", rows[1], StringComparison.Ordinal);
        Assert.Contains("install nginx", rows[1], StringComparison.Ordinal);
        Assert.Contains("web-10", rows[2], StringComparison.Ordinal);
        Assert.Contains("changed", rows[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Render_TaskRunningPastTenSeconds_ShowsItsElapsedTime()
    {
        var clock = new Clock();
        var board = new ProgressBoard(clock);
        board.Expect(2);
        board.HostStarted("web-1");
        board.HostStarted("web-2");
        board.TaskStarted("web-1", "AIDE database built once");
        clock.Now = clock.Now.AddSeconds(75);
        board.TaskStarted("web-2", "quick task");
        clock.Now = clock.Now.AddSeconds(8);

        var rows = Draw(board).Split('\n').Where(l => l.Contains("web-", StringComparison.Ordinal)).ToList();

        Assert.Contains("AIDE database built once (1m 23s)", rows[0], StringComparison.Ordinal);
        Assert.Contains("quick task ", rows[1], StringComparison.Ordinal);
        Assert.DoesNotContain("quick task (", rows[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NarrowTerminal_WrapsAtWordsWithoutPaddingOrBox()
    {
        var clock = new Clock();
        var board = new ProgressBoard(clock);
        board.Expect(1);
        board.HostStarted("web-1");
        board.TaskStarted("web-1", "AIDE checksums named explicitly (sha512; Debian's H computes every hash, slower)");
        clock.Now = clock.Now.AddSeconds(75);

        var lines = Draw(board, 60).TrimEnd('\n').Split('\n');
        var narrowest = Draw(board, 30).TrimEnd('\n').Split('\n');

        Assert.All(lines, l => Assert.True(l.Length <= 60, $"wider than 60: '{l}'"));
        Assert.All(narrowest, l => Assert.True(l.Length <= 30, $"wider than 30: '{l}'"));
        Assert.All(lines.Concat(narrowest), l => Assert.False(l.EndsWith(' '), $"padded: '{l}'"));
        Assert.DoesNotContain(lines, l => l.Contains('│') || l.Contains('─'));
        var words = string.Join(" ", lines).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var word in new[] { "explicitly", "(sha512;", "computes", "(1m", "15s)" })
        {
            Assert.Contains(word, words);
        }
    }

    [Theory]
    [InlineData(40)]
    [InlineData(30)]
    public void Render_TooNarrowForTheCountHeaders_EachHostOnItsOwnLinesWithWholeCounts(int width)
    {
        var board = new ProgressBoard(new Clock());
        board.Expect(3);
        foreach (var host in new[] { "web-1", "web-2", "web-10" })
        {
            board.HostStarted(host);
        }

        board.TaskStarted("web-1", "install the packages the baseline needs");
        board.TaskFinished("web-1", Task(TaskOutcome.Changed));
        Finish(board, "web-10", HostStatus.Unreachable, "connection refused");

        var lines = Draw(board, width).TrimEnd('\n').Split('\n');
        var wide = Draw(board, 80).TrimEnd('\n').Split('\n');

        Assert.All(lines, l => Assert.True(l.Length <= width, $"wider than {width}: '{l}'"));
        Assert.All(lines, l => Assert.False(l.EndsWith(' '), $"padded: '{l}'"));
        var words = string.Join(" ", lines).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var word in new[] { "web-1", "running", "ok=0", "changed=1", "failed=0", "web-10", "unreachable", "packages", "baseline" })
        {
            Assert.Contains(word, words);
        }

        Assert.Equal(["web-1", "web-2", "web-10"], lines.Where(l => l.StartsWith("web-", StringComparison.Ordinal)).Select(l => l.Split(' ')[0]));
        Assert.Contains(lines, l => l.StartsWith("  install", StringComparison.Ordinal));
        Assert.Equal(["host", "task", "ok", "changed", "failed", "state"], wide[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData(30)]
    [InlineData(20)]
    public void Render_ManyHostsNarrow_TheBarFitsWhole(int width)
    {
        var board = new ProgressBoard(new Clock());
        board.Expect(100);
        for (var i = 1; i <= 100; i++)
        {
            board.HostStarted($"db-{i}");
        }

        for (var i = 1; i <= 50; i++)
        {
            Finish(board, $"db-{i}", HostStatus.Ok);
        }

        var lines = Draw(board, width).TrimEnd('\n').Split('\n');

        Assert.All(lines, l => Assert.True(l.Length <= width, $"wider than {width}: '{l}'"));
        Assert.Equal($"[{new string('#', (width - 2) / 2)}{new string('-', width - 2 - ((width - 2) / 2))}]", lines[0].TrimEnd());
        Assert.Contains("50/100", lines[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(9, "9s")]
    [InlineData(83, "1m 23s")]
    [InlineData(3600 + 120 + 5, "1h 2m 5s")]
    public void Elapsed_WholeSecondsMinutesHours(int seconds, string shown) => Assert.Equal(shown, ProgressBoard.Elapsed(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void StillRunning_ATaskPastEachMinute_IsReturnedOncePerMinute()
    {
        var clock = new Clock();
        var board = new ProgressBoard(clock);
        board.HostStarted("web-1");
        board.TaskStarted("web-1", "AIDE database built once");
        var every = TimeSpan.FromMinutes(1);

        clock.Now = clock.Now.AddSeconds(59);
        var early = board.StillRunning(every);
        clock.Now = clock.Now.AddSeconds(1);
        var first = board.StillRunning(every);
        var again = board.StillRunning(every);
        clock.Now = clock.Now.AddSeconds(60);
        var second = board.StillRunning(every);
        board.TaskStarted("web-1", "next");
        clock.Now = clock.Now.AddSeconds(30);
        var next = board.StillRunning(every);

        Assert.Empty(early);
        Assert.Equal([new SlowHost("web-1", TimeSpan.FromMinutes(1), "AIDE database built once")], first);
        Assert.Empty(again);
        Assert.Equal([new SlowHost("web-1", TimeSpan.FromMinutes(2), "AIDE database built once")], second);
        Assert.Empty(next);
    }

    [Fact]
    public void HostFinished_RescuedAndIgnoredFailures_CountedAsAnsibleDoesNotAsFailed()
    {
        var board = new ProgressBoard(new Clock());
        board.HostStarted("web-1");
        var tasks = new[] { Task(TaskOutcome.Changed), Task(TaskOutcome.Failed, "boom"), Task(TaskOutcome.Ok), Task(TaskOutcome.Failed, "ignored") };
        foreach (var task in tasks)
        {
            board.TaskFinished("web-1", task); // the failure is counted here, before its block's rescue runs
        }

        var result = new HostResult("web-1", "10.0.0.1") { Status = HostStatus.Changed };
        result.Tasks.AddRange([tasks[0], tasks[1] with { Rescued = true }, tasks[2], tasks[3] with { Ignored = true }]);

        var counts = board.HostFinished(result);

        Assert.Equal(new HostCounts(Ok: 1, Changed: 1, Failed: 0, Rescued: 1, Ignored: 1), counts);
        Assert.Equal("ok=1 changed=1 failed=0 rescued=1 ignored=1", counts.ToString());
    }

    [Fact]
    public void Summary_ManyHosts_CountsRunningSlowestAndFailed()
    {
        var clock = new Clock();
        var board = new ProgressBoard(clock);
        board.Expect(500);
        for (var i = 1; i <= 60; i++)
        {
            board.HostStarted($"web-{i}");
            clock.Now = clock.Now.AddSeconds(1);
        }

        for (var i = 1; i <= 50; i++)
        {
            board.TaskFinished($"web-{i}", Task(TaskOutcome.Ok));
            Finish(board, $"web-{i}", i switch
            {
                <= 40 => HostStatus.Ok,
                <= 46 => HostStatus.Changed,
                <= 48 => HostStatus.Failed,
                _ => HostStatus.Unreachable,
            }, i > 46 ? $"reason of web-{i}\nsecond line" : null);
        }

        board.TaskStarted("web-51", "apt: install");

        var s = board.Summary();

        Assert.True(board.Compact);
        Assert.Equal((50, 500, 40, 6, 2, 2), (s.Done, s.Total, s.Ok, s.Changed, s.Failed, s.Unreachable));
        Assert.Equal(Enumerable.Range(51, 10).Select(i => $"web-{i}"), s.Running);
        Assert.Equal(["web-51", "web-52", "web-53", "web-54", "web-55"], s.Slowest.Select(h => h.Host));
        Assert.Equal(TimeSpan.FromSeconds(10), s.Slowest[0].Elapsed); // started at second 50, now is second 60
        Assert.Equal("apt: install", s.Slowest[0].Task);
        Assert.Equal(
            [new FailedHost("web-47", false, "reason of web-47"), new FailedHost("web-48", false, "reason of web-48"), new FailedHost("web-49", true, "reason of web-49"), new FailedHost("web-50", true, "reason of web-50")],
            s.FailedHosts);
    }

    [Fact]
    public void Render_ManyHosts_ABarAndListsNotARowPerHost()
    {
        var board = new ProgressBoard(new Clock());
        board.Expect(100);
        for (var i = 1; i <= 100; i++)
        {
            board.HostStarted($"db-{i}");
        }

        for (var i = 1; i <= 50; i++)
        {
            Finish(board, $"db-{i}", i == 7 ? HostStatus.Unreachable : HostStatus.Ok, i == 7 ? "connection refused" : null);
        }

        var lines = Draw(board).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToList();

        Assert.Equal(4, lines.Count);
        Assert.Equal("[###############---------------] 50/100 hosts done  ok 49  changed 0  failed 0  unreachable 1", lines[0]);
        Assert.Equal("running 50: db-51, db-52, db-53, db-54, db-55 +45 more", lines[1]);
        Assert.StartsWith("slowest: db-51 0.0 s (connecting), db-52", lines[2], StringComparison.Ordinal);
        Assert.Equal("failed 1: db-7 unreachable: connection refused", lines[3]);
    }

    [Fact]
    public void Compact_MoreHostsThanTheRowLimit_SwitchesFromRowsToSummary()
    {
        var board = new ProgressBoard(new Clock());
        board.Expect(ProgressBoard.RowLimit);
        Assert.False(board.Compact);
        board.Expect(ProgressBoard.RowLimit + 1);
        Assert.True(board.Compact);
    }
}
