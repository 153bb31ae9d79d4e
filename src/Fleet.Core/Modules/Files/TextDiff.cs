using System.Globalization;
using System.Text;
using DiffPlex;

namespace Fleet.Core.Modules.Files;

/// <summary>Unified diffs of two texts (Myers in linear space, three lines of context), as <c>diff -u</c> prints them, cut when long.</summary>
public static class TextDiff
{
    /// <summary>Diff lines shown at most; the rest is counted in a last "diff truncated" line. The default value is 1000.</summary>
    public const int MaxShownLines = 1000;

    /// <summary>
    /// Lines left to compare after the common head and tail beyond which no minimal diff is searched: Myers costs
    /// (N+M)·D time, so two large, very different texts are shown as one replacement instead. The default value is 20000.
    /// </summary>
    public const int MaxComparedLines = 20_000;

    private const int Context = 3;

    /// <summary>The unified diff from <paramref name="before"/> to <paramref name="after"/>; empty when equal.</summary>
    public static string Unified(string before, string after, string path)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var a = Lines(before);
        var b = Lines(after);

        // A file edit usually touches a few lines of a long file: the common head and tail cost no diff at all.
        var head = 0;
        while (head < a.Length && head < b.Length && a[head] == b[head])
        {
            head++;
        }

        var tail = 0;
        while (tail < a.Length - head && tail < b.Length - head && a[^(tail + 1)] == b[^(tail + 1)])
        {
            tail++;
        }

        if (head == a.Length && head == b.Length)
        {
            return "";
        }

        var edits = Edits(a[head..^tail], b[head..^tail], head);
        var output = new DiffOutput();
        output.Add($"--- {path} (before)");
        output.Add($"+++ {path} (after)");
        WriteHunks(output, a, b, edits);
        return output.ToString();
    }

    /// <summary>A run of deleted lines of the old text and inserted lines of the new one, at absolute line numbers.</summary>
    private readonly record struct Edit(int DeleteStart, int DeleteCount, int InsertStart, int InsertCount);

    private static List<Edit> Edits(string[] a, string[] b, int offset)
    {
        if (a.Length + b.Length > MaxComparedLines || a.Length == 0 || b.Length == 0)
        {
            return [new Edit(offset, a.Length, offset, b.Length)];
        }

        var result = Differ.Instance.CreateDiffs(PresplitLines.Before, PresplitLines.After, ignoreWhiteSpace: false, ignoreCase: false, new PresplitLines(a, b));
        return result.DiffBlocks.Select(d => new Edit(d.DeleteStartA + offset, d.DeleteCountA, d.InsertStartB + offset, d.InsertCountB)).ToList();
    }

    /// <summary>Hunks of <see cref="Context"/> lines around the edits, merged when their contexts touch, as <c>diff -u</c> does.</summary>
    private static void WriteHunks(DiffOutput output, string[] a, string[] b, List<Edit> edits)
    {
        var first = 0;
        while (first < edits.Count)
        {
            // Edits closer than twice the context share one hunk.
            var last = first;
            while (last + 1 < edits.Count && edits[last + 1].DeleteStart - (edits[last].DeleteStart + edits[last].DeleteCount) <= 2 * Context)
            {
                last++;
            }

            var aStart = Math.Max(0, edits[first].DeleteStart - Context);
            var bStart = edits[first].InsertStart - (edits[first].DeleteStart - aStart);
            var aEnd = Math.Min(a.Length, edits[last].DeleteStart + edits[last].DeleteCount + Context);
            var bEnd = edits[last].InsertStart + edits[last].InsertCount + (aEnd - (edits[last].DeleteStart + edits[last].DeleteCount));
            var aCount = aEnd - aStart;
            var bCount = bEnd - bStart;
            output.Add(string.Create(CultureInfo.InvariantCulture, $"@@ -{(aCount == 0 ? aStart : aStart + 1)},{aCount} +{(bCount == 0 ? bStart : bStart + 1)},{bCount} @@"));
            var x = aStart;
            for (var k = first; k <= last; k++)
            {
                var edit = edits[k];
                for (; x < edit.DeleteStart; x++)
                {
                    output.Add(" ", a[x]);
                }

                for (var i = 0; i < edit.DeleteCount; i++)
                {
                    output.Add("-", a[x++]);
                }

                for (var i = 0; i < edit.InsertCount; i++)
                {
                    output.Add("+", b[edit.InsertStart + i]);
                }
            }

            for (; x < aEnd; x++)
            {
                output.Add(" ", a[x]);
            }

            first = last + 1;
        }
    }

    private static string[] Lines(string text)
    {
        var lines = text.Split('\n');
        if (lines[^1].Length == 0)
        {
            return lines[..^1];
        }

        lines[^1] += "\n\\ No newline at end of file";
        return lines;
    }

    /// <summary>The diff text, cut after <see cref="MaxShownLines"/> lines with a count of what was left out.</summary>
    private sealed class DiffOutput
    {
        private readonly StringBuilder _text = new();
        private int _lines;

        public void Add(string line) => Add("", line);

        public void Add(string prefix, string line)
        {
            if (++_lines <= MaxShownLines)
            {
                _text.Append(prefix).Append(line).Append('\n');
            }
        }

        public override string ToString() =>
            _lines <= MaxShownLines
                ? _text.ToString()
                : _text.ToString() + string.Create(CultureInfo.InvariantCulture, $"… diff truncated: {_lines - MaxShownLines} more lines\n");
    }

    /// <summary>Hands DiffPlex the lines already split and trimmed, instead of text it would split again (on \r too).</summary>
    private sealed class PresplitLines(string[] before, string[] after) : IChunker
    {
        public const string Before = "before";
        public const string After = "after";

        public IReadOnlyList<string> Chunk(string str) => str == Before ? before : after;
    }
}
