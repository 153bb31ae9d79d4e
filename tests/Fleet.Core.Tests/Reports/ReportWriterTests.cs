using System.Text.Json;
using System.Xml.Linq;
using Fleet.Core.Reports;
using Fleet.Core.Results;
using Fleet.Tests;

namespace Fleet.Core.Tests.Reports;

public sealed class ReportWriterTests
{
    private static RunReport Sample(string mode)
    {
        var web = new HostResult("web-1", "203.0.113.10") { Status = HostStatus.Changed, DurationMs = 2100 };
        web.Tasks.Add(new TaskResult("Firewall", "Enable <the> firewall & \"more\"", "ufw", TaskOutcome.Changed, ["ufw enabled"], "--- a\n+++ b\n", null, 1, 180));
        web.Tasks.Add(new TaskResult("Firewall", "Skipped one", "command", TaskOutcome.Skipped, [], null, "condition false", 1, 0));
        web.Tasks.Add(new TaskResult("Audit", "Lynis", "lynis", TaskOutcome.Ok, [], null, "hardening index 81", 1, 60000)
        {
            Result = ModuleResult.Build(TaskOutcome.Ok, "hardening index 81", null, new Dictionary<string, object?> { ["hardening_index"] = 81, ["warnings"] = Array.Empty<string>(), ["suggestions"] = Enumerable.Range(1, 23).Select(i => $"S-{i}").ToList() }),
        });
        var db = new HostResult("db-1", "198.51.100.20") { Status = HostStatus.Unreachable, Error = "connection refused" };
        return new RunReport(mode, new DateTimeOffset(2026, 11, 24, 18, 0, 0, TimeSpan.Zero), 2310, [web, db]);
    }

    [Fact]
    public void Json_MatchesTheDocumentedSchema()
    {
        using var json = JsonDocument.Parse(JsonReportWriter.ToJson(Sample("apply")));
        var root = json.RootElement;

        Assert.Equal("fleet-report/3", root.GetProperty("schema").GetString());
        Assert.Equal("2026-11-24T18:00:00Z", root.GetProperty("startedAt").GetString());
        Assert.Equal("""{"hosts":2,"ok":0,"changed":1,"failed":0,"unreachable":1}""", JsonSerializer.Serialize(root.GetProperty("totals")));
        var web = root.GetProperty("hosts")[0];
        Assert.Equal(JsonValueKind.Null, web.GetProperty("error").ValueKind);
        Assert.Equal("""{"hardeningIndex":81,"warnings":[],"suggestions":23}""", JsonSerializer.Serialize(web.GetProperty("audit")));
        var task = web.GetProperty("tasks")[0];
        Assert.Equal("changed", task.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, task.GetProperty("message").ValueKind);
        Assert.False(root.GetProperty("hosts")[1].TryGetProperty("audit", out _));
        Assert.Equal("unreachable", root.GetProperty("hosts")[1].GetProperty("status").GetString());
    }

