using Spectre.Console;
using Spectre.Console.Rendering;

namespace Fleet.Cli.Output;

/// <summary>One cell of a <see cref="TextTable"/>: plain text (shown as it is, never read as markup) and an optional color.</summary>
/// <param name="Text">The text; a newline starts a new line in the cell.</param>
/// <param name="Color">A Spectre color name (red, yellow, green…) for the whole cell, or null.</param>
internal readonly record struct Cell(string Text, string? Color = null)
{
    public static implicit operator Cell(string text) => new(text);
}

/// <summary>
/// A table as plain columns that fits a width: cells wrap at spaces, a word is broken only when it is wider than its column, and
/// no line ends in padding. Columns are two spaces apart, under a header and a rule of dashes.
/// </summary>
internal sealed class TextTable(params string[] headers)
{
    private const int Gap = 2;

    /// <summary>The narrowest a column whose words are cut is made before another column's words are cut too.</summary>
    private const int Broken = 8;

    private readonly List<Cell[]> _rows = [];

    /// <summary>A line above the table, or null.</summary>
    public string? Title { get; init; }

    /// <summary>Adds a row; missing cells are empty.</summary>
    public TextTable AddRow(params Cell[] cells)
    {
        _rows.Add([.. cells.Take(headers.Length), .. Enumerable.Repeat(new Cell(""), Math.Max(0, headers.Length - cells.Length))]);
        return this;
    }

    /// <summary>The table's lines at <paramref name="width"/> columns, without color.</summary>
    public IReadOnlyList<string> Lines(int width) => Layout(width).Select(line => string.Concat(line.Select(s => s.Text))).ToList();

    /// <summary>Writes the table to <paramref name="console"/> at <paramref name="width"/> columns, colored cells in their color.</summary>
    public void Write(IAnsiConsole console, int width)
    {
        ArgumentNullException.ThrowIfNull(console);
        foreach (var line in MarkupLines(width))
        {
            console.MarkupLine(line);
        }
    }

    /// <summary>True when at <paramref name="width"/> columns every header stands whole: no column is narrower than its header's longest word.</summary>
    public bool HeadersFit(int width)
    {
        var widths = ColumnWidths(Math.Max(width, 1), [headers.Select(h => new Cell(h)).ToArray(), .. _rows]);
        return headers.Select((header, i) => header.Split(' ').Max(w => w.Length) <= widths[i]).All(fits => fits);
    }

    /// <summary>The table as a renderable laid out at whatever width it is drawn (the live progress view's frame).</summary>
    public IRenderable Renderable() => new Drawn(this);

    /// <summary>Each line as Spectre markup, colored cells in their color.</summary>
    private IEnumerable<string> MarkupLines(int width) =>
        Layout(width).Select(line => string.Concat(line.Select(s => s.Color is null || s.Text.Trim().Length == 0 ? Markup.Escape(s.Text) : $"[{s.Color}]{Markup.Escape(s.Text)}[/]")));

    /// <summary>Lays the table out when drawn, at the width Spectre offers, so a live view follows the terminal's width.</summary>
    private sealed class Drawn(TextTable table) : IRenderable
    {
        public Measurement Measure(RenderOptions options, int maxWidth) => new(1, maxWidth);

        public IEnumerable<Segment> Render(RenderOptions options, int maxWidth) =>
            ((IRenderable)new Rows(table.MarkupLines(maxWidth).Select(l => new Markup(l)))).Render(options, maxWidth);
    }

    /// <summary>Each output line as segments (a cell's fragment and then its padding), trailing padding left out.</summary>
    private List<List<Cell>> Layout(int width)
    {
        var header = headers.Select(h => new Cell(h, "bold")).ToArray();
        var widths = ColumnWidths(Math.Max(width, 1), [header, .. _rows]);
        var lines = new List<List<Cell>>();
        if (Title is not null)
        {
            lines.AddRange(Wrap(Title, Math.Max(width, 1)).Select(t => new List<Cell> { new(t, "bold") }));
        }

        lines.AddRange(RowLines(header, widths));
        lines.Add(Segments(widths.Select(w => new Cell(new string('-', w))).ToArray(), widths));
        foreach (var row in _rows)
        {
            lines.AddRange(RowLines(row, widths));
        }

        return lines;
    }

