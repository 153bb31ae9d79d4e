using System.Text;
using System.Text.RegularExpressions;

namespace Fleet.Core.Tests.Primitives;

public sealed class GlobPatternTests
{
    [Theory]
    [InlineData("web-*", "web-1", true)]
    [InlineData("web-*", "db-1", false)]
    [InlineData("web-?", "web-12", false)]
    [InlineData("web", "web1", false)]
    [InlineData("[ab]x", "bx", true)]
    [InlineData("[a-c]", "b", true)]
    [InlineData("[!a]", "a", false)]
    [InlineData("[!a]", "b", true)]
    [InlineData("[]a]", "]", true)]
    [InlineData("[!]]", "]", false)]
    [InlineData("[!]]", "x", true)]
    [InlineData("[[]", "[", true)]
    [InlineData("[\\]", "\\", true)]
    [InlineData("a.b", "axb", false)]
    [InlineData("(x)+$", "(x)+$", true)]
    public void Translate_BothDialects_MatchTheWholeNameAsFnmatch(string pattern, string name, bool expected)
    {
        Assert.Equal(expected, Regex.IsMatch(name, GlobPattern.Translate(pattern, GlobOptions.HostPattern)!));
        Assert.Equal(expected, Regex.IsMatch(name, GlobPattern.Translate(pattern, GlobOptions.Fnmatch)!));
    }

    [Theory]
    [InlineData("/etc/ssh/sshd_config.d/*.conf", "/etc/ssh/sshd_config.d/50-fleet.conf", true)]
    [InlineData("/etc/ssh/sshd_config.d/*.conf", "/etc/ssh/sshd_config.d/sub/x.conf", false)]
    [InlineData("/etc/ssh/*/x.conf", "/etc/ssh/a/b/x.conf", false)]
    [InlineData("/etc/ssh/?/x.conf", "/etc/ssh/a/x.conf", true)]
    [InlineData("/etc/ssh/a?b", "/etc/ssh/a/b", false)]
    [InlineData("/etc/ssh/a[!x]b", "/etc/ssh/a/b", false)]
    [InlineData("/etc/ssh/[0-9]*.conf", "/etc/ssh/50.conf", true)]
    public void Translate_PathDialect_WildcardsStayInOneSegment(string pattern, string path, bool expected) =>
        Assert.Equal(expected, Regex.IsMatch(path, GlobPattern.Translate(pattern, GlobOptions.Path)!));

    [Fact]
    public void Translate_Caret_NegatesInHostPatterns_IsLiteralInFnmatch()
    {
        Assert.Matches(GlobPattern.Translate("[^a]", GlobOptions.HostPattern)!, "b");
        Assert.DoesNotMatch(GlobPattern.Translate("[^a]", GlobOptions.HostPattern)!, "a");
        Assert.Matches(GlobPattern.Translate("[^a]", GlobOptions.Fnmatch)!, "^");
        Assert.DoesNotMatch(GlobPattern.Translate("[^a]", GlobOptions.Fnmatch)!, "b");
    }

    [Theory]
    [InlineData("web-[1")]
    [InlineData("[]")]
    [InlineData("[!]")]
    public void Translate_UnclosedClass_IsAnErrorInHostPatterns_ALiteralInFnmatch(string pattern)
    {
        Assert.Null(GlobPattern.Translate(pattern, GlobOptions.HostPattern));
        Assert.Matches(GlobPattern.Translate(pattern, GlobOptions.Fnmatch)!, pattern);
    }

    [Fact]
    public void Translate_ReversedRange_IsInvalidRegex()
    {
        Assert.Throws<RegexParseException>(() => new Regex(GlobPattern.Translate("[z-a]", GlobOptions.Fnmatch)!));
    }

    [Fact]
    public void Translate_ManyStars_CompilesWithoutBacktracking()
    {
        var regex = new Regex(GlobPattern.Translate(string.Concat(Enumerable.Repeat("*a", 30)) + "b", GlobOptions.HostPattern)!, RegexOptions.NonBacktracking);

        Assert.DoesNotMatch(regex, new string('a', 200));
    }

