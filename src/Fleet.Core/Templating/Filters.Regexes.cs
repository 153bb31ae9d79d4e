using System.Globalization;
using System.Text.RegularExpressions;

namespace Fleet.Core.Templating;

public static partial class Filters
{
    /// <summary>Ansible's regular-expression filters, with Python's <c>re</c> syntax: <c>regex_replace</c>, <c>regex_search</c>, <c>regex_findall</c>, <c>regex_escape</c>.</summary>
    private static class Regexes
    {
        public static readonly Dictionary<string, Filter> All = new(StringComparer.Ordinal)
        {
            ["regex_replace"] = (v, c) => Python.Timed(Str(c.Get(0, "pattern", "")), Values.Truthy(c.Get(2, "ignorecase", false)), Values.Truthy(c.Get(3, "multiline", false)),
                regex => regex.Replace(Str(v), Python.Replacement(Str(c.Get(1, "replacement", ""))))),
            ["regex_search"] = (v, c) => RegexSearch(Str(v), c),
            ["regex_findall"] = (v, c) => RegexFindAll(Str(v), c),
            ["regex_escape"] = (v, _) => Python.Escape(Str(v)),
        };

        private static object? RegexSearch(string value, FilterCall call)
        {
            var groups = call.Arguments.Skip(1).Select(a => Str(a)).Select(a =>
                a.StartsWith("\\g", StringComparison.Ordinal) ? (object)Regex.Match(a, @"\\g<(\S+)>").Groups[1].Value
                : a.StartsWith('\\') ? int.Parse(Regex.Match(a, @"\\(\d+)").Groups[1].Value, CultureInfo.InvariantCulture)
                : throw Error("Unknown argument")).ToList();
            var match = Python.Timed(Str(call.Get(0, "regex", "")), Values.Truthy(call.Keywords.GetValueOrDefault("ignorecase", false)), Values.Truthy(call.Keywords.GetValueOrDefault("multiline", false)), regex => regex.Match(value));
            if (!match.Success)
            {
                return null;
            }

            return groups.Count == 0 ? match.Value
                : groups.Select(g => (object?)(g is int n ? (match.Groups[n].Success ? match.Groups[n].Value : null) : match.Groups[(string)g].Success ? match.Groups[(string)g].Value : null)).ToList();
        }

        private static List<object?> RegexFindAll(string value, FilterCall call)
        {
            return Python.Timed(Str(call.Get(0, "regex", "")), Values.Truthy(call.Get(2, "ignorecase", false)), Values.Truthy(call.Get(1, "multiline", false)), regex => Python.Matches(regex, value).Select(m =>
            {
                var groups = m.Groups.Cast<Group>().Skip(1).Where(g => !int.TryParse(g.Name, out _) || true).ToList();
                return groups.Count switch
                {
                    0 => m.Value,
                    1 => (object?)groups[0].Value,
                    _ => new TupleValue(groups.Select(g => (object?)g.Value).ToList()),
                };
            }).ToList());
        }
    }
}
