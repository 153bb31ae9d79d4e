using System.Globalization;
using System.Text.RegularExpressions;

namespace Fleet.Core.Templating;

public static partial class Tests
{
    /// <summary>Ansible's <c>version</c> test (alias <c>version_compare</c>): loose, strict or semver versions compared with an operator.</summary>
    private static partial class Versions
    {
        public static readonly Dictionary<string, Test> All = new(StringComparer.Ordinal)
        {
            ["version"] = (v, c) => Version(v, c),
            ["version_compare"] = (v, c) => Version(v, c),
        };

        private static bool Version(object? value, FilterCall call)
        {
            var op = Filters.Str(call.Get(1, "operator", "eq"));
            var strict = Values.Truthy(call.Get(2, "strict", false));
            var type = call.Get(3, "version_type") is { } t ? Filters.Str(t) : strict ? "strict" : "loose";
            var left = Parse(Filters.Str(value), type);
            var right = Parse(Filters.Str(call.Get(0, "version")), type);
            var compare = Values.Compare(left, right);
            return op switch
            {
                "==" or "=" or "eq" => compare == 0,
                "!=" or "<>" or "ne" => compare != 0,
                ">" or "gt" => compare > 0,
                ">=" or "ge" => compare >= 0,
                "<" or "lt" => compare < 0,
                "<=" or "le" => compare <= 0,
                _ => throw Filters.Error($"Invalid operator type ({op})"),
            };
        }

        // distutils' LooseVersion: runs of digits compare as numbers, runs of letters as text, dots are dropped.
        private static List<object?> Parse(string version, string type)
        {
            if (type is not ("loose" or "strict" or "semver" or "semantic"))
            {
                throw Filters.Error($"unsupported version_type '{type}' (loose, strict, semver)");
            }

            if (type == "strict" && !StrictVersion().IsMatch(version))
            {
                throw Filters.Error($"Version comparison failed: invalid version number '{version}'");
            }

            return LooseParts().Split(version).Where(p => p.Length > 0 && p != ".")
                .Select(p => long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? (object?)n : p).ToList();
        }

        [GeneratedRegex(@"(\d+|[a-z]+|\.)")]
        private static partial Regex LooseParts();

        [GeneratedRegex(@"^\d+\.\d+(\.\d+)?([ab](\d+))?$")]
        private static partial Regex StrictVersion();
    }
}
