using System.Text;
using Fleet.Core.Results;

namespace Fleet.Core.Reports;

/// <summary>
/// GitHub Actions workflow commands for a run (printed when <c>GITHUB_ACTIONS=true</c>): a failed task is an <c>::error</c> and, in
/// check mode, a task that would change is a <c>::warning</c> titled drift, both pointing at the task's file and line; an unreachable
/// host is an <c>::error</c> without a file. One annotation per task and outcome lists its hosts, so 500 drifting hosts are one
/// annotation, not 500 (GitHub shows only the first few of a step).
/// </summary>
public static class GitHubAnnotations
{
    /// <summary>How many host names one annotation lists before "and N more".</summary>
    public const int MaxHostsListed = 20;

    /// <summary>Whether the environment is a GitHub Actions job.</summary>
    public static bool Enabled => string.Equals(Environment.GetEnvironmentVariable("GITHUB_ACTIONS"), "true", StringComparison.Ordinal);

    /// <summary>The workflow command lines for <paramref name="report"/>; paths are made relative to <paramref name="workspace"/> (the checkout) when inside it.</summary>
    public static IReadOnlyList<string> Lines(RunReport report, string workspace)
    {
        ArgumentNullException.ThrowIfNull(report);
        var lines = new List<string>();
        var check = report.Mode == "check";
        var tasks = report.Hosts
            .SelectMany(h => h.Tasks.Select(t => (Host: h.Name, Task: t)))
            .Where(x => (x.Task.Status == TaskOutcome.Failed && !x.Task.Ignored) || (check && x.Task.Status == TaskOutcome.Changed))
            .GroupBy(x => (x.Task.Location, x.Task.Play, x.Task.Name, x.Task.Status));
        foreach (var group in tasks)
        {
            var (location, play, name, status) = group.Key;
            var hosts = group.Select(x => x.Host).ToList();
            var first = group.First().Task;
            var failed = status == TaskOutcome.Failed;
            var title = failed ? $"task failed: {name}" : $"drift: {name}";
            var what = failed ? first.Message ?? "failed" : "would change: " + string.Join("; ", first.Changes);
            var message = $"{play} / {name} on {HostList(hosts)}: {what}";
            lines.Add(Command(failed ? "error" : "warning", location, workspace, title, message));
        }

        foreach (var host in report.Hosts.Where(h => h.Status == HostStatus.Unreachable || (h.Status == HostStatus.Failed && !h.Tasks.Any(t => t.Status == TaskOutcome.Failed))))
        {
            // Unreachable, or failed without a failed task (internal error, a batch aborted by --max-fail-percent): no task line to point at.
            var title = host.Status == HostStatus.Unreachable ? $"unreachable: {host.Name}" : $"host failed: {host.Name}";
            lines.Add(Command("error", null, workspace, title, $"{host.Name}: {host.Error ?? host.Status.ToString().ToLowerInvariant()}"));
        }

        return lines;
    }

    /// <summary>Writes the lines when <see cref="Enabled"/>; the workspace is <c>GITHUB_WORKSPACE</c>, else the current directory.</summary>
    public static void WriteIfEnabled(RunReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!Enabled)
        {
            return;
        }

        var workspace = Environment.GetEnvironmentVariable("GITHUB_WORKSPACE") is { Length: > 0 } set ? set : Environment.CurrentDirectory;
        foreach (var line in Lines(report, workspace))
        {
            output.WriteLine(line);
        }

        output.Flush();
    }

    private static string HostList(List<string> hosts) =>
        hosts.Count <= MaxHostsListed
            ? string.Join(", ", hosts)
            : string.Join(", ", hosts.Take(MaxHostsListed)) + $" and {hosts.Count - MaxHostsListed} more";

    private static string Command(string kind, SourceLocation? location, string workspace, string title, string message)
    {
        var properties = new List<string>();
        if (location is { } at)
        {
            properties.Add("file=" + Property(RelativePath(at.File, workspace)));
            properties.Add("line=" + at.Line.ToString(System.Globalization.CultureInfo.InvariantCulture));
            properties.Add("col=" + at.Column.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        properties.Add("title=" + Property("fleet " + title));
        return $"::{kind} {string.Join(',', properties)}::{Data(message)}";
    }

    private static string RelativePath(string file, string workspace)
    {
        var relative = Path.GetRelativePath(Path.GetFullPath(workspace), Path.GetFullPath(file));
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? file : relative;
    }

    /// <summary>A message escaped as the Actions toolkit does (%, CR, LF), with host text's control characters made visible first.</summary>
    private static string Data(string text)
    {
        var printable = new StringBuilder(PrintableText.Of(text));
        return printable.Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A").ToString();
    }

    /// <summary>A property value: escaped like a message, plus the separators ':' and ','.</summary>
    private static string Property(string text) => Data(text).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
}
