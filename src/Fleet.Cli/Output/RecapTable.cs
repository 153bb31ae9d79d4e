using System.Globalization;
using Fleet.Core.Results;
using Spectre.Console;

namespace Fleet.Cli.Output;

/// <summary>The recap after a run: one row per host, then warnings, failures, unreachable hosts and (with --diff or in check mode) diffs.</summary>
internal static class RecapTable
{
    /// <summary>Writes the recap.</summary>
    public static void Write(IAnsiConsole console, RunReport report, bool showDiff)
    {
        Table(report).Write(console, TerminalWidth.Columns);
        var check = report.Mode == "check";
        foreach (var host in report.Hosts)
        {
            if (host.Status == HostStatus.Unreachable)
            {
                console.MarkupLine($"[red]{Display.Markup(host.Name)} unreachable:[/] {Display.Markup(host.Error ?? "")}");
            }

            foreach (var warning in host.Warnings)
            {
                console.MarkupLine($"[yellow]{Display.Markup(host.Name)} warning[/] {Display.Markup(warning)}");
            }

            foreach (var task in host.Tasks)
            {
                if (task.Status == TaskOutcome.Failed)
                {
                    console.MarkupLine($"[red]{Display.Markup(host.Name + Delegated(task))} failed[/] {Display.Markup(task.Play)} / {Display.Markup(task.Name)}{(task.Ignored ? " (ignored)" : task.Rescued ? " (rescued)" : "")}: {Display.Markup(task.Message ?? "")}");
                }
                else if (task.Status == TaskOutcome.Changed && (showDiff || check || task.Diff is not null))
                {
                    console.MarkupLine($"[yellow]{Display.Markup(host.Name + Delegated(task))} {(check ? "would change" : "changed")}[/] {Display.Markup(task.Play)} / {Display.Markup(task.Name)}: {Display.Markup(string.Join("; ", task.Changes.Distinct()))}");
                    if (task.Diff is { } diff)
                    {
                        console.WriteLine(Display.Plain(diff.TrimEnd()));
                    }
                }
            }

            if (host.Status == HostStatus.Failed && host.Tasks.All(t => t.Status != TaskOutcome.Failed) && host.Error is { } error)
            {
                console.MarkupLine($"[red]{Display.Markup(host.Name)} failed:[/] {Display.Markup(error)}");
            }
        }

        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"{report.Hosts.Count} host(s): {report.CountHosts(HostStatus.Ok)} ok, {report.CountHosts(HostStatus.Changed)} {(check ? "would change" : "changed")}, {report.CountHosts(HostStatus.Failed)} failed, {report.CountHosts(HostStatus.Unreachable)} unreachable in {report.DurationMs / 1000.0:0.00} s{(report.Interrupted ? " [red](interrupted)[/]" : "")}"));
    }

    /// <summary>One row per host: the counts of each outcome and the duration.</summary>
    public static TextTable Table(RunReport report)
    {
        var table = new TextTable("host", "ok", "changed", "failed", "skipped", "unreachable", "warnings", "duration") { Title = "Recap" };
        foreach (var host in report.Hosts)
        {
            table.AddRow(
                Display.Plain(host.Name),
                N(host.Count(TaskOutcome.Ok)),
                Color(host.Count(TaskOutcome.Changed), "yellow"),
                Color(host.Count(TaskOutcome.Failed) + (host.Status == HostStatus.Failed && host.Count(TaskOutcome.Failed) == 0 ? 1 : 0), "red"),
                N(host.Count(TaskOutcome.Skipped)),
                Color(host.Status == HostStatus.Unreachable ? 1 : 0, "red"),
                Color(host.Warnings.Count(), "yellow"),
                string.Create(CultureInfo.InvariantCulture, $"{host.DurationMs / 1000.0:0.00} s"));
        }

        return table;
    }

    /// <summary>" -> localhost" after the host's name for a task that ran elsewhere for it, as Ansible shows it; empty otherwise.</summary>
    private static string Delegated(TaskResult task) => task.DelegatedTo is { } place ? " -> " + place : "";

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static Cell Color(int n, string color) => new(N(n), n == 0 ? null : color);
}
