using System.Text.RegularExpressions;
using Fleet.Core.Modules.Files;

namespace Fleet.Core.Modules.LineInFile;

/// <summary>
/// <c>lineinfile</c>, with Ansible's semantics: with <c>regexp</c> the last matching line is replaced; with no match the line is
/// inserted after the last line matching <c>insertafter</c> (or before the first matching <c>insertbefore</c>; default at the end);
/// a line already present is left alone; <c>state: absent</c> removes every matching line. Regexes are .NET regexes applied to each
/// line (close to Python's <c>re</c> for the usual patterns).
/// </summary>
public sealed class LineInFileModule : TextEditModule
{
    /// <inheritdoc />
    public override string Name => "lineinfile";

    /// <inheritdoc />
    public override string BackupResultKey => "backup"; // Ansible's lineinfile names its backup so, not backup_file

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("path", ParameterType.String, "The file to edit.", Required: true, Aliases: ["dest", "destfile", "name"], HostPath: true),
        new("line", ParameterType.String, "The line to have in the file (required for state: present).", Aliases: ["value"]),
        new("regexp", ParameterType.Regex, "A line matching this is replaced (the last match) or, with state: absent, removed.", Aliases: ["regex"]),
        new("search_string", ParameterType.String, "Like regexp, a literal substring instead of a pattern."),
        new("state", ParameterType.String, "present or absent. The default value is present.", Choices: ["present", "absent"]),
        new("insertafter", ParameterType.Regex, "EOF or a regex: where a new line goes (after the last match). The default value is EOF."),
        new("insertbefore", ParameterType.Regex, "BOF or a regex: where a new line goes (before the first match)."),
        new("create", ParameterType.Bool, "Create the file when missing. The default value is false."),
        new("backrefs", ParameterType.Bool, "line may use \\1 groups of regexp; no match leaves the file alone. The default value is false."),
        new("firstmatch", ParameterType.Bool, "insertafter/insertbefore use the first match instead of the last. The default value is false."),
        FileParameters.Mode,
        FileParameters.Owner,
        FileParameters.Group,
        FileParameters.Backup,
        FileParameters.Validate,
    ];

    /// <inheritdoc />
    public override IEnumerable<string> CheckCombination(IReadOnlySet<string> presentParameters)
    {
        ArgumentNullException.ThrowIfNull(presentParameters);
        if (presentParameters.Contains("insertafter") && presentParameters.Contains("insertbefore"))
        {
            yield return "insertafter and insertbefore are mutually exclusive";
        }

        if (presentParameters.Contains("regexp") && presentParameters.Contains("search_string"))
        {
            yield return "regexp and search_string are mutually exclusive";
        }
    }

    /// <inheritdoc />
    protected override string? CheckArguments(ModuleArguments args) =>
        args?.GetString("state") != "absent" && args?.GetString("line") is null ? "line is required for state: present" : null;

    /// <inheritdoc />
    protected override string EditText(string text, ModuleArguments args) => Edit(text, args);

    /// <summary>The file's text after the edit (pure; used by tests).</summary>
    public static string Edit(string text, ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(args);
        var lines = text.Split('\n').ToList();
        var trailingNewline = text.Length == 0 || text.EndsWith('\n');
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var line = args.GetString("line");
        var regexText = args.GetString("regexp");
        var search = args.GetString("search_string");
        var regex = regexText is null ? null : new Regex(regexText, RegexOptions.CultureInvariant);
        bool Matches(string l) => regex?.IsMatch(l) ?? (search is not null ? l.Contains(search, StringComparison.Ordinal) : l == line);

        if (args.GetString("state") == "absent")
        {
            lines.RemoveAll(l => Matches(l));
            return Join(lines, trailingNewline);
        }

        // Ansible's present(), step for step: the last match of regexp/search_string (the first with firstmatch); without one, the
        // last line equal to line, and where an insertafter/insertbefore pattern puts a new line (that scan stops at the pattern's
        // first match with firstmatch, as Ansible's does, even before a later equal line).
        var backrefs = args.GetBool("backrefs", false);
        var firstMatch = args.GetBool("firstmatch", false);
        var after = args.GetString("insertafter");
        var before = args.GetString("insertbefore");
        var insertPattern = after is not null and not ("BOF" or "EOF") ? new Regex(after, RegexOptions.CultureInvariant)
            : before is not null and not "BOF" ? new Regex(before, RegexOptions.CultureInvariant) : null;
        var (found, insertAt, exact) = (-1, -1, false);
        if (regex is not null || search is not null)
        {
            found = firstMatch ? lines.FindIndex(Matches) : lines.FindLastIndex(Matches);
        }

        if (found < 0)
        {
            for (var i = 0; i < lines.Count; i++)
            {
                if (lines[i] == line)
                {
                    (found, exact) = (i, true);
                }
                else if (insertPattern?.IsMatch(lines[i]) == true)
                {
                    insertAt = after is not null ? i + 1 : i;
                    if (firstMatch)
                    {
                        break;
                    }
                }
            }
        }

        if (found >= 0)
        {
            if (exact)
            {
                // An equal last line without its newline gets one, as Ansible compares the line with its ending.
                return Join(lines, trailingNewline || found == lines.Count - 1);
            }

            lines[found] = backrefs && regex is not null ? regex.Match(lines[found]).Result(line!.Replace("\\", "$", StringComparison.Ordinal)) : line!;
            // Ansible writes the new line with its newline, also when it replaces a last line that had none.
            return Join(lines, trailingNewline || found == lines.Count - 1);
        }

        if (backrefs)
        {
            return Join(lines, trailingNewline);
        }

        if (before == "BOF" || after == "BOF")
        {
            lines.Insert(0, line!);
        }
        else if (after == "EOF" || insertAt < 0)
        {
            lines.Add(line!);
        }
        else if (after is not null)
        {
            if (insertAt == lines.Count ? lines[insertAt - 1] != line : lines[insertAt] != line)
            {
                lines.Insert(insertAt, line!);
            }
        }
        else
        {
            lines.Insert(insertAt, line!);
        }

        return Join(lines, trailingNewline: true);
    }

    private static string Join(List<string> lines, bool trailingNewline) =>
        lines.Count == 0 ? "" : string.Join('\n', lines) + (trailingNewline ? "\n" : "");
}

