using Fleet.Core.Reports;
using Fleet.Core.Results;
using Fleet.Tests;

namespace Fleet.Core.Tests.Reports;

/// <summary><c>fleet report merge</c>: shards' reports as one report with the exit code of the unsharded run.</summary>
public sealed class ReportMergeTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 18, 0, 0, TimeSpan.Zero);

    private static HostResult Host(string name, HostStatus status, TaskOutcome task = TaskOutcome.Ok)
    {
        var host = new HostResult(name, "10.0.0." + name.Length) { Status = status, DurationMs = 100, HostKeyFingerprint = "SHA256:x", Facts = new Dictionary<string, string> { ["ansible_hostname"] = name } };
        host.Tasks.Add(new TaskResult("Base", "Banner", "copy", task, task == TaskOutcome.Changed ? ["/etc/issue.net content changed"] : [], task == TaskOutcome.Changed ? "--- a\n+++ b\n" : null, task == TaskOutcome.Failed ? "exit 1" : null, 1, 20));
        return host;
    }

    private static RunReport Shard(int index, int count, params HostResult[] hosts) =>
        new("check", Start.AddSeconds(index), 1000 * index, hosts) { Playbooks = ["site.yml"], Shard = new Shard(index, count) };

    private static RunReport Merge(params RunReport[] reports) => ReportMerge.Merge(reports.Select((r, i) => ($"shard{i + 1}.json", r)).ToList());

    [Fact]
    public void Merge_Shards_HasEveryHostAndTheExitCodeOfTheWholeRun()
    {
        var merged = Merge(
            Shard(1, 3, Host("a", HostStatus.Ok)),
            Shard(2, 3, Host("b", HostStatus.Changed, TaskOutcome.Changed)),
            Shard(3, 3, Host("c", HostStatus.Ok)));

        Assert.Equal(["a", "b", "c"], merged.Hosts.Select(h => h.Name));
        Assert.Equal(ExitCodes.Drift, merged.ExitCode);
        Assert.Null(merged.Shard);
        Assert.Equal(["site.yml"], merged.Playbooks);
        Assert.Equal(Start.AddSeconds(1), merged.StartedAt);
        Assert.Equal(5000, merged.DurationMs); // from the first start to the last end (shard 3: start+3 s, 3 s long)
        ReportSchema.AssertValid(JsonReportWriter.ToJson(merged));
    }

    [Theory]
    [InlineData(HostStatus.Failed, ExitCodes.TaskFailed)]
    [InlineData(HostStatus.Unreachable, ExitCodes.Unreachable)]
    public void Merge_OneShardWorse_TheWorstWinsAsInOneRun(HostStatus status, int exit)
    {
        var bad = Host("c", status, status == HostStatus.Failed ? TaskOutcome.Failed : TaskOutcome.Ok);

        Assert.Equal(exit, Merge(Shard(1, 2, Host("a", HostStatus.Changed, TaskOutcome.Changed)), Shard(2, 2, bad)).ExitCode);
    }

    [Fact]
    public void Merge_AnInterruptedShard_IsInterrupted() =>
        Assert.Equal(ExitCodes.Interrupted, Merge(Shard(1, 2, Host("a", HostStatus.Ok)), Shard(2, 2, Host("b", HostStatus.Ok)) with { Interrupted = true }).ExitCode);

    [Fact]
    public void Merge_AnEmptyShard_IsFine() =>
        Assert.Equal(ExitCodes.Success, Merge(Shard(1, 2, Host("a", HostStatus.Ok)), Shard(2, 2)).ExitCode);

    [Fact]
    public void Merge_ShardMissing_IsRefused()
    {
        var error = Assert.Throws<FleetInputException>(() => Merge(Shard(1, 3, Host("a", HostStatus.Ok)), Shard(3, 3, Host("c", HostStatus.Ok))));

        Assert.Contains("shard(s) 2/3 missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_ShardTwice_IsRefused()
    {
        var error = Assert.Throws<FleetInputException>(() => Merge(Shard(1, 2, Host("a", HostStatus.Ok)), Shard(1, 2, Host("b", HostStatus.Ok)), Shard(2, 2)));

        Assert.Contains("shard 1/2 is given more than once: shard1.json, shard2.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_DifferentShardCounts_IsRefused()
    {
        var error = Assert.Throws<FleetInputException>(() => Merge(Shard(1, 2, Host("a", HostStatus.Ok)), Shard(2, 3, Host("b", HostStatus.Ok))));

        Assert.Contains("shard counts differ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_DifferentModes_IsRefused()
    {
        var error = Assert.Throws<FleetInputException>(() => Merge(Shard(1, 2, Host("a", HostStatus.Ok)), Shard(2, 2) with { Mode = "apply" }));

        Assert.Contains("shard2.json: mode apply, but shard1.json is check", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_DifferentPlaybooks_IsRefused()
    {
        var error = Assert.Throws<FleetInputException>(() => Merge(Shard(1, 2, Host("a", HostStatus.Ok)), Shard(2, 2) with { Playbooks = ["other.yml"] }));

        Assert.Contains("shard2.json: playbooks [other.yml], but shard1.json ran [site.yml]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_OverlappingHosts_IsRefused()
    {
        var error = Assert.Throws<FleetInputException>(() => Merge(Shard(1, 2, Host("a", HostStatus.Ok)), Shard(2, 2, Host("a", HostStatus.Ok))));

        Assert.Contains("shard2.json: host a is also in shard1.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_UnshardedRunsOverDisjointHosts_IsAllowed()
    {
        var merged = Merge(Shard(1, 1, Host("a", HostStatus.Ok)) with { Shard = null }, Shard(1, 1, Host("b", HostStatus.Ok)) with { Shard = null });

        Assert.Equal(["a", "b"], merged.Hosts.Select(h => h.Name));
    }

    [Fact]
    public void Merge_ShardAndUnshardedRun_IsRefused()
    {
        var error = Assert.Throws<FleetInputException>(() => Merge(Shard(1, 1, Host("a", HostStatus.Ok)), Shard(1, 1, Host("b", HostStatus.Ok)) with { Shard = null }));

        Assert.Contains("shard2.json: not a shard", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ReportWriterTests.Reports), MemberType = typeof(ReportWriterTests))]
    public void Read_WhatTheWriterWrote_WritesItAgainUnchanged(string json) =>
        Assert.Equal(json, JsonReportWriter.ToJson(JsonReportReader.Parse(json, "r.json")));

    [Theory]
    [InlineData("{}", "not a fleet-report/3 report (schema is missing)")]
    [InlineData("""{ "schema": "fleet-report/1" }""", "not a fleet-report/3 report (schema is 'fleet-report/1')")]
    [InlineData("""{ "schema": "fleet-report/3" }""", "not a valid fleet-report/3 report")]
    [InlineData("[1", "not a valid fleet-report/3 report")]
    public void Read_NotAReport_IsInputErrorNamingTheFile(string json, string message)
    {
        var error = Assert.Throws<FleetInputException>(() => JsonReportReader.Parse(json, "r.json"));

        Assert.StartsWith("r.json: " + message, error.Message, StringComparison.Ordinal);
    }
}
