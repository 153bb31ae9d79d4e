namespace Fleet.Core.Templating;

public static partial class Tests
{
    /// <summary>Tests of a value's type and truth: <c>none</c>, <c>boolean</c>, <c>string</c>, <c>number</c>, <c>mapping</c>, <c>sequence</c>, <c>callable</c>, <c>lower</c>/<c>upper</c>, <c>truthy</c>/<c>falsy</c>, ….</summary>
    private static class Types
    {
        public static readonly Dictionary<string, Test> All = new(StringComparer.Ordinal)
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
            ["truthy"] = (v, c) => Truthy(v, c),
            ["falsy"] = (v, c) => !Truthy(v, c),
            ["nan"] = (v, _) => v is double d && double.IsNaN(d),
            ["isnan"] = (v, _) => v is double d && double.IsNaN(d),
        };

        private static bool Truthy(object? v, FilterCall call)
        {
            if (Values.Truthy(call.Get(0, "convert_bool", false)) && v is bool or string or long)
            {
                return Filters.Apply("bool", v, call with { Arguments = [] }) is true;
            }

            return Values.Truthy(v);
        }
    }
}
