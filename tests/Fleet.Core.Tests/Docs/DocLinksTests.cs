using System.Text.RegularExpressions;
using Fleet.Tests;

namespace Fleet.Core.Tests.Docs;

/// <summary>
/// The README and the docs link each other: every relative link leads to a file or directory of the repository, and every
/// <c>#anchor</c> names a heading of its page, so moving text between pages cannot leave a reader at a dead end.
/// </summary>
public sealed partial class DocLinksTests
{
    public static TheoryData<string> Pages()
    {
        var pages = new TheoryData<string> { "README.md" };
        foreach (var dir in new[] { "docs", "examples" })
        {
            foreach (var page in Directory.EnumerateFiles(Path.Combine(Repository.Root, dir), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                pages.Add(Path.GetRelativePath(Repository.Root, page));
            }
        }

        return pages;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void EveryRelativeLink_LeadsToAFileAndAHeadingThatExist(string page)
    {
        var path = Path.Combine(Repository.Root, page);
        var broken = new List<string>();
        foreach (var link in Links(File.ReadAllText(path)))
        {
            var hash = link.IndexOf('#', StringComparison.Ordinal);
            var (file, anchor) = hash < 0 ? (link, "") : (link[..hash], link[(hash + 1)..]);
            var target = file.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, file));
            if (!File.Exists(target) && !Directory.Exists(target))
            {
                broken.Add($"{link}: no such file");
            }
            else if (anchor.Length > 0 && target.EndsWith(".md", StringComparison.Ordinal) && !Anchors(File.ReadAllText(target)).Contains(anchor))
            {
                broken.Add($"{link}: no such heading");
            }
        }

        Assert.True(broken.Count == 0, $"{page}: {string.Join("; ", broken)}");
    }

    [Theory]
    [InlineData("Another OS family's module", "another-os-familys-module")]
    [InlineData("Annotations under GitHub Actions", "annotations-under-github-actions")]
    [InlineData("`fleet report merge -o OUT.json IN.json… [--junit FILE]`", "fleet-report-merge--o-outjson-injson---junit-file")]
    public void Slug_IsGitHubsAnchorOfAHeading(string heading, string slug) => Assert.Equal(slug, Slug(heading));

    /// <summary>The relative link targets of a page, outside code blocks and code spans.</summary>
    private static IEnumerable<string> Links(string markdown)
    {
        var text = CodeSpan().Replace(CodeBlock().Replace(markdown, ""), "");
        return LinkTarget().Matches(text).Select(m => m.Groups[1].Value).Where(l => !Scheme().IsMatch(l));
    }

    private static HashSet<string> Anchors(string markdown) =>
        Heading().Matches(CodeBlock().Replace(markdown, "")).Select(m => Slug(m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);

    /// <summary>GitHub's anchor for a heading: lower case, punctuation dropped, each space a hyphen.</summary>
    private static string Slug(string heading) => NotSlug().Replace(heading.Trim().ToLowerInvariant(), "").Replace(' ', '-');

    [GeneratedRegex(@"(?ms)^\s*```.*?^\s*```")]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex LinkTarget();

    [GeneratedRegex(@"^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase)]
    private static partial Regex Scheme();

    [GeneratedRegex(@"(?m)^#{1,6} +(.+?) *$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\w\- ]")]
    private static partial Regex NotSlug();
}
