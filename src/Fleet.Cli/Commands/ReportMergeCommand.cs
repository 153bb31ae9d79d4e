using System.ComponentModel;
using Fleet.Cli.Output;
using Fleet.Core;
using Fleet.Core.Reports;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands;

/// <summary>
/// <c>fleet report merge -o OUT.json IN.json… [--junit FILE]</c>: the JSON reports of a run's shards as one report, and the exit code of
/// the whole fleet (what the unsharded run would have exited with).
/// </summary>
internal sealed class ReportMergeCommand : FleetCommand<ReportMergeCommand.Settings>
{
    /// <summary>Options of report merge.</summary>
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("-o|--output <FILE>")]
        [Description("The merged JSON report to write (fleet-report/3); never one of the inputs.")]
        public string? Output { get; init; }

        [CommandArgument(0, "<REPORT>")]
        [Description("The JSON reports to merge: every shard of one run, or runs over disjoint hosts.")]
        public string[] Inputs { get; init; } = [];

        [CommandOption("--junit <FILE>")]
        [Description("Also write the merged result as JUnit XML.")]
        public string? JUnit { get; init; }
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        // The output is named by an option, never by position: "merge dc*.json" once took the first report as the output.
        var output = settings.Output ?? throw new FleetInputException("report merge: name the merged report with -o FILE");
        if (settings.Inputs.FirstOrDefault(input => SameFile(input, output)) is { } overwritten)
        {
            throw new FleetInputException($"report merge: -o {output} is one of the reports to merge ({overwritten}); name a new file");
        }

        AtomicFile.CheckWritable(output, "-o");
        if (settings.JUnit is not null)
        {
            AtomicFile.CheckWritable(settings.JUnit, "--junit");
        }

        var merged = ReportMerge.Merge(settings.Inputs.Select(path => (path, JsonReportReader.Read(path))).ToList());
        RecapTable.Write(AnsiConsole.Console, merged, showDiff: false);
        JsonReportWriter.Write(merged, output);
        if (settings.JUnit is not null)
        {
            JUnitReportWriter.Write(merged, settings.JUnit);
        }

        var totals = string.Join(", ", Enum.GetValues<Fleet.Core.Results.HostStatus>().Select(s => $"{JsonReportWriter.Name(s)}={merged.CountHosts(s)}"));
        Console.WriteLine($"merged {settings.Inputs.Length} report(s) of {merged.Mode}: {merged.Hosts.Count} host(s), {totals}; exit {merged.ExitCode}");
        return Task.FromResult(merged.ExitCode);
    }

    /// <summary>True when both paths name one file, links resolved.</summary>
    private static bool SameFile(string a, string b) => string.Equals(Resolved(a), Resolved(b), StringComparison.Ordinal);

    private static string Resolved(string path)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full);
        var real = directory is null ? full : Path.Combine(new DirectoryInfo(directory).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? directory, Path.GetFileName(full));
        return File.Exists(real) && new FileInfo(real).ResolveLinkTarget(returnFinalTarget: true) is { } target ? target.FullName : real;
    }
}