/// <summary><c>blockinfile</c>: a block of lines between marker lines, inserted, replaced or removed.</summary>
public sealed class BlockInFileModule : TextEditModule
{
    /// <inheritdoc />
    public override string Name => "blockinfile";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("path", ParameterType.String, "The file to edit.", Required: true, Aliases: ["dest", "destfile", "name"], HostPath: true),
        new("block", ParameterType.String, "The lines between the markers. The default is empty (removes the block).", Aliases: ["content"]),
        new("marker", ParameterType.String, "Marker line template; {mark} becomes marker_begin/marker_end. The default value is \"# {mark} ANSIBLE MANAGED BLOCK\"."),
        new("marker_begin", ParameterType.String, "The default value is BEGIN."),
        new("marker_end", ParameterType.String, "The default value is END."),
        new("state", ParameterType.String, "present or absent. The default value is present.", Choices: ["present", "absent"]),
        new("insertafter", ParameterType.Regex, "EOF or a regex: where a new block goes. The default value is EOF."),
        new("insertbefore", ParameterType.Regex, "BOF or a regex: where a new block goes."),
        new("create", ParameterType.Bool, "Create the file when missing. The default value is false."),
        FileParameters.Mode,
        FileParameters.Owner,
        FileParameters.Group,
        FileParameters.Backup,
        FileParameters.Validate,
    ];

    /// <inheritdoc />
    protected override string EditText(string text, ModuleArguments args) => Edit(text, args);

    /// <summary>The file's text after the edit (pure).</summary>
    public static string Edit(string text, ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(args);
        var marker = args.GetString("marker") ?? "# {mark} ANSIBLE MANAGED BLOCK";
        var begin = marker.Replace("{mark}", args.GetString("marker_begin") ?? "BEGIN", StringComparison.Ordinal);
        var end = marker.Replace("{mark}", args.GetString("marker_end") ?? "END", StringComparison.Ordinal);
        var lines = text.Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var block = (args.GetString("block") ?? "").TrimEnd('\n');
        var absent = args.GetString("state") == "absent" || block.Length == 0;
        var newBlock = absent ? [] : new List<string> { begin }.Concat(block.Split('\n')).Append(end).ToList();
        var first = lines.IndexOf(begin);
        var last = lines.IndexOf(end);
        if (first >= 0 && last > first)
        {
            lines.RemoveRange(first, last - first + 1);
            lines.InsertRange(first, newBlock);
        }
        else if (!absent)
        {
            var position = lines.Count;
            if (args.GetString("insertbefore") is { } before)
            {
                position = before == "BOF" ? 0 : lines.FindLastIndex(new Regex(before, RegexOptions.CultureInvariant).IsMatch) is var i && i >= 0 ? i : lines.Count;
            }
            else if (args.GetString("insertafter") is { } after && after != "EOF")
            {
                position = lines.FindLastIndex(new Regex(after, RegexOptions.CultureInvariant).IsMatch) is var i && i >= 0 ? i + 1 : lines.Count;
            }

            lines.InsertRange(position, newBlock);
        }

        return lines.Count == 0 ? "" : string.Join('\n', lines) + "\n";
    }
}
