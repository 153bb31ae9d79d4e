namespace Fleet.Core.Templating;

public static partial class Filters
{
    /// <summary>Number filters: <c>abs</c>, <c>int</c>, <c>float</c>, <c>round</c>.</summary>
    private static class Numbers
    {
        public static readonly Dictionary<string, Filter> All = new(StringComparer.Ordinal)
        {
            ["abs"] = (v, _) => v switch { long n => Math.Abs(n), double d => (object)Math.Abs(d), bool b => b ? 1L : 0L, _ => throw Error($"bad operand type for abs(): '{Values.TypeName(v)}'") },
            ["float"] = (v, c) => ToFloat(v) ?? c.Get(0, "default", 0.0),
            ["int"] = (v, c) => ToInt(v, (int)(ToLong(c.Get(1, "base", 10L)) ?? 10)) ?? c.Get(0, "default", 0L),
            ["round"] = (v, c) => Round(v, ToLong(c.Get(0, "precision", 0L)) ?? 0, Str(c.Get(1, "method", "common"))),
        };

        private static object Round(object? v, long precision, string method)
        {
            if (method is not ("common" or "ceil" or "floor"))
            {
                throw Error("method must be common, ceil or floor");
            }

            if (v is long n && method == "common")
            {
                return precision >= 0 ? n : (object)(double)n;
            }

            var d = Values.Arithmetic("+", v, 0.0) is double x ? x : 0;
            var factor = Math.Pow(10, precision);
            return method switch
            {
                "ceil" => Math.Ceiling(d * factor) / factor,
                "floor" => Math.Floor(d * factor) / factor,
                _ => Math.Round(d, (int)Math.Clamp(precision, 0, 15), MidpointRounding.ToEven),
            };
        }
    }
}
