namespace Fleet.Core.Templating;

public static partial class Tests
{
    /// <summary>Comparison tests: <c>eq</c>/<c>ne</c>/<c>lt</c>/… and their operator spellings, <c>sameas</c>, <c>even</c>/<c>odd</c>, <c>divisibleby</c>.</summary>
    private static class Comparisons
    {
        public static readonly Dictionary<string, Test> All = new(StringComparer.Ordinal)
        {
            ["even"] = (v, _) => Whole(v) % 2 == 0,
            ["odd"] = (v, _) => Whole(v) % 2 != 0,
            ["divisibleby"] = (v, c) => Whole(v) % Whole(c.Get(0, "num")) == 0,
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
        };

        private static long Whole(object? v) => v switch
        {
            long n => n,
            bool b => b ? 1 : 0,
            double d when d == Math.Floor(d) => (long)d,
            _ => throw Filters.Error($"expected a whole number, got {Values.TypeName(v)}"),
        };
    }
}
