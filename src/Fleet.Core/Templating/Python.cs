using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace Fleet.Core.Templating;

/// <summary>
/// Python behaviour that Ansible's filters inherit: <c>re</c> patterns and replacement templates translated to .NET's regex
/// (named groups <c>(?P&lt;n&gt;…)</c>, <c>\g&lt;n&gt;</c>, <c>\Z</c>), <c>str.splitlines</c>, <c>str.strip</c>'s whitespace.
/// </summary>
internal static class Python
{
    private static readonly ConcurrentDictionary<(string, RegexOptions, TimeSpan), Regex> Cache = new();

    // The time a template's regex gets is what its render has left, rounded up to a step: few instances per pattern are cached.
    private static readonly TimeSpan RegexTimeStep = TimeSpan.FromMilliseconds(250);

    /// <summary>The characters Python's <c>str.strip()</c> removes.</summary>
    public static readonly char[] Whitespace = [' ', '\t', '\n', '\r', '\v', '\f', '\x1c', '\x1d', '\x1e', '\x1f', '\x85', '\xa0', '\u2028', '\u2029', '\u3000'];

    /// <summary>A Python <c>re</c> pattern compiled for .NET; each match may take <see cref="RegexTimeout"/>.</summary>
    public static Regex Regex(string pattern, bool ignoreCase, bool multiline) => Regex(pattern, ignoreCase, multiline, RegexTimeout);

    /// <summary>
    /// Runs <paramref name="match"/> with the pattern compiled to stop when the current render's regex time is spent (see
    /// <see cref="RenderBudget.RegexTimeLeft"/>), and counts the time it took; past the budget it throws a
    /// <see cref="RegexMatchTimeoutException"/>, which filters and tests word as <see cref="RenderBudget.RegexSpent"/>.
    /// </summary>
    public static T Timed<T>(string pattern, bool ignoreCase, bool multiline, Func<Regex, T> match)
    {
        ArgumentNullException.ThrowIfNull(match);
        var left = RenderBudget.RegexTimeLeft;
        if (left <= TimeSpan.Zero)
        {
            throw new RegexMatchTimeoutException("", pattern, TimeSpan.Zero);
        }

        var regex = Regex(pattern, ignoreCase, multiline, RegexTimeStep * Math.Ceiling(left / RegexTimeStep));
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return match(regex);
        }
        finally
        {
            RenderBudget.SpendRegex(start);
        }
    }

    /// <summary>Every match of <paramref name="regex"/> in <paramref name="text"/>, stopping when the render's regex time is spent between two matches.</summary>
    public static IEnumerable<Match> Matches(Regex regex, string text)
    {
        ArgumentNullException.ThrowIfNull(regex);
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var match = regex.Match(text); match.Success; match = match.NextMatch())
        {
            if (System.Diagnostics.Stopwatch.GetElapsedTime(start) > RenderBudget.RegexTimeLeft)
            {
                throw new RegexMatchTimeoutException(text, regex.ToString(), regex.MatchTimeout);
            }

            yield return match;
        }
    }

    private static Regex Regex(string pattern, bool ignoreCase, bool multiline, TimeSpan timeout)
    {
        var options = RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : 0) | (multiline ? RegexOptions.Multiline : 0);
        return Cache.GetOrAdd((pattern, options, timeout), key =>
        {
            var translated = new StringBuilder();
            var p = key.Item1;
            for (var i = 0; i < p.Length; i++)
            {
                if (p[i] == '\\' && i + 1 < p.Length)
                {
                    translated.Append(p[i + 1] == 'Z' ? "\\z" : p.Substring(i, 2));
                    i++;
                }
                else if (string.CompareOrdinal(p, i, "(?P<", 0, 4) == 0)
                {
                    translated.Append("(?<");
                    i += 3;
                }
                else if (string.CompareOrdinal(p, i, "(?P=", 0, 4) == 0)
                {
                    var close = p.IndexOf(')', i);
                    translated.Append("\\k<").Append(p[(i + 4)..close]).Append('>');
                    i = close;
                }
                else
                {
                    translated.Append(p[i]);
                }
            }

            return new Regex(translated.ToString(), key.Item2, key.Item3);
        });
    }

    /// <summary>How long one match may run (a pattern that backtracks without end is an error, not a hang). 5 seconds.</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A Python <c>re.sub</c> replacement (<c>\1</c>, <c>\g&lt;name&gt;</c>, <c>\n</c>) as a .NET replacement pattern.</summary>
    public static string Replacement(string replacement)
    {
        var result = new StringBuilder();
        for (var i = 0; i < replacement.Length; i++)
        {
            var c = replacement[i];
            if (c == '$')
            {
                result.Append("$$");
            }
            else if (c == '\\' && i + 1 < replacement.Length)
            {
                var next = replacement[++i];
                if (char.IsAsciiDigit(next))
                {
                    var digits = next.ToString();
                    if (i + 1 < replacement.Length && char.IsAsciiDigit(replacement[i + 1]))
                    {
                        digits += replacement[++i];
                    }

                    result.Append("${").Append(digits).Append('}');
                }
                else if (next == 'g' && i + 1 < replacement.Length && replacement[i + 1] == '<')
                {
                    var close = replacement.IndexOf('>', i);
                    result.Append("${").Append(replacement[(i + 2)..close]).Append('}');
                    i = close;
                }
                else
                {
                    _ = next switch
                    {
                        'n' => result.Append('\n'),
                        't' => result.Append('\t'),
                        'r' => result.Append('\r'),
                        'f' => result.Append('\f'),
                        'v' => result.Append('\v'),
                        'a' => result.Append('\a'),
                        'b' => result.Append('\b'),
                        '\\' => result.Append('\\'),
                        _ when char.IsAsciiLetter(next) => throw new FleetInputException($"bad escape \\{next} in the replacement '{replacement}'"),
                        _ => result.Append('\\').Append(next),
                    };
                }
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }

    /// <summary>Python's <c>re.escape</c> (3.7+): every character that is special in a pattern gets a backslash.</summary>
    public static string Escape(string text)
    {
        const string special = "()[]{}?*+-|^$\\.&~# \t\n\r\v\f";
        var result = new StringBuilder();
        foreach (var c in text)
        {
            if (special.Contains(c, StringComparison.Ordinal))
            {
                result.Append('\\');
            }

            result.Append(c);
        }

        return result.ToString();
    }

    /// <summary>Python's <c>str.splitlines()</c>: lines without their ends; a final line end adds no empty line.</summary>
    public static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029')
            {
                lines.Add(text[start..i]);
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            lines.Add(text[start..]);
        }

        return lines;
    }
}
