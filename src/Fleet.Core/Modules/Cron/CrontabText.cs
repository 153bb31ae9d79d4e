namespace Fleet.Core.Modules.Cron;

/// <summary>
/// Ansible's crontab editing, as pure functions of the text: a job is the line after its <c>#Ansible: NAME</c> marker, a variable
/// is a <c>NAME=…</c> line. Unlike Ansible, a name is kept once: extra blocks with the same marker (or extra declarations of a
/// variable) are removed, so a crontab that already holds duplicates (ansible#37355) converges to one line.
/// </summary>
public static class CrontabText
{
    /// <summary>The prefix of Ansible's marker comment ("#Ansible: NAME").</summary>
    public const string MarkerPrefix = "#Ansible: ";

    /// <summary>The marker line of a named job.</summary>
    public static string Marker(string name) => MarkerPrefix + name;

    /// <summary>The job line as Ansible writes it: schedule or <c>@special</c>, the user field in a cron file, <c>#</c> when disabled.</summary>
    public static string JobLine(string schedule, string? fileUser, string job, bool disabled) =>
        (disabled ? "#" : "") + schedule + (fileUser is null ? "" : " " + fileUser) + " " + job.Trim('\r', '\n');

    /// <summary>The text's lines (a last newline ends the last line, it does not start an empty one).</summary>
    public static List<string> Lines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n').ToList();
        if (lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }

    /// <summary>Lines back to text, newline-terminated (empty when there are none), as Ansible renders a crontab.</summary>
    public static string Render(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var text = string.Join('\n', lines).TrimEnd('\r', '\n');
        return text.Length == 0 ? "" : text + "\n";
    }

    /// <summary>The names of the jobs with a marker, in order (Ansible's <c>jobs</c> result).</summary>
    public static IReadOnlyList<string> JobNames(IReadOnlyList<string> lines) =>
        lines.Where(l => l.StartsWith(MarkerPrefix, StringComparison.Ordinal)).Select(l => l[MarkerPrefix.Length..]).ToList();

    /// <summary>The names of the variables declared (Ansible's <c>envs</c> result).</summary>
    public static IReadOnlyList<string> EnvNames(IReadOnlyList<string> lines) =>
        lines.Where(l => l.Length > 0 && !char.IsWhiteSpace(l[0]) && l.IndexOf('=', StringComparison.Ordinal) > 0 && !l.StartsWith('#') && !l[..l.IndexOf('=', StringComparison.Ordinal)].Any(char.IsWhiteSpace))
            .Select(l => l[..l.IndexOf('=', StringComparison.Ordinal)]).ToList();

    /// <summary>
    /// The named job holds <paramref name="jobLine"/>: its first block is updated in place and any other block of that name removed;
    /// without a marker, an identical unmarked line is adopted (a marker inserted above it, as Ansible does); else it is appended.
    /// </summary>
    public static void SetJob(List<string> lines, string name, string jobLine)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var marker = Marker(name);
        var blocks = MarkerIndexes(lines, marker);
        if (blocks.Count == 0)
        {
            var adopt = lines.FindIndex(l => l == jobLine);
            while (adopt > 0 && lines[adopt - 1].StartsWith(MarkerPrefix, StringComparison.Ordinal) && lines[adopt - 1] != Marker("None"))
            {
                adopt = lines.FindIndex(adopt + 1, l => l == jobLine); // that line belongs to another named job
            }

            if (adopt > 0 && lines[adopt - 1] == Marker("None"))
            {
                lines[adopt - 1] = marker;
            }
            else if (adopt >= 0)
            {
                lines.Insert(adopt, marker);
            }
            else
            {
                lines.Add(marker);
                lines.Add(jobLine);
            }

            return;
        }

        for (var b = blocks.Count - 1; b >= 1; b--)
        {
            RemoveBlock(lines, blocks[b]);
        }

        var first = blocks[0];
        if (HasJobLine(lines, first))
        {
            lines[first + 1] = jobLine;
        }
        else
        {
            lines.Insert(first + 1, jobLine);
        }
    }

    /// <summary>Removes every block (marker and job line) of the named job.</summary>
    public static void RemoveJob(List<string> lines, string name)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var blocks = MarkerIndexes(lines, Marker(name));
        for (var b = blocks.Count - 1; b >= 0; b--)
        {
            RemoveBlock(lines, blocks[b]);
        }
    }

    /// <summary>
    /// The variable is declared as <paramref name="declaration"/>: the first declaration is replaced and others removed; a new one goes
    /// after (or before) the declaration of another variable, else at the top (as Ansible). Returns an error when that variable is not declared.
    /// </summary>
    public static string? SetEnv(List<string> lines, string name, string declaration, string? insertAfter, string? insertBefore)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var found = EnvIndexes(lines, name);
        if (found.Count > 0)
        {
            for (var i = found.Count - 1; i >= 1; i--)
            {
                lines.RemoveAt(found[i]);
            }

            lines[found[0]] = declaration;
            return null;
        }

        if ((insertAfter ?? insertBefore) is { } other)
        {
            var at = EnvIndexes(lines, other);
            if (at.Count == 0)
            {
                return $"Variable named '{other}' not found.";
            }

            lines.Insert(insertAfter is not null ? at[0] + 1 : at[0], declaration);
            return null;
        }

        lines.Insert(0, declaration);
        return null;
    }

    /// <summary>Removes every declaration of the variable.</summary>
    public static void RemoveEnv(List<string> lines, string name)
    {
        ArgumentNullException.ThrowIfNull(lines);
        lines.RemoveAll(l => l.StartsWith(name + "=", StringComparison.Ordinal));
    }

    private static List<int> MarkerIndexes(List<string> lines, string marker) =>
        lines.Select((l, i) => (l, i)).Where(x => x.l == marker).Select(x => x.i).ToList();

    private static List<int> EnvIndexes(List<string> lines, string name) =>
        lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith(name + "=", StringComparison.Ordinal)).Select(x => x.i).ToList();

    /// <summary>A marker's job is the next line, unless that is another marker (a marker left without its job).</summary>
    private static bool HasJobLine(List<string> lines, int marker) =>
        marker + 1 < lines.Count && !lines[marker + 1].StartsWith(MarkerPrefix, StringComparison.Ordinal);

    private static void RemoveBlock(List<string> lines, int marker) =>
        lines.RemoveRange(marker, HasJobLine(lines, marker) ? 2 : 1);
}
