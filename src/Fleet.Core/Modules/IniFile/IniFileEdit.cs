using System.Text.RegularExpressions;

namespace Fleet.Core.Modules.IniFile;

/// <summary>What one <c>ini_file</c> task asks of the file's text.</summary>
/// <param name="Section">The section, or null/empty for the lines before the first section.</param>
/// <param name="Option">The option, or null/empty for the whole section.</param>
/// <param name="Values">The values (value or values), in order.</param>
/// <param name="Absent">state: absent.</param>
/// <param name="Exclusive">Other lines of the option are removed (present) or every line of it is (absent). Ansible's default is true.</param>
/// <param name="NoExtraSpaces">Write <c>option=value</c> instead of <c>option = value</c>. Ansible's default is false.</param>
/// <param name="AllowNoValue">An option may stand alone without <c>=</c>. Ansible's default is false.</param>
public sealed record IniRequest(string? Section, string? Option, IReadOnlyList<string> Values, bool Absent, bool Exclusive = true, bool NoExtraSpaces = false, bool AllowNoValue = false);

/// <summary>The outcome of an edit: Ansible's changed flag, the new text (the old text when unchanged) and Ansible's msg.</summary>
/// <param name="Changed">Ansible would write the file.</param>
/// <param name="Text">The file's text afterwards.</param>
/// <param name="Message">Ansible's msg ("option added", "section removed"…).</param>
/// <param name="Error">Why the edit is refused (where Ansible fails), or null.</param>
public sealed record IniEditResult(bool Changed, string Text, string Message, string? Error = null);

/// <summary>
/// community.general.ini_file 6.6.2's edit, line for line (<c>do_ini</c>): the same matching (<c>[#;]</c> comments count for present,
/// not for absent), the same place for a new option (after the section's last line that is neither blank nor a comment), the
/// same quirks (a missing final newline is a change; an empty file gains a blank first line). Pure, so tests compare it with Ansible.
/// </summary>
public static class IniFileEdit
{
    // Ansible's fake section around the lines before the first section: a name no real file uses.
    private const string FakeSection = "ad01e11446efb704fcdbdb21f2c43757423d91c5";

    private static readonly Regex BlankOrComment = new("^[ \t]*([#;].*)?$", RegexOptions.CultureInvariant);

