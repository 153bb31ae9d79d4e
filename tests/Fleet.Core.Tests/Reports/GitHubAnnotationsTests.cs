using Fleet.Core.Reports;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Reports;

/// <summary>GitHub Actions annotations: drift and failures point at the task's file and line.</summary>
public sealed class GitHubAnnotationsTests
{
    private static readonly SourceLocation Banner = new("/repo/playbooks/site.yml", 12, 7);

    private static HostResult Host(string name, HostStatus status, TaskOutcome outcome, string? message = null, IReadOnlyList<string>? changes = null)
    {
        var host = new HostResult(name, name) { Status = status };
        host.Tasks.Add(new TaskResult("Baseline", "Legal banner", "copy", outcome, changes ?? [], null, message, 1, 5) { Location = Banner });
        return host;
    }

    [Fact]
    public void Lines_CheckWithDrift_OneWarningPerTaskListingItsHosts()
    {
        var report = new RunReport("check", DateTimeOffset.UnixEpoch, 1,
            [Host("web-1", HostStatus.Changed, TaskOutcome.Changed, changes: ["/etc/issue.net content changed"]), Host("web-2", HostStatus.Changed, TaskOutcome.Changed, changes: ["/etc/issue.net content changed"]), Host("web-3", HostStatus.Ok, TaskOutcome.Ok)]);

        var lines = GitHubAnnotations.Lines(report, "/repo");

        Assert.Equal(["::warning file=playbooks/site.yml,line=12,col=7,title=fleet drift%3A Legal banner::Baseline / Legal banner on web-1, web-2: would change: /etc/issue.net content changed"], lines);
    }

    [Fact]
    public void Lines_Apply_ChangesAreNotDriftButFailuresAreErrors()
    {
        var report = new RunReport("apply", DateTimeOffset.UnixEpoch, 1,
            [Host("web-1", HostStatus.Changed, TaskOutcome.Changed), Host("web-2", HostStatus.Failed, TaskOutcome.Failed, "exit 1:\nno space, 100% full"), Host("db-1", HostStatus.Unreachable, TaskOutcome.Ok)]);
        report.Hosts[2].Tasks.Clear();
        report.Hosts[2].Error = "connection refused";

        var lines = GitHubAnnotations.Lines(report, "/elsewhere");

        Assert.Equal(
            [
                // Outside the workspace the path stays absolute; newlines and % are escaped so the message stays one command.
                "::error file=/repo/playbooks/site.yml,line=12,col=7,title=fleet task failed%3A Legal banner::Baseline / Legal banner on web-2: exit 1:%0Ano space, 100%25 full",
                "::error title=fleet unreachable%3A db-1::db-1: connection refused",
            ],
            lines);
    }

    [Fact]
    public void Lines_IgnoredFailureAndSuccess_NoAnnotation()
    {
        var host = Host("web-1", HostStatus.Ok, TaskOutcome.Failed, "exit 3");
        host.Tasks[0] = host.Tasks[0] with { Ignored = true };

        Assert.Empty(GitHubAnnotations.Lines(new RunReport("check", DateTimeOffset.UnixEpoch, 1, [host, Host("web-2", HostStatus.Ok, TaskOutcome.Ok)]), "/repo"));
    }

    [Fact]
    public void Lines_ManyHosts_ListsTheFirstAndCountsTheRest()
    {
        var hosts = Enumerable.Range(1, 25).Select(i => Host($"h{i}", HostStatus.Changed, TaskOutcome.Changed, changes: ["x"])).ToList();

        var line = Assert.Single(GitHubAnnotations.Lines(new RunReport("check", DateTimeOffset.UnixEpoch, 1, hosts), "/repo"));

        Assert.Contains("h19, h20 and 5 more: would change: x", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Lines_HostText_CannotStartAnotherWorkflowCommand()
    {
        var report = new RunReport("check", DateTimeOffset.UnixEpoch, 1, [Host("web-1", HostStatus.Failed, TaskOutcome.Failed, "boom\n::add-mask::x\r\n\u001b[31m")]);

        var line = Assert.Single(GitHubAnnotations.Lines(report, "/repo"));

        Assert.EndsWith("boom%0A::add-mask::x%0A\\x1B[31m", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
    }
}
