using Fleet.Cli.Commands;
using Fleet.Cli.Output;
using Fleet.Core.Inputs;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Cli;

/// <summary>Every table Fleet prints fits the width (the terminal's, 80 columns piped): no longer line, no trailing padding, no word cut that fits its column.</summary>
public sealed class TableWrappingTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    public static TheoryData<int> Widths => new([80, 40]);

    [Theory]
    [MemberData(nameof(Widths))]
    public void TextTable_LongCells_WrapAtSpacesWithinTheWidth(int width)
    {
        var text = "the quick brown fox jumps over the lazy dog and keeps running past the farm until evening";
        var table = new TextTable("name", "value", "note").AddRow("web-1", text, "ok").AddRow("db-1", "short", text);

        var lines = table.Lines(width);

        AssertFits(lines, width);
        var words = text.Split(' ');
        Assert.All(words, word => Assert.Contains(lines, line => line.Split(' ').Contains(word)));
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void TextTable_WordWiderThanItsColumn_IsCutOnlyThen(int width)
    {
        var word = new string('x', 100);
        var table = new TextTable("host", "key").AddRow("web-1", word);

        var lines = table.Lines(width);

        AssertFits(lines, width);
        Assert.Equal(word, string.Concat(lines.Skip(2).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1])));
        Assert.Contains(lines, l => l.StartsWith("web-1  ", StringComparison.Ordinal));
    }

    [Fact]
    public void TextTable_FitsWithoutWrapping_KeepsEachRowOnOneLine()
    {
        var table = new TextTable("host", "ok") { Title = "Recap" }.AddRow("web-1", "3").AddRow("db-1", "");

        Assert.Equal(["Recap", "host   ok", "-----  --", "web-1  3", "db-1"], table.Lines(80));
    }

    [Theory]
    [InlineData(80, true)]
    [InlineData(45, true)]
    [InlineData(40, false)]
    [InlineData(30, false)]
    public void TextTable_HeadersFit_OnlyWhileNoHeaderIsCut(int width, bool fits)
    {
        var table = new TextTable("host", "task", "ok", "changed", "failed", "state").AddRow("web-1", "install packages", "1", "0", "0", "running");

        Assert.Equal(fits, table.HeadersFit(width));
        Assert.Equal(fits, table.Lines(width)[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).SequenceEqual(["host", "task", "ok", "changed", "failed", "state"]));
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Recap_ManyHostsAndCounts_FitsTheWidth(int width)
    {
        var hosts = Enumerable.Range(1, 3).Select(i => new HostResult($"web-0{i}.example", "10.0.0." + i) { DurationMs = 12_345 }).ToList();
        hosts[0].Tasks.Add(new TaskResult("p", "t", "command", TaskOutcome.Changed, ["ran"], null, null, 1, 0));

        var lines = RecapTable.Table(new RunReport("apply", DateTimeOffset.UnixEpoch, 1, hosts)).Lines(width);

        AssertFits(lines, width);
        if (width == 80)
        {
            Assert.Contains(lines, l => l.StartsWith("web-01.example  ", StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Inventory_LongVariables_WrapBetweenValues(int width)
    {
        var inventory = _files.Write("inv.yml", """
            all:
              vars: { ansible_user: deploy, tier: front, datacenter: eu-central-frankfurt-1, owner: platform-team }
              children:
                web:
                  hosts:
                    web-1: { ansible_host: 192.0.2.10, http_port: 8080, motd: "welcome to the web tier of the example fleet" }
                    web-2: { ansible_host: 192.0.2.11 }
            """);
        var inputs = RunInputs.Load(new RunInputsOptions { Inventory = inventory, CheckTargets = false });

        var lines = InventoryCommand.Table(inputs, inputs.LimitedHosts).Lines(width);

        AssertFits(lines, width);
        if (width == 80)
        {
            // The case: values were broken mid-word at 80 columns.
            // Variables as written and by name (ansible-inventory's order): tier is the last, with no comma after it.
            Assert.All(["datacenter=eu-central-frankfurt-1,", "ansible_host=192.0.2.10,", "owner=platform-team,", "tier=front"], token => Assert.Contains(lines, line => line.Split(' ').Contains(token)));
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Ping_And_Audit_FitTheWidth(int width)
    {
        var host = new HostResult("web-1", "192.0.2.10:22")
        {
            HostKeyFingerprint = "SHA256:" + new string('A', 43),
            Facts = new Dictionary<string, string> { ["ansible_distribution"] = "Debian", ["ansible_distribution_version"] = "12", ["ansible_kernel"] = "6.18.44-fc-v1147", ["ansible_service_mgr"] = "systemd" },
        };
        var down = new HostResult("db-1", "192.0.2.11:22") { Status = HostStatus.Unreachable, Error = "connection refused by 192.0.2.11:22 after 3 attempts" };
        var report = new RunReport("ping", DateTimeOffset.UnixEpoch, 1, [host, down]);

        var ping = PingCommand.Table(report).Lines(width);
        AssertFits(ping, width);
        AssertFits(AuditCommand.Table(report).Lines(width), width);
        if (width == 80)
        {
            // Only the fingerprint, a word wider than any column, is cut; the kernel version was split in two at 80 columns.
            var reachable = PingCommand.Table(new RunReport("ping", DateTimeOffset.UnixEpoch, 1, [host])).Lines(width);
            AssertFits(reachable, width);
            Assert.Contains(reachable, line => line.Split(' ').Contains("6.18.44-fc-v1147"));
        }
    }

    /// <summary>No line longer than <paramref name="width"/>, none ending in a space.</summary>
    internal static void AssertFits(IEnumerable<string> lines, int width)
    {
        Assert.All(lines, line =>
        {
            Assert.True(line.Length <= width, $"{line.Length} columns at width {width}: '{line}'");
            Assert.False(line.EndsWith(' '), $"trailing space: '{line}'");
        });
    }
}