    /// <summary>
    /// Every pattern of up to four characters from the glob's special characters, on every short name, matches as the two translators
    /// this one replaced matched (inventory host patterns, the find module's fnmatch); they are kept below as the oracle.
    /// </summary>
    [Fact]
    public void Translate_ShortPatterns_MatchAsTheTranslatorsItReplaced()
    {
        var patterns = Strings("a!^][-*?\\", 4).ToList();
        var names = Strings("ab^][-\\!", 2).ToList();
        var differences = new List<string>();
        foreach (var pattern in patterns)
        {
            Compare(pattern, "host pattern", OldHostPattern(pattern), Compile(GlobPattern.Translate(pattern, GlobOptions.HostPattern), RegexOptions.None));
            Compare(pattern, "fnmatch", Compile(OldFnmatch(pattern), RegexOptions.Singleline), Compile(GlobPattern.Translate(pattern, GlobOptions.Fnmatch), RegexOptions.Singleline));
        }

        Assert.Empty(differences);

        void Compare(string pattern, string dialect, Regex? old, Regex? now)
        {
            if ((old is null) != (now is null))
            {
                differences.Add($"{dialect} '{pattern}': valid {old is not null} before, {now is not null} now");
                return;
            }

            differences.AddRange(names.Where(n => old is not null && old.IsMatch(n) != now!.IsMatch(n)).Select(n => $"{dialect} '{pattern}' on '{n}'"));
        }
    }

    private static IEnumerable<string> Strings(string alphabet, int maxLength)
    {
        IEnumerable<string> level = [""];
        for (var length = 0; length <= maxLength; length++)
        {
            foreach (var s in level)
            {
                yield return s;
            }

            level = level.SelectMany(s => alphabet.Select(c => s + c)).ToList();
        }
    }

    private static Regex? Compile(string? regex, RegexOptions options)
    {
        try
        {
            return regex is null ? null : new Regex(regex, RegexOptions.CultureInvariant | options);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    // Inventory.Glob before the translators were one.
    private static Regex? OldHostPattern(string name)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < name.Length; i++)
        {
            switch (name[i])
            {
                case '*': regex.Append(".*"); break;
                case '?': regex.Append('.'); break;
                case '[':
                    var close = i + 2 < name.Length ? name.IndexOf(']', i + 2) : -1;
                    if (close < 0)
                    {
                        return null;
                    }

                    var body = name[(i + 1)..close];
                    var negate = body[0] is '!' or '^';
                    regex.Append(negate ? "[^" : "[").Append(string.Concat((negate ? body[1..] : body).Select(c => c == '-' ? "-" : Regex.Escape(c.ToString()).Replace("]", "\\]", StringComparison.Ordinal)))).Append(']');
                    i = close;
                    break;
                default: regex.Append(Regex.Escape(name[i].ToString())); break;
            }
        }

        return Compile(regex.Append('$').ToString(), RegexOptions.None);
    }

    // FindModule.Glob (Python's fnmatch.translate) before the translators were one.
    private static string OldFnmatch(string pattern)
    {
        var regex = new StringBuilder("^(?:");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*': regex.Append(".*"); break;
                case '?': regex.Append('.'); break;
                case '[':
                    var j = i + 1;
                    if (j < pattern.Length && pattern[j] == '!')
                    {
                        j++;
                    }

                    if (j < pattern.Length && pattern[j] == ']')
                    {
                        j++;
                    }

                    while (j < pattern.Length && pattern[j] != ']')
                    {
                        j++;
                    }

                    if (j >= pattern.Length)
                    {
                        regex.Append("\\[");
                        break;
                    }

                    var set = pattern[(i + 1)..j].Replace("\\", "\\\\", StringComparison.Ordinal);
                    i = j;
                    if (set.StartsWith('!'))
                    {
                        set = "^" + set[1..];
                    }
                    else if (set.StartsWith('^'))
                    {
                        set = "\\" + set;
                    }

                    regex.Append('[').Append(set.Replace("[", "\\[", StringComparison.Ordinal)).Append(']');
                    break;
                default: regex.Append(Regex.Escape(c.ToString())); break;
            }
        }

        return regex.Append(")\\z").ToString();
    }
}
