using System.Text;
using System.Text.RegularExpressions;

namespace Fleet.Core.Templating;

public static partial class Filters
{
    /// <summary>Python's <c>str.title()</c>.</summary>
    internal static string TitleCase(string s)
    {
        var result = new StringBuilder(s.Length);
        var previousCased = false;
        foreach (var c in s)
        {
            result.Append(previousCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousCased = char.IsLetter(c);
        }

        return result.ToString();
    }

    /// <summary>Jinja's text filters: case, <c>format</c>, <c>indent</c>, <c>replace</c>, <c>split</c>, <c>trim</c>, <c>wordcount</c>.</summary>
    private static partial class Strings
    {
        public static readonly Dictionary<string, Filter> All = new(StringComparer.Ordinal)
        {
            ["safe"] = (v, _) => v is string ? v : Str(v),
            ["center"] = (v, c) => Center(Str(v), ToLong(c.Get(0, "width", 80L)) ?? 80),
            ["truncate"] = (v, c) => Truncate(Str(v), ToLong(c.Get(0, "length", 255L)) ?? 255, Values.Truthy(c.Get(1, "killwords", false)), Str(c.Get(2, "end", "...")), ToLong(c.Get(3, "leeway", 5L)) ?? 5),
            ["capitalize"] = (v, _) => Str(v) is { Length: > 0 } s ? char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant() : "",
            ["format"] = (v, c) => c.Keywords.Count > 0 ? Values.PercentFormat(Str(v), [c.Keywords]) : Values.PercentFormat(Str(v), c.Arguments),
            ["indent"] = (v, c) => Indent(Str(v), c.Get(0, "width", 4L), Values.Truthy(c.Get(1, "first", false)), Values.Truthy(c.Get(2, "blank", false))),
            ["lower"] = (v, _) => Str(v).ToLowerInvariant(),
            ["upper"] = (v, _) => Str(v).ToUpperInvariant(),
            ["title"] = (v, _) => string.Concat(WordStart().Split(Str(v)).Where(i => i.Length > 0).Select(i => char.ToUpperInvariant(i[0]) + i[1..].ToLowerInvariant())),
            ["replace"] = (v, c) => Replace(Str(v), Str(c.Get(0, "old")), Str(c.Get(1, "new")), c.Get(2, "count") is { } n ? ToLong(n) : null),
            ["split"] = (v, c) => Methods.Split(Str(v), c.Get(0, "sep"), ToLong(c.Get(1, "maxsplit", -1L)) ?? -1),
            ["string"] = (v, _) => Str(v),
            ["trim"] = (v, c) => c.Get(0, "chars") is { } chars ? Str(v).Trim(Str(chars).ToCharArray()) : Str(v).Trim(Python.Whitespace),
            ["wordcount"] = (v, _) => (long)Regex.Count(Str(v), @"\w+"),
        };

        [GeneratedRegex(@"([-\s({\[<]+)")]
        private static partial Regex WordStart();

        private static string Indent(string s, object? width, bool first, bool blank)
        {
            // Python's ' ' * width: a negative width is no indentation.
            var spaces = Math.Max(0, ToLong(width) ?? 4);
            RenderBudget.CheckText(width is string ? 0 : spaces);
            var indentation = width is string w ? w : new string(' ', (int)spaces);
            var lines = Python.SplitLines(s + "\n");
            RenderBudget.CheckText(s.Length + ((long)lines.Count + 1) * indentation.Length);
            string result;
            if (blank)
            {
                result = string.Join("\n" + indentation, lines);
            }
            else
            {
                result = lines[0];
                if (lines.Count > 1)
                {
                    result += "\n" + string.Join("\n", lines.Skip(1).Select(l => l.Length > 0 ? indentation + l : l));
                }
            }

            return first ? indentation + result : result;
        }

        private static long Occurrences(string s, string old)
        {
            var n = 0L;
            for (var at = s.IndexOf(old, StringComparison.Ordinal); at >= 0; at = s.IndexOf(old, at + old.Length, StringComparison.Ordinal))
            {
                n++;
            }

            return n;
        }

        // Python's str.center: the odd space goes left when the width is odd, right otherwise.
        private static string Center(string s, long width)
        {
            var margin = width - s.Length;
            if (margin <= 0)
            {
                return s;
            }

            RenderBudget.CheckText(width);
            var left = (margin / 2) + (margin & width & 1);
            return new string(' ', (int)left) + s + new string(' ', (int)(margin - left));
        }

        // Jinja's truncate: text within length + leeway stays; else cut at a word unless killwords, and end appended.
        private static string Truncate(string s, long length, bool killwords, string end, long leeway)
        {
            if (length < end.Length || leeway < 0)
            {
                throw Error(length < end.Length ? $"expected length >= {end.Length}, got {length}" : $"expected leeway >= 0, got {leeway}");
            }

            if (s.Length <= length + leeway)
            {
                return s;
            }

            var cut = s[..(int)(length - end.Length)];
            var space = cut.LastIndexOf(' ');
            return (killwords || space < 0 ? cut : cut[..space]) + end;
        }

        private static string Replace(string s, string old, string replacement, long? count)
        {
            // The result's size is known before it is built: a 64 MiB replacement of each of a million matches is refused, not built.
            var occurrences = old.Length == 0 ? s.Length + 1L : Occurrences(s, old);
            RenderBudget.CheckText(s.Length + Math.Min(occurrences, count is >= 0 ? count.Value : long.MaxValue) * Math.Max(0, replacement.Length - old.Length));
            if (count is null or < 0)
            {
                return old.Length == 0 ? string.Concat(s.Select(c => replacement + c)) + replacement : s.Replace(old, replacement, StringComparison.Ordinal);
            }

            var result = new StringBuilder();
            var position = 0;
            for (var n = 0; n < count; n++)
            {
                var found = s.IndexOf(old, position, StringComparison.Ordinal);
                if (found < 0 || old.Length == 0)
                {
                    break;
                }

                result.Append(s, position, found - position).Append(replacement);
                position = found + old.Length;
            }

            return result.Append(s[position..]).ToString();
        }
    }
}
