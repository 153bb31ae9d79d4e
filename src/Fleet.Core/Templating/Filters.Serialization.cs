namespace Fleet.Core.Templating;

public static partial class Filters
{
    /// <summary>JSON and YAML filters: <c>to_json</c>, <c>to_nice_json</c>, <c>from_json</c>, <c>to_yaml</c>, <c>to_nice_yaml</c>.</summary>
    private static class Serialization
    {
        public static readonly Dictionary<string, Filter> All = new(StringComparer.Ordinal)
        {
            ["to_json"] = (v, c) => Json.Dump(v, c.Get(0, "indent") is { } i ? ToLong(i) : null, Values.Truthy(c.Get(1, "sort_keys", false)), c.Keywords.ContainsKey("indent") ? "," : ", ", Values.Truthy(c.Keywords.GetValueOrDefault("ensure_ascii", true))),
            ["to_nice_json"] = (v, c) => Json.Dump(v, ToLong(c.Get(0, "indent", 4L)), Values.Truthy(c.Get(1, "sort_keys", true)), ",", Values.Truthy(c.Keywords.GetValueOrDefault("ensure_ascii", true))),
            ["to_yaml"] = (v, c) => Yaml.Dump(v, (int)(ToLong(c.Get(0, "indent", 2L)) ?? 2), flowLeaves: true),
            ["to_nice_yaml"] = (v, c) => Yaml.Dump(v, (int)(ToLong(c.Get(0, "indent", 4L)) ?? 4), flowLeaves: false),
            ["from_json"] = (v, _) => Json.Parse(Str(v)),
        };
    }
}
