using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace Fleet.Cli.Output;

/// <summary>
/// Spectre's help, except on a narrow console: below <see cref="SideBySide"/> columns the arguments, options and commands are
/// stacked, each name on its line and its description wrapped at words beneath it, where Spectre's two columns dropped the
/// descriptions and cut words in two.
/// </summary>
internal sealed class StackedHelpProvider : HelpProvider
{
    private readonly ICommandAppSettings _settings;

    /// <summary>A help provider reading the console (and so its width) from <paramref name="settings"/> when it writes.</summary>
    public StackedHelpProvider(ICommandAppSettings settings)
        : base(settings)
    {
        _settings = settings;
    }

    /// <summary>The narrowest console that gets Spectre's side-by-side columns. The default is 60.</summary>
    public const int SideBySide = 60;

    private const string Indent = "        ";

    /// <inheritdoc />
    public override IEnumerable<IRenderable> GetArguments(ICommandModel model, ICommandInfo? command) => Stack(base.GetArguments(model, command));

    /// <inheritdoc />
    public override IEnumerable<IRenderable> GetOptions(ICommandModel model, ICommandInfo? command) => Stack(base.GetOptions(model, command));

    /// <inheritdoc />
    public override IEnumerable<IRenderable> GetCommands(ICommandModel model, ICommandInfo? command) => Stack(base.GetCommands(model, command));

    private IEnumerable<IRenderable> Stack(IEnumerable<IRenderable> section)
    {
        var parts = section.ToList();
        var width = _settings.Console?.Profile.Width ?? TerminalWidth.Columns;
        if (width >= SideBySide || parts.Count == 0)
        {
            return parts;
        }

        var lines = Stacked(Wide(parts), width).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1); // the next section starts with its own blank line
        }

        return [new Text(string.Join("\n", lines) + "\n")];
    }

    /// <summary>The section drawn wide, without color: one line per row, the description starting at the same column in each.</summary>
    private static string[] Wide(IEnumerable<IRenderable> parts)
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(writer) });
        console.Profile.Width = 1000;
        foreach (var part in parts)
        {
            console.Write(part);
        }

        return writer.ToString().Split('\n').Select(l => l.TrimEnd()).ToArray();
    }

    /// <summary>The wide section's rows as name lines, each followed by its description wrapped to <paramref name="width"/>.</summary>
    internal static IEnumerable<string> Stacked(string[] lines, int width)
    {
        // The description column: where text resumes after the widest gap of two spaces or more following a row's name.
        var column = lines.Where(l => l.StartsWith("    ", StringComparison.Ordinal) && l.Length - l.TrimStart().Length <= Indent.Length)
            .Select(DescriptionColumn).DefaultIfEmpty(-1).Max();
        string? name = null;
        var description = new List<string>();
        foreach (var line in lines)
        {
            if (!line.StartsWith("    ", StringComparison.Ordinal) || column < 0)
            {
                foreach (var text in Flush())
                {
                    yield return text;
                }

                yield return line;
                continue;
            }

            var head = line.Length > column ? line[..column].TrimEnd() : line;
            if (head.Trim().Length > 0)
            {
                foreach (var text in Flush())
                {
                    yield return text;
                }

                name = "    " + head.Trim();
            }

            if (line.Length > column)
            {
                description.Add(line[column..].Trim());
            }
        }

        foreach (var text in Flush())
        {
            yield return text;
        }

        IEnumerable<string> Flush()
        {
            if (name is null)
            {
                yield break;
            }

            foreach (var piece in TextTable.Wrap(name.Trim(), Math.Max(10, width - 4)))
            {
                yield return "    " + piece;
            }

            if (description.Count > 0)
            {
                foreach (var piece in TextTable.Wrap(string.Join(" ", description), Math.Max(10, width - Indent.Length)))
                {
                    yield return Indent + piece;
                }
            }

            name = null;
            description.Clear();
        }
    }

    /// <summary>Where a row's description starts (after its name and a gap of two spaces or more), or -1 for a line without one.</summary>
    private static int DescriptionColumn(string line)
    {
        var start = line.Length - line.TrimStart().Length;
        var gap = line.IndexOf("  ", start, StringComparison.Ordinal);
        if (gap < 0)
        {
            return -1;
        }

        var text = gap;
        while (text < line.Length && line[text] == ' ')
        {
            text++;
        }

        return text < line.Length ? text : -1;
    }
}
