using System.Text.RegularExpressions;

namespace Fleet.Integration.Tests.Docs;

/// <summary>One command of a shell block: its README line, its text (continuation lines joined) and the exit code it should end with.</summary>
internal sealed record ReadmeCommand(int Line, string Text, int ExpectedExit);

/// <summary>A fenced block of the README: its language, its first line, what a marker above it says, its text and its commands.</summary>
internal sealed record ReadmeBlock(int Line, string Language, string? NotRunReason, string? SaveAs, string Text, IReadOnlyList<ReadmeCommand> Commands)
{
    /// <summary>Whether the README test runs this block's commands.</summary>
    public bool IsShell => Language is "sh" or "bash" or "shell";
}

/// <summary>
/// Reads a Markdown page's fenced blocks as the README test runs them. The conventions, visible in the page: a block right below
/// <c>&lt;!-- not run by the README test: REASON --&gt;</c> is not run (the reason is required); a block right below
/// <c>&lt;!-- the README test saves this block as NAME --&gt;</c> is written to NAME in the test's working directory; a command whose
/// trailing comment says <c>exit N</c> must end with N, every other one with 0.
/// </summary>
internal static partial class ReadmeCommands
{
    /// <summary>The fenced blocks of <paramref name="markdown"/>, in order.</summary>
    public static IReadOnlyList<ReadmeBlock> Blocks(string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var blocks = new List<ReadmeBlock>();
        string? marker = null;
        var markerLine = -1;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.Trim();
            if (trimmed.StartsWith("<!--", StringComparison.Ordinal))
            {
                (marker, markerLine) = (trimmed, i);
                continue;
            }

            if (!trimmed.StartsWith("```", StringComparison.Ordinal))
            {
                if (trimmed.Length > 0)
                {
                    marker = null;
                }

                continue;
            }

            var language = trimmed[3..].Trim();
            var start = i;
            var body = new List<string>();
            for (i++; i < lines.Length && !lines[i].Trim().StartsWith("```", StringComparison.Ordinal); i++)
            {
                body.Add(lines[i]);
            }

            var (notRun, saveAs) = ReadMarker(marker, markerLine);
            marker = null;
            var block = new ReadmeBlock(start + 1, language, notRun, saveAs, string.Join('\n', body) + "\n", []);
            blocks.Add(block.IsShell ? block with { Commands = Commands(body, start + 2) } : block);
        }

        return blocks;
    }

    /// <summary>The commands of a shell block's lines, the first of which is README line <paramref name="firstLine"/>.</summary>
    public static IReadOnlyList<ReadmeCommand> Commands(IReadOnlyList<string> lines, int firstLine)
    {
        var commands = new List<ReadmeCommand>();
        for (var i = 0; i < lines.Count; i++)
        {
            var start = i;
            var parts = new List<string>();
            var comment = "";
            while (true)
            {
                var (code, rest) = SplitComment(lines[i]);
                comment += rest;
                var trimmed = code.Trim();
                if (!trimmed.EndsWith('\\') || i + 1 >= lines.Count)
                {
                    parts.Add(trimmed);
                    break;
                }

                parts.Add(trimmed[..^1].TrimEnd());
                i++;
            }

            var command = string.Join(' ', parts.Where(p => p.Length > 0));
            if (command.Length == 0)
            {
                continue;
            }

            var exit = ExitComment().Match(comment);
            commands.Add(new ReadmeCommand(firstLine + start, command, exit.Success ? int.Parse(exit.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0));
        }

        return commands;
    }

    private static (string? NotRun, string? SaveAs) ReadMarker(string? marker, int line)
    {
        if (marker is null)
        {
            return (null, null);
        }

        var notRun = NotRunMarker().Match(marker);
        if (notRun.Success)
        {
            var reason = notRun.Groups[1].Value.Trim();
            return reason.Length > 0 ? (reason, null) : throw new FormatException($"README line {line + 1}: a block not run needs its reason");
        }

        var save = SaveMarker().Match(marker);
        return save.Success ? (null, save.Groups[1].Value.Trim()) : (null, null);
    }

    /// <summary>A line's code and its trailing comment: a <c>#</c> outside quotes that starts the line or follows a blank.</summary>
    private static (string Code, string Comment) SplitComment(string line)
    {
        var quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1])))
            {
                return (line[..i], line[(i + 1)..]);
            }
        }

        return (line, "");
    }

    [GeneratedRegex(@"^<!--\s*not run by the README test:(.*)-->$")]
    private static partial Regex NotRunMarker();

    [GeneratedRegex(@"^<!--\s*the README test saves this block as\s+(\S+)\s*-->$")]
    private static partial Regex SaveMarker();

    [GeneratedRegex(@"\bexit (\d+)\b")]
    private static partial Regex ExitComment();
}
