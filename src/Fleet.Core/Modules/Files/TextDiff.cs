using System.Globalization;
using System.Text;

namespace Fleet.Core.Modules.Files;

/// <summary>Unified diffs of two texts (LCS over lines, three lines of context), as <c>diff -u</c> prints them.</summary>
public static class TextDiff
{
    /// <summary>The unified diff from <paramref name="before"/> to <paramref name="after"/>; empty when equal.</summary>
    public static string Unified(string before, string after, string path)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var a = Lines(before);
        var b = Lines(after);
        if (a.SequenceEqual(b, StringComparer.Ordinal))
        {
            return "";
        }

        // Longest common subsequence table (files edited by playbooks are small).
        var lcs = new int[a.Count + 1, b.Count + 1];
        for (var i = a.Count - 1; i >= 0; i--)
        {
            for (var j = b.Count - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var ops = new List<(char Op, string Line, int A, int B)>();
        int x = 0, y = 0;
        while (x < a.Count || y < b.Count)
        {
            if (x < a.Count && y < b.Count && a[x] == b[y])
            {
                ops.Add((' ', a[x], x++, y++));
            }
            else if (y < b.Count && (x == a.Count || lcs[x, y + 1] > lcs[x + 1, y]))
            {
                ops.Add(('+', b[y], x, y++));
            }
            else
            {
                ops.Add(('-', a[x], x++, y));
            }
        }

        var output = new StringBuilder();
        output.Append(CultureInfo.InvariantCulture, $"--- {path} (before)\n+++ {path} (after)\n");
        const int context = 3;
        var k = 0;
        while (k < ops.Count)
        {
            if (ops[k].Op == ' ')
            {
                k++;
                continue;
            }

            var start = Math.Max(0, k - context);
            var end = k;
            var lastChange = k;
            while (end < ops.Count && (ops[end].Op != ' ' || end - lastChange <= 2 * context))
            {
                if (ops[end].Op != ' ')
                {
                    lastChange = end;
                }

                end++;
            }

            end = Math.Min(ops.Count, lastChange + context + 1);
            var hunk = ops.GetRange(start, end - start);
            var aStart = hunk[0].A;
            var bStart = hunk[0].B;
            var aCount = hunk.Count(o => o.Op != '+');
            var bCount = hunk.Count(o => o.Op != '-');
            output.Append(CultureInfo.InvariantCulture, $"@@ -{(aCount == 0 ? aStart : aStart + 1)},{aCount} +{(bCount == 0 ? bStart : bStart + 1)},{bCount} @@\n");
            foreach (var op in hunk)
            {
                output.Append(op.Op).Append(op.Line).Append('\n');
            }

            k = end;
        }

        return output.ToString();
    }

    private static List<string> Lines(string text)
    {
        var lines = text.Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }
        else if (text.Length > 0)
        {
            lines[^1] += "\n\\ No newline at end of file";
        }

        return lines;
    }
}
