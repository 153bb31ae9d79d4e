using System.Net;
using Fleet.Enforce;
using Microsoft.Extensions.Configuration;

namespace Fleet.Core.Tests.Enforce;

/// <summary>Options from configuration: durations, addresses, precedence (appsettings.json &lt; FLEET_ variables &lt; command line).</summary>
public sealed class EnforceOptionsTests : IDisposable
{
    private readonly TempFiles _files = new();

    [Theory]
    [InlineData("30m", 1800)]
    [InlineData("5s", 5)]
    [InlineData("1h30m", 5400)]
    [InlineData("250ms", 0.25)]
    [InlineData("2d", 172800)]
    [InlineData("90", 90)]
    [InlineData("00:00:05", 5)]
    public void ParseDuration_CommonForms(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), EnforceOptions.ParseDuration(text));

    [Theory]
    [InlineData("5x")]
    [InlineData("m")]
    [InlineData("-5s")]
    [InlineData("five minutes")]
    public void ParseDuration_Nonsense_IsNull(string text) => Assert.Null(EnforceOptions.ParseDuration(text));

    [Theory]
    [InlineData("127.0.0.1:9464", "127.0.0.1:9464")]
    [InlineData("[::1]:9100", "[::1]:9100")]
    [InlineData("localhost:9100", "127.0.0.1:9100")]
    [InlineData("0.0.0.0:9464", "0.0.0.0:9464")]
    public void ParseListen_Addresses(string text, string expected) => Assert.Equal(expected, EnforceOptions.ParseListen(text)!.ToString());

    [Fact]
    public void ParseListen_Off_IsNoEndpoint() => Assert.Null(EnforceOptions.ParseListen("off"));

    [Fact]
    public void Defaults_LoopbackMetrics_CheckMode_ThirtyMinutes_StrictHostKeys()
    {
        var options = EnforceOptions.From(Config(new() { ["Inventory"] = "inv.yml", ["Playbooks:0"] = "pb.yml" }), "/state");

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 9464), options.MetricsListen);
        Assert.Equal("check", options.Mode);
        Assert.Equal(TimeSpan.FromMinutes(30), options.Every);
        Assert.Equal("strict", options.HostKeyPolicy);
        Assert.Null(options.MaxChangedHosts);
    }

    [Fact]
    public void TaskTimeout_NoneByDefault_AsInAnsible_SetByTimeout()
    {
        var none = EnforceOptions.From(Config(new() { ["Inventory"] = "inv.yml", ["Playbooks:0"] = "pb.yml" }), "/state");
        var given = EnforceOptions.From(Config(new() { ["Inventory"] = "inv.yml", ["Playbooks:0"] = "pb.yml", ["TaskTimeout"] = "45m" }), "/state");

        Assert.Null(none.TaskTimeout);
        Assert.Equal(TimeSpan.FromMinutes(45), given.TaskTimeout);
    }

    [Fact]
    public void TaskTimeout_UnderOneSecond_IsRefused()
    {
        var ex = Assert.Throws<FleetInputException>(() => EnforceOptions.From(
            Config(new() { ["Inventory"] = "i", ["Playbooks:0"] = "p", ["TaskTimeout"] = "0s" }), "/state"));

        Assert.Contains("Timeout must be a duration", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RolesPath_IsBoundAsWritten_NoneByDefault()
    {
        var given = EnforceOptions.From(Config(new() { ["Inventory"] = "inv.yml", ["Playbooks:0"] = "pb.yml", ["RolesPath"] = "/srv/roles:roles" }), "/state");
        var none = EnforceOptions.From(Config(new() { ["Inventory"] = "inv.yml", ["Playbooks:0"] = "pb.yml" }), "/state");

        Assert.Equal("/srv/roles:roles", given.RolesPath);
        Assert.Null(none.RolesPath);
    }

    [Fact]
    public void InvalidValues_AreAllReportedWithTheirKeys()
    {
        var ex = Assert.Throws<FleetInputException>(() => EnforceOptions.From(
            Config(new() { ["Every"] = "soon", ["Mode"] = "fix", ["MetricsListen"] = "everywhere", ["MaxChangedHosts"] = "-1", ["Splay"] = "1h" }), "/state"));

        var messages = ex.Errors.Select(e => e.Message).ToList();
        Assert.Contains(messages, m => m.StartsWith("an inventory is required", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("at least one playbook", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Every must be a duration", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Mode (--mode) must be check or apply, not 'fix'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("MetricsListen (--metrics-listen)", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("MaxChangedHosts must be a whole number of at least 0", StringComparison.Ordinal));
    }

    [Fact]
    public void MaxChangedHosts_InCheckMode_IsRefused()
    {
        var ex = Assert.Throws<FleetInputException>(() => EnforceOptions.From(
            Config(new() { ["Inventory"] = "i", ["Playbooks:0"] = "p", ["MaxChangedHosts"] = "2" }), "/state"));

        Assert.Contains("guards apply mode", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Precedence_AppSettings_ThenEnvironment_ThenCommandLine()
    {
        _files.Write("appsettings.json", """{ "Inventory": "from-json.yml", "Playbooks": ["a.yml", "b.yml"], "Every": "10m", "Mode": "apply", "Splay": "1m", "KeepReports": 7 }""");
        Environment.SetEnvironmentVariable("FLEET_EVERY", "7m");
        Environment.SetEnvironmentVariable("FLEET_SPLAY", "2m");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddEnforceSources(_files.Dir, new Dictionary<string, string?> { ["Splay"] = "3m" })
                .Build();

            var fromFiles = EnforceOptions.From(configuration, _files.Dir);
            var withArgs = EnforceOptions.From(configuration, _files.Dir, ["c.yml"]);

            Assert.Equal("from-json.yml", fromFiles.Inventory);
            Assert.Equal(["a.yml", "b.yml"], fromFiles.Playbooks);
            Assert.Equal("apply", fromFiles.Mode);
            Assert.Equal(7, fromFiles.KeepReports);
            Assert.Equal(TimeSpan.FromMinutes(7), fromFiles.Every);
            Assert.Equal(TimeSpan.FromMinutes(3), fromFiles.Splay);
            Assert.Equal(["c.yml"], withArgs.Playbooks); // replaced, not merged item by item
        }
        finally
        {
            Environment.SetEnvironmentVariable("FLEET_EVERY", null);
            Environment.SetEnvironmentVariable("FLEET_SPLAY", null);
        }
    }

    private static IConfiguration Config(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    public void Dispose() => _files.Dispose();
}