    /// <summary>Reports of every shape the writer produces: each mode, every status, optional keys present and absent.</summary>
    public static TheoryData<string> Reports()
    {
        var failed = new HostResult("app-1", "203.0.113.30")
        {
            Status = HostStatus.Failed,
            Error = "task 'Broken' failed: exit 1",
            HostKeyFingerprint = "SHA256:Z9u0m1k2",
            KeyExchange = "curve25519-sha256",
            Facts = new Dictionary<string, string> { ["ansible_distribution"] = "Debian", ["ansible_kernel"] = "6.1.0" },
        };
        failed.Tasks.Add(new TaskResult("Play", "Tolerated", "shell", TaskOutcome.Failed, [], null, "exit 3", 2, 40, Ignored: true));
        failed.Tasks.Add(new TaskResult("Play", "Secret", "copy", TaskOutcome.Changed, ["(hidden: no_log)"], null, null, 1, 12));
        failed.Tasks.Add(new TaskResult("Play", "Converged", "lineinfile", TaskOutcome.Ok, [], null, "/etc/x already as desired", 1, 0));
        failed.Tasks.Add(new TaskResult("Play", "Broken", "command", TaskOutcome.Failed, [], null, "exit 1", 1, 7));
        var audited = new HostResult("lab-01", "10.213.1.10") { Status = HostStatus.Ok };
        audited.Tasks.Add(new TaskResult("Audit", "Lynis", "lynis", TaskOutcome.Ok, [], null, "hardening index 67", 1, 60000)
        {
            Result = ModuleResult.Build(TaskOutcome.Ok, "hardening index 67", null, new Dictionary<string, object?> { ["hardening_index"] = 67, ["warnings"] = new List<string> { "AUTH-9286: no password aging" }, ["suggestions"] = new List<string> { "SSH-7408: harden" } }),
            Warnings = ["1 Lynis warning"],
        });
        var pinged = new HostResult("lab-02", "10.213.1.11") { HostKeyFingerprint = "SHA256:abc", Facts = new Dictionary<string, string> { ["ansible_hostname"] = "lab-02" } };
        var data = new TheoryData<string>();
        foreach (var report in new[]
        {
            Sample("apply"),
            Sample("check"),
            Sample("apply") with { Interrupted = true },
            new RunReport("apply", DateTimeOffset.UnixEpoch, 0, [failed]),
            new RunReport("audit", DateTimeOffset.UnixEpoch, 10, [audited]),
            new RunReport("ping", DateTimeOffset.UnixEpoch, 10, [pinged]),
            new RunReport("check", DateTimeOffset.UnixEpoch, 0, []),
            Sample("check") with { Playbooks = ["playbooks/site.yml", "/abs/other.yml"], Shard = new Shard(2, 3) },
        })
        {
            data.Add(JsonReportWriter.ToJson(report));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Reports))]
    public void Json_EveryShape_ConformsToThePublishedSchema(string json) => ReportSchema.AssertValid(json);

    [Theory]
    [InlineData("\"interrupted\": false", "\"interrupted\": false, \"extra\": 1", "additionalProperties")]
    [InlineData("\"status\": \"changed\"", "\"status\": \"drifted\"", "enum")]
    [InlineData("\"schema\": \"fleet-report/3\"", "\"schema\": \"fleet-report/1\"", "const")]
    [InlineData("\"shard\": null", "\"shard\": { \"index\": 0, \"count\": 3 }", "")]
    [InlineData("\"playbooks\": [],", "", "required")]
    [InlineData("\"attempts\": 1", "\"attempts\": 0", "minimum")]
    [InlineData("\"startedAt\": \"2026-11-24T18:00:00Z\"", "\"startedAt\": \"yesterday\"", "")]
    [InlineData("\"hostKey\": null,", "", "required")]
    [InlineData("\"keyExchange\": null,", "", "required")]
    public void Schema_RejectsAReportThatBreaksTheContract(string original, string broken, string keyword)
    {
        var json = JsonReportWriter.ToJson(Sample("apply"));
        Assert.Contains(original, json, StringComparison.Ordinal);

        var problems = ReportSchema.Problems(json.Replace(original, broken, StringComparison.Ordinal));

        Assert.NotEmpty(problems);
        Assert.Contains(problems, p => p.Contains(keyword, StringComparison.Ordinal));
    }

    [Fact]
    public void JUnit_UnreachableIsFailedConnectAndNamesAreEscaped()
    {
        var xml = XDocument.Parse(JUnitReportWriter.ToXml(Sample("apply")));

        var suites = xml.Root!.Elements("testsuite").ToList();
        Assert.Equal(["web-1", "db-1"], suites.Select(s => (string)s.Attribute("name")!));
        Assert.Equal("Enable <the> firewall & \"more\"", (string)suites[0].Elements("testcase").First().Attribute("name")!);
        Assert.Empty(suites[0].Descendants("failure"));
        Assert.Single(suites[0].Descendants("skipped"));
        Assert.Equal("connect", (string)suites[1].Element("testcase")!.Attribute("name")!);
        Assert.Equal("unreachable", (string)suites[1].Descendants("failure").Single().Attribute("type")!);
    }

    [Fact]
    public void JUnit_CheckMode_DriftIsAFailure()
    {
        var xml = XDocument.Parse(JUnitReportWriter.ToXml(Sample("check")));

        var failure = xml.Root!.Element("testsuite")!.Descendants("failure").Single();
        Assert.Equal("drift", (string)failure.Attribute("type")!);
        Assert.Contains("+++ b", failure.Value, StringComparison.Ordinal);
        Assert.Equal("2", (string)xml.Root.Attribute("failures")!);
    }

    [Fact]
    public void JUnit_ControlCharactersFromHosts_AreMadeVisible()
    {
        var host = new HostResult("web-1", "203.0.113.10") { Status = HostStatus.Failed };
        host.Tasks.Add(new TaskResult("Play", "Colored", "shell", TaskOutcome.Failed, [], null, "exit 1: \u001b[31mred\u0001 bad \ud800 end\r\n", 1, 5));
        var report = new RunReport("apply", DateTimeOffset.UnixEpoch, 5, [host]);

        var failure = XDocument.Parse(JUnitReportWriter.ToXml(report)).Descendants("failure").Single();

        Assert.Equal("exit 1: \\x1B[31mred\\x01 bad \uFFFD end\n", failure.Attribute("message")!.Value);
    }

    [Theory]
    [InlineData("plain text\n\ttab", "plain text\n\ttab")]
    [InlineData("a\u001b[2Jb", "a\\x1B[2Jb")]
    [InlineData("cr\rlf\r\n", "cr\\x0Dlf\n")]
    [InlineData("c1 \u009b x", "c1 \\x9B x")]
    public void PrintableText_EscapesControlCharacters(string text, string expected) =>
        Assert.Equal(expected, PrintableText.Of(text));

    [Fact]
    public void ExitCode_FollowsPrecedence()
    {
        Assert.Equal(ExitCodes.Unreachable, Sample("apply").ExitCode);
        Assert.Equal(ExitCodes.Interrupted, (Sample("apply") with { Interrupted = true }).ExitCode);
    }
}