    /// <summary>Applies <paramref name="request"/> to a file's text (null when the file does not exist).</summary>
    public static IniEditResult Apply(string? original, IniRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var lines = ReadLines(original ?? "");
        var option = string.IsNullOrEmpty(request.Option) ? null : request.Option;
        var values = request.Values.Distinct(StringComparer.Ordinal).ToList();
        var changed = false;
        var message = "OK";
        if (lines.Count == 0)
        {
            lines.Add("\n");
        }

        if (!lines[^1].EndsWith('\n'))
        {
            lines[^1] += "\n";
            changed = true;
        }

        lines.Insert(0, "[" + FakeSection + "]");
        lines.Add("[");
        var section = string.IsNullOrEmpty(request.Section) ? FakeSection : request.Section;
        var header = "[" + section + "]";
        var within = false;
        int start = 0, end = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].StartsWith(header, StringComparison.Ordinal))
            {
                within = true;
                start = i;
            }
            else if (lines[i].StartsWith('[') && within)
            {
                end = i;
                break;
            }
        }

        var before = lines[..start];
        var sectionLines = lines[start..end];
        var after = lines[end..];
        var changedLines = new List<bool>(new bool[sectionLines.Count]);
        var format = request.NoExtraSpaces ? "{0}={1}\n" : "{0} = {1}\n";
        string Assignment(string value) => string.Format(System.Globalization.CultureInfo.InvariantCulture, format, option, value);
        void Update(int index, string newLine)
        {
            if (sectionLines[index] != newLine)
            {
                changed = true;
                message = "option changed";
            }

            sectionLines[index] = newLine;
            changedLines[index] = true;
        }

        var noValuePresent = false;
        if (!request.Absent && option is not null)
        {
            for (var i = 0; i < sectionLines.Count; i++)
            {
                var match = MatchOption(option, sectionLines[i], commented: true);
                if (!match.Success)
                {
                    continue;
                }

                var value = match.Groups[6].Value;
                if (values.Count > 0 && values.Contains(value))
                {
                    if (value.Length == 0 && request.AllowNoValue)
                    {
                        Update(i, option + "\n");
                        noValuePresent = true;
                    }
                    else
                    {
                        Update(i, Assignment(value));
                    }

                    values.Remove(value);
                }
                else if (values.Count == 0 && request.AllowNoValue)
                {
                    Update(i, option + "\n");
                    noValuePresent = true;
                    break;
                }
            }
        }

        if (!request.Absent && request.Exclusive && !request.AllowNoValue)
        {
            if (option is null && sectionLines.Count > 0)
            {
                // Ansible crashes here (re.escape(None)); refuse in words instead.
                return new IniEditResult(false, original ?? "", "", "option is required when value is given and the section exists");
            }

            if (values.Count > 0)
            {
                for (var i = 0; i < sectionLines.Count; i++)
                {
                    if (!changedLines[i] && MatchOption(option!, sectionLines[i], commented: true).Success)
                    {
                        Update(i, Assignment(values[0]));
                        values.RemoveAt(0);
                        if (values.Count == 0)
                        {
                            break;
                        }
                    }
                }
            }

            for (var i = sectionLines.Count - 1; i > 0; i--)
            {
                if (!changedLines[i] && MatchOption(option!, sectionLines[i], commented: true).Success)
                {
                    sectionLines.RemoveAt(i);
                    changedLines.RemoveAt(i);
                    changed = true;
                    message = "option changed";
                }
            }
        }

        if (!request.Absent)
        {
            for (var i = sectionLines.Count; i > 0; i--)
            {
                if (BlankOrComment.IsMatch(sectionLines[i - 1]))
                {
                    continue;
                }

                if (option is not null && values.Count > 0)
                {
                    sectionLines.InsertRange(i, values.Select(Assignment));
                    message = "option added";
                    changed = true;
                }
                else if (option is not null && values.Count == 0 && request.AllowNoValue && !noValuePresent)
                {
                    sectionLines.Insert(i, option + "\n");
                    message = "option added";
                    changed = true;
                }

                break;
            }
        }

        if (request.Absent)
        {
            if (option is not null)
            {
                var kept = request.Exclusive
                    ? sectionLines.Where(l => !MatchOption(option, l, commented: false).Success).ToList()
                    : values.Count > 0
                        ? sectionLines.Where(l => MatchOption(option, l, commented: false) is not { Success: true } m || !values.Contains(m.Groups[6].Value)).ToList()
                        : sectionLines;
                if (kept.Count != sectionLines.Count)
                {
                    changed = true;
                    message = "option changed";
                    sectionLines = kept;
                }
            }
            else if (sectionLines.Count > 0)
            {
                sectionLines = [];
                message = "section removed";
                changed = true;
            }
        }

        lines = [.. before, .. sectionLines, .. after];
        lines.RemoveAt(0);
        if (lines.Count > 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        if (!within && !request.Absent)
        {
            lines.Add(header + "\n");
            message = "section and option added";
            if (option is not null && values.Count > 0)
            {
                lines.AddRange(values.Select(Assignment));
            }
            else if (option is not null && request.AllowNoValue)
            {
                lines.Add(option + "\n");
            }
            else
            {
                message = "only section added";
            }

            changed = true;
        }

        return new IniEditResult(changed, changed ? string.Concat(lines) : original ?? "", message);
    }

    /// <summary>
    /// Python's <c>readlines()</c> of a file opened as Ansible opens it (utf-8-sig, universal newlines): no byte-order mark,
    /// \r\n and \r read as \n, each line keeping its \n.
    /// </summary>
    private static List<string> ReadLines(string text)
    {
        text = (text.StartsWith('\uFEFF') ? text[1..] : text).Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        var lines = new List<string>();
        var from = 0;
        while (from < text.Length)
        {
            var newline = text.IndexOf('\n', from);
            var to = newline < 0 ? text.Length : newline + 1;
            lines.Add(text[from..to]);
            from = to;
        }

        return lines;
    }

    // Ansible's match_opt (commented: a leading # or ; still matches) and match_active_opt; group 6 is the value.
    private static Match MatchOption(string option, string line, bool commented) =>
        Regex.Match(line, (commented ? "^[#;]?" : "^") + "( |\t)*(" + Regex.Escape(option) + ")( |\t)*(=|$)( |\t)*(.*)", RegexOptions.CultureInvariant);
}
