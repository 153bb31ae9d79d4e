using System.Diagnostics;
using System.Text;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Files;

namespace Fleet.Core.Tests.Modules;

/// <summary>Unified diffs as <c>diff -u</c> prints them, in linear memory, cut when long.</summary>
public sealed class TextDiffTests
{
    private static string Numbered(int count, Func<int, string>? line = null) =>
        string.Concat(Enumerable.Range(1, count).Select(i => (line ?? (n => $"line {n}"))(i) + "\n"));

    [Fact]
    public void Unified_EqualTexts_IsEmpty() => Assert.Equal("", TextDiff.Unified("a\nb\n", "a\nb\n", "/f"));

    [Fact]
    public void Unified_EditsFarApart_AreTwoHunksWithThreeLinesOfContext()
    {
        var before = Numbered(20);
        var after = before.Replace("line 2\n", "line two\n", StringComparison.Ordinal).Replace("line 18\n", "", StringComparison.Ordinal);

        Assert.Equal(
            "--- /f (before)\n+++ /f (after)\n" +
            "@@ -1,5 +1,5 @@\n line 1\n-line 2\n+line two\n line 3\n line 4\n line 5\n" +
            "@@ -15,6 +15,5 @@\n line 15\n line 16\n line 17\n-line 18\n line 19\n line 20\n",
            TextDiff.Unified(before, after, "/f"));
    }

    [Fact]
    public void Unified_EditsSixLinesApart_ShareOneHunk()
    {
        var before = Numbered(12);
        var after = before.Replace("line 3\n", "x\n", StringComparison.Ordinal).Replace("line 10\n", "y\n", StringComparison.Ordinal);

        var diff = TextDiff.Unified(before, after, "/f");

        Assert.Single(diff.Split('\n'), l => l.StartsWith("@@", StringComparison.Ordinal));
        Assert.Contains("@@ -1,12 +1,12 @@\n", diff, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "a\n", "@@ -0,0 +1,1 @@\n+a\n")]
    [InlineData("a\n", "", "@@ -1,1 +0,0 @@\n-a\n")]
    [InlineData("a\nb", "a\nb\n", "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n")]
    [InlineData("a\nb\n", "x\na\nb\n", "@@ -1,2 +1,3 @@\n+x\n a\n b\n")]
    public void Unified_EdgeCases_LikeDiffU(string before, string after, string hunks) =>
        Assert.Equal("--- /f (before)\n+++ /f (after)\n" + hunks, TextDiff.Unified(before, after, "/f"));

    [Fact]
    public void Unified_FourMiBFileChangedInOneLine_StaysUnderTwoHundredMegabytesAndIsFast()
    {
        var before = Numbered(100_000, n => $"{n:D8} {new string('x', 33)}");
        Assert.True(before.Length >= 4 * 1024 * 1024, $"{before.Length} characters");
        var after = before.Replace("00050000 ", "00050000 changed ", StringComparison.Ordinal);
        TextDiff.Unified("warm\n", "up\n", "/f");

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var diff = TextDiff.Unified(before, after, "/big");
        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        // The old n×m table needed 100,001² ints here (40 GB); lines and the diff are a few tens of MB at most.
        Assert.True(allocated < 200L * 1024 * 1024, $"{allocated / (1024 * 1024)} MB allocated");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Contains("@@ -49997,7 +49997,7 @@\n", diff, StringComparison.Ordinal);
        Assert.Contains($"-00050000 {new string('x', 33)}\n+00050000 changed {new string('x', 33)}\n", diff, StringComparison.Ordinal);
    }

    [Fact]
    public void Unified_ManyChangedLines_ShowsTheFirstPartAndCountsTheRest()
    {
        var before = Numbered(3000);
        var after = Numbered(3000, n => n % 2 == 0 ? $"even {n}" : $"line {n}");

        var diff = TextDiff.Unified(before, after, "/f");

        var lines = diff.TrimEnd('\n').Split('\n');
        Assert.Equal(TextDiff.MaxShownLines + 1, lines.Length);
        Assert.Matches(@"^… diff truncated: \d+ more lines$", lines[^1]);
        var more = int.Parse(lines[^1].Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TextDiff.MaxShownLines + more, FullLineCount(before, after));
    }

    [Fact]
    public void Unified_LargeTextsWithNothingInCommon_AreOneReplacementComputedQuickly()
    {
        var before = Numbered(60_000, n => $"old {n}");
        var after = Numbered(60_000, n => $"new {n}");

        var clock = Stopwatch.StartNew();
        var diff = TextDiff.Unified(before, after, "/f");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.StartsWith("--- /f (before)\n+++ /f (after)\n@@ -1,60000 +1,60000 @@\n-old 1\n-old 2\n", diff, StringComparison.Ordinal);
        Assert.EndsWith("… diff truncated: 119003 more lines\n", diff, StringComparison.Ordinal);
    }

    [Fact]
    public void Change_Diff_IsComputedOnlyWhenReadAndOnlyOnce()
    {
        var computed = 0;
        var change = new Change(["f changed"], "true\n") { DiffSource = () => $"diff {++computed}" };

        Assert.Equal(0, computed);
        Assert.Equal("diff 1", change.Diff);
        Assert.Equal("diff 1", change.Diff);
        Assert.Equal(1, computed);
    }

    /// <summary>How many lines the whole diff has: header, hunk headers and hunk lines, as counted without a cap.</summary>
    private static int FullLineCount(string before, string after)
    {
        // Every even line changes: each pair -even/+even sits between unchanged odd lines, so all edits share one hunk.
        var a = before.Split('\n').Length - 1;
        var changed = a / 2;
        return 2 + 1 + a + changed;
    }
}
