using System.Text;
using System.Text.RegularExpressions;

namespace Fleet.Core;

/// <summary>How a glob reads its edge cases; <see cref="HostPattern"/> and <see cref="Fnmatch"/> are the two dialects Fleet accepts.</summary>
public sealed record GlobOptions
{
    /// <summary>Gets whether <c>[^a]</c> negates as <c>[!a]</c> does. The default value is false: <c>^</c> is a literal, as in Python's fnmatch.</summary>
    public bool CaretNegates { get; init; }

    /// <summary>Gets whether a <c>[</c> without its <c>]</c> makes the pattern invalid. The default value is false: it matches a literal <c>[</c>, as in fnmatch.</summary>
    public bool UnclosedBracketIsError { get; init; }

    /// <summary>Gets whether <c>/</c> separates path segments that no wildcard or class crosses, as in glob(3). The default value is false.</summary>
    public bool SlashIsSeparator { get; init; }

    /// <summary>Inventory host patterns: <c>[!a]</c> and <c>[^a]</c> both negate, an unclosed class is an error the user is told about.</summary>
    public static GlobOptions HostPattern { get; } = new() { CaretNegates = true, UnclosedBracketIsError = true };

    /// <summary>Python's <c>fnmatch</c>, as Ansible's <c>find</c> module matches names.</summary>
    public static GlobOptions Fnmatch { get; } = new();

    /// <summary>glob(3) on paths, as sshd's <c>Include</c> expands them: wildcards stay within one path segment.</summary>
    public static GlobOptions Path { get; } = new() { CaretNegates = true, SlashIsSeparator = true };
}

/// <summary>The one glob translator: <c>*</c> any run, <c>?</c> one character, <c>[seq]</c> and <c>[!seq]</c> sets, everything else literal.</summary>
public static class GlobPattern
{
    /// <summary>
    /// The regex text that matches the whole of a name as <paramref name="pattern"/> does, or null when a class is not closed and
    /// <paramref name="options"/> make that an error. A <c>]</c> right after <c>[</c> (or <c>[!</c>) is a member of the class, as in fnmatch.
    /// The text has no backtracking constructs, so it may be compiled with <see cref="RegexOptions.NonBacktracking"/>.
    /// </summary>
    public static string? Translate(string pattern, GlobOptions options)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(options);
        var regex = new StringBuilder("^(?:");
        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '*':
                    regex.Append(options.SlashIsSeparator ? "[^/]*" : ".*");
                    break;
                case '?':
                    regex.Append(options.SlashIsSeparator ? "[^/]" : ".");
                    break;
                case '[':
                    var close = ClassEnd(pattern, i, options);
                    if (close < 0)
                    {
                        if (options.UnclosedBracketIsError)
                        {
                            return null;
                        }

                        regex.Append("\\[");
                        break;
                    }

                    AppendClass(regex, pattern[(i + 1)..close], options);
                    i = close;
                    break;
                default:
                    regex.Append(Regex.Escape(pattern[i].ToString()));
                    break;
            }
        }

        return regex.Append(")\\z").ToString();
    }

    // The index of the ] that closes the class opened at `open`, or -1.
    private static int ClassEnd(string pattern, int open, GlobOptions options)
    {
        var j = open + 1;
        if (j < pattern.Length && IsNegation(pattern[j], options))
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

        return j < pattern.Length ? j : -1;
    }

    private static void AppendClass(StringBuilder regex, string body, GlobOptions options)
    {
        var negate = IsNegation(body[0], options);
        regex.Append(negate ? (options.SlashIsSeparator ? "[^/" : "[^") : "[");
        foreach (var c in negate ? body[1..] : body)
        {
            // A range's dash stays as it is; everything else is escaped, ] and [ too (.NET reads [ in a class as subtraction).
            regex.Append(c == '-' ? "-" : Regex.Escape(c.ToString()).Replace("]", "\\]", StringComparison.Ordinal));
        }

        regex.Append(']');
    }

    private static bool IsNegation(char c, GlobOptions options) => c == '!' || (c == '^' && options.CaretNegates);
}
