using System.Globalization;
using System.Text.RegularExpressions;

namespace Fleet.Core.Templating;

/// <summary>Jinja's tests and Ansible's (<c>version</c>, <c>match</c>/<c>search</c>/<c>regex</c>, <c>truthy</c>, <c>subset</c>, …).</summary>
public static partial class Tests
{
    private delegate bool Test(object? value, FilterCall call);

    private static readonly Dictionary<string, Test> Catalog = new(StringComparer.Ordinal)
    {
        ["none"] = (v, _) => v is null,
        ["boolean"] = (v, _) => v is bool,
        ["true"] = (v, _) => v is true,
        ["false"] = (v, _) => v is false,
        ["string"] = (v, _) => v is string,
        ["number"] = (v, _) => v is long or double or bool,
        ["integer"] = (v, _) => v is long,
        ["float"] = (v, _) => v is double,
        ["mapping"] = (v, _) => v is IReadOnlyDictionary<string, object?>,
        ["sequence"] = (v, _) => v is string or IReadOnlyList<object?> or IReadOnlyDictionary<string, object?>,
        ["iterable"] = (v, _) => v is string or IReadOnlyList<object?> or IReadOnlyDictionary<string, object?>,
        ["callable"] = (v, _) => v is ICallable,
        ["lower"] = (v, _) => v is string s && s == s.ToLowerInvariant(),
        ["upper"] = (v, _) => v is string s && s == s.ToUpperInvariant(),
        ["even"] = (v, _) => Whole(v) % 2 == 0,
        ["odd"] = (v, _) => Whole(v) % 2 != 0,
        ["divisibleby"] = (v, c) => Whole(v) % Whole(c.Get(0, "num")) == 0,
        ["in"] = (v, c) => Values.Contains(c.Get(0, "seq"), v),
        ["contains"] = (v, c) => Values.Contains(v, c.Get(0, "value")),
        ["equalto"] = (v, c) => Values.Equal(v, c.Get(0, "other")),
        ["eq"] = (v, c) => Values.Equal(v, c.Get(0, "other")),
        ["=="] = (v, c) => Values.Equal(v, c.Get(0, "other")),
        ["ne"] = (v, c) => !Values.Equal(v, c.Get(0, "other")),
        ["!="] = (v, c) => !Values.Equal(v, c.Get(0, "other")),
        ["lt"] = (v, c) => Values.Compare(v, c.Get(0, "other")) < 0,
        ["<"] = (v, c) => Values.Compare(v, c.Get(0, "other")) < 0,
        ["le"] = (v, c) => Values.Compare(v, c.Get(0, "other")) <= 0,
        ["<="] = (v, c) => Values.Compare(v, c.Get(0, "other")) <= 0,
        ["gt"] = (v, c) => Values.Compare(v, c.Get(0, "other")) > 0,
        ["greaterthan"] = (v, c) => Values.Compare(v, c.Get(0, "other")) > 0,
        [">"] = (v, c) => Values.Compare(v, c.Get(0, "other")) > 0,
        ["ge"] = (v, c) => Values.Compare(v, c.Get(0, "other")) >= 0,
        [">="] = (v, c) => Values.Compare(v, c.Get(0, "other")) >= 0,
        ["lessthan"] = (v, c) => Values.Compare(v, c.Get(0, "other")) < 0,
        ["sameas"] = (v, c) => v is null or bool ? Values.Equal(v, c.Get(0, "other")) && v?.GetType() == c.Get(0, "other")?.GetType() : ReferenceEquals(v, c.Get(0, "other")),
        ["match"] = (v, c) => RegexTest(v, c, "match"),
        ["search"] = (v, c) => RegexTest(v, c, "search"),
        ["regex"] = (v, c) => RegexTest(v, c, Filters.Str(c.Get(3, "match_type", "search"))),
        ["version"] = (v, c) => Version(v, c),
        ["version_compare"] = (v, c) => Version(v, c),
        ["truthy"] = (v, c) => Truthy(v, c),
        ["falsy"] = (v, c) => !Truthy(v, c),
        ["subset"] = (v, c) => Values.Iterate(v).All(x => Values.Contains(c.Get(0, "b"), x)),
        ["superset"] = (v, c) => Values.Iterate(c.Get(0, "b")).All(x => Values.Contains(v, x)),
        ["any"] = (v, _) => Values.Iterate(v).Any(Values.Truthy),
        ["all"] = (v, _) => Values.Iterate(v).All(Values.Truthy),

        // Ansible's tests of a registered task result.
        ["changed"] = (v, _) => ResultFlag(v, "changed", "changed"),
        ["change"] = (v, _) => ResultFlag(v, "changed", "change"),
        ["failed"] = (v, _) => ResultFlag(v, "failed", "failed"),
        ["failure"] = (v, _) => ResultFlag(v, "failed", "failure"),
        ["skipped"] = (v, _) => ResultFlag(v, "skipped", "skipped"),
        ["skip"] = (v, _) => ResultFlag(v, "skipped", "skip"),
        ["succeeded"] = (v, _) => !ResultFlag(v, "failed", "succeeded"),
        ["success"] = (v, _) => !ResultFlag(v, "failed", "success"),
        ["successful"] = (v, _) => !ResultFlag(v, "failed", "successful"),
    };

    /// <summary>A flag of a registered result (<c>changed</c>, <c>failed</c>, <c>skipped</c>); anything but a result is an error, as in Ansible.</summary>
    private static bool ResultFlag(object? value, string key, string test) =>
        value is IReadOnlyDictionary<string, object?> result
            ? result.TryGetValue(key, out var flag) && Values.Truthy(flag)
            : throw new FleetInputException($"the '{test}' test takes a registered task result, not {Values.ToText(value)}");

    /// <summary>True for a test Fleet implements (<c>defined</c>/<c>undefined</c> are handled by the expression).</summary>
    public static bool Known(string name) => Catalog.ContainsKey(name) || name is "defined" or "undefined";

    /// <summary>Applies the test <paramref name="name"/> to <paramref name="value"/>.</summary>
    public static bool Apply(string name, object? value, FilterCall call)
    {
        if (name is "defined" or "undefined")
        {
            return name == "defined";
        }

        var test = Catalog.GetValueOrDefault(name) ?? throw Filters.Error($"unknown test '{name}'");
        try
        {
            return test(value, call);
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or ArgumentException or RegexParseException)
        {
            throw Filters.Error($"test '{name}': {ex.Message}");
        }
    }

    private static long Whole(object? v) => v switch
    {
        long n => n,
        bool b => b ? 1 : 0,
        double d when d == Math.Floor(d) => (long)d,
        _ => throw Filters.Error($"expected a whole number, got {Values.TypeName(v)}"),
    };

    private static bool Truthy(object? v, FilterCall call)
    {
        if (Values.Truthy(call.Get(0, "convert_bool", false)) && v is bool or string or long)
        {
            return Filters.Apply("bool", v, call with { Arguments = [] }) is true;
        }

        return Values.Truthy(v);
    }

    private static bool RegexTest(object? value, FilterCall call, string type)
    {
        var regex = Python.Regex(Filters.Str(call.Get(0, "pattern", "")), Values.Truthy(call.Get(1, "ignorecase", false)), Values.Truthy(call.Get(2, "multiline", false)));
        var text = Filters.Str(value);
        return type switch
        {
            "match" => regex.Match(text) is { Success: true, Index: 0 },
            "fullmatch" => regex.Matches(text).Any(m => m.Index == 0 && m.Length == text.Length),
            _ => regex.IsMatch(text),
        };
    }

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
