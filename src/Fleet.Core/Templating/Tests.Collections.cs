namespace Fleet.Core.Templating;

public static partial class Tests
{
    /// <summary>Membership tests: <c>in</c>, <c>contains</c>, <c>subset</c>/<c>superset</c>, <c>any</c>/<c>all</c>.</summary>
    private static class Collections
    {
        public static readonly Dictionary<string, Test> All = new(StringComparer.Ordinal)
        {
            ["in"] = (v, c) => Values.Contains(c.Get(0, "seq"), v),
            ["contains"] = (v, c) => Values.Contains(v, c.Get(0, "value")),
            ["subset"] = (v, c) => Values.Iterate(v).All(x => Values.Contains(c.Get(0, "b"), x)),
            ["superset"] = (v, c) => Values.Iterate(c.Get(0, "b")).All(x => Values.Contains(v, x)),
            ["issubset"] = (v, c) => Values.Iterate(v).All(x => Values.Contains(c.Get(0, "b"), x)),
            ["issuperset"] = (v, c) => Values.Iterate(c.Get(0, "b")).All(x => Values.Contains(v, x)),
            ["any"] = (v, _) => Values.Iterate(v).Any(Values.Truthy),
            ["all"] = (v, _) => Values.Iterate(v).All(Values.Truthy),
        };
    }
}
