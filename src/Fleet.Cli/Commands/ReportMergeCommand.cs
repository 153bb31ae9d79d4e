using System.ComponentModel;
using Fleet.Cli.Output;
using Fleet.Core.Reports;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands;

/// <summary>
/// <c>fleet report merge OUT.json IN.json… [--junit FILE]</c>: the JSON reports of a run's shards as one report, and the exit code of
/// the whole fleet (what the unsharded run would have exited with).
/// </summary>
internal sealed class ReportMergeCommand : FleetCommand<ReportMergeCommand.Settings>
{
    /// <summary>Options of report merge.</summary>
    internal sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<OUT>")]
        [Description("The merged JSON report to write (fleet-report/3).")]
        public string Output { get; init; } = "";

        [CommandArgument(1, "<REPORT>")]
        [Description("The JSON reports to merge: every shard of one run, or runs over disjoint hosts.")]
        public string[] Inputs { get; init; } = [];

        [CommandOption("--junit <FILE>")]
        [Description("Also write the merged result as JUnit XML.")]
        public string? JUnit { get; init; }
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        AtomicFile.CheckWritable(settings.Output, "OUT");
        if (settings.JUnit is not null)
        {
            AtomicFile.CheckWritable(settings.JUnit, "--junit");
        }

        var merged = ReportMerge.Merge(settings.Inputs.Select(path => (path, JsonReportReader.Read(path))).ToList());
        RecapTable.Write(AnsiConsole.Console, merged, showDiff: false);
        JsonReportWriter.Write(merged, settings.Output);
        if (settings.JUnit is not null)
        {
            JUnitReportWriter.Write(merged, settings.JUnit);
        }

        var totals = string.Join(", ", Enum.GetValues<Fleet.Core.Results.HostStatus>().Select(s => $"{JsonReportWriter.Name(s)}={merged.CountHosts(s)}"));
        Console.WriteLine($"merged {settings.Inputs.Length} report(s) of {merged.Mode}: {merged.Hosts.Count} host(s), {totals}; exit {merged.ExitCode}");
        return Task.FromResult(merged.ExitCode);
    }
}