    private static IEnumerable<List<Cell>> RowLines(Cell[] row, int[] widths)
    {
        var wrapped = row.Select((cell, i) => Wrap(cell.Text, widths[i])).ToArray();
        var height = wrapped.Max(w => w.Count);
        for (var line = 0; line < height; line++)
        {
            yield return Segments(row.Select((cell, i) => cell with { Text = line < wrapped[i].Count ? wrapped[i][line] : "" }).ToArray(), widths);
        }
    }

    /// <summary>The fragments of one line, each padded to its column and the gap, up to the last one with text.</summary>
    private static List<Cell> Segments(Cell[] fragments, int[] widths)
    {
        var last = Array.FindLastIndex(fragments, f => f.Text.Length > 0);
        var segments = new List<Cell>();
        for (var i = 0; i <= last; i++)
        {
            segments.Add(fragments[i]);
            if (i < last)
            {
                segments.Add(new Cell(new string(' ', widths[i] - fragments[i].Text.Length + Gap)));
            }
        }

        return segments;
    }

    /// <summary>
    /// Each column as wide as its widest cell; when that is too wide in all, the widest column gives up a column at a time, first
    /// down to its longest word; only when the words alone do not fit, the column with the longest word is cut below it.
    /// </summary>
    internal static int[] ColumnWidths(int width, IReadOnlyList<Cell[]> rows)
    {
        var count = rows[0].Length;
        var widths = new int[count];
        var words = new int[count];
        for (var i = 0; i < count; i++)
        {
            var texts = rows.Select(r => r[i].Text.Split('\n')).SelectMany(l => l).ToList();
            widths[i] = Math.Max(1, texts.Max(t => t.Length));
            words[i] = Math.Max(1, texts.SelectMany(t => t.Split(' ')).Max(w => w.Length));
        }

        var available = Math.Max(count, width - (Gap * (count - 1)));
        var excess = widths.Sum() - available;
        while (excess > 0)
        {
            var column = Widest(widths, i => widths[i] > words[i]);
            if (column < 0 && Widest(words, i => widths[i] > Broken) is var longest and >= 0)
            {
                // The words alone do not fit: break the column with the longest word (a key fingerprint) down to Broken columns,
                // rather than cutting every column's words a little (a kernel version split in two).
                var give = Math.Min(excess, widths[longest] - Broken);
                widths[longest] -= give;
                excess -= give;
                continue;
            }

            if (column < 0)
            {
                column = Widest(widths, i => widths[i] > 1);
            }

            if (column < 0)
            {
                break;
            }

            // Down to the next column's width (or the limit) in one step, so a 10,000-character cell does not take 10,000 rounds.
            var floor = widths[column] > words[column] ? words[column] : 1;
            var next = widths.Where((w, i) => i != column && w < widths[column]).DefaultIfEmpty(floor).Max();
            var tied = widths.Where((w, i) => i != column && w == widths[column]).Any();
            var step = tied ? 1 : Math.Min(excess, Math.Max(1, widths[column] - Math.Max(floor, next)));
            widths[column] -= step;
            excess -= step;
        }

        return widths;
    }

    private static int Widest(int[] widths, Func<int, bool> may)
    {
        var best = -1;
        for (var i = 0; i < widths.Length; i++)
        {
            if (may(i) && (best < 0 || widths[i] > widths[best]))
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>Text wrapped at spaces to <paramref name="width"/>; a word longer than the width is cut into pieces of it.</summary>
    internal static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        foreach (var paragraph in text.Split('\n'))
        {
            var line = "";
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.Length > 0 && line.Length + 1 + word.Length <= width)
                {
                    line += " " + word;
                    continue;
                }

                if (line.Length > 0)
                {
                    lines.Add(line);
                }

                line = word;
                while (line.Length > width)
                {
                    lines.Add(line[..width]);
                    line = line[width..];
                }
            }

            lines.Add(line);
        }

        return lines;
    }
}
