using System.Text.RegularExpressions;

namespace Fleet.Core.Templating;

public static partial class Tests
{
    /// <summary>Ansible's regular-expression tests, with Python's <c>re</c> syntax: <c>match</c>, <c>search</c>, <c>regex</c>.</summary>
    private static class Regexes
    {
        public static readonly Dictionary<string, Test> All = new(StringComparer.Ordinal)
        {
            ["match"] = (v, c) => RegexTest(v, c, "match"),
            ["search"] = (v, c) => RegexTest(v, c, "search"),
            ["regex"] = (v, c) => RegexTest(v, c, Filters.Str(c.Get(3, "match_type", "search"))),
        };

        private static bool RegexTest(object? value, FilterCall call, string type)
        {
            var text = Filters.Str(value);
            return Python.Timed(Filters.Str(call.Get(0, "pattern", "")), Values.Truthy(call.Get(1, "ignorecase", false)), Values.Truthy(call.Get(2, "multiline", false)), regex => type switch
            {
                "match" => regex.Match(text) is { Success: true, Index: 0 },
                "fullmatch" => Python.Matches(regex, text).Any(m => m.Index == 0 && m.Length == text.Length),
                _ => regex.IsMatch(text),
            });
        }
    }
}
