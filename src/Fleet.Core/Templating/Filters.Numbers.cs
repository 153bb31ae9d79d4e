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
            ["log"] = (v, c) => Log(Real(v, "log"), c.Get(0, "base") is { } b ? Real(b, "log") : null),
            ["pow"] = (v, c) => Math.Pow(Real(v, "pow"), Real(c.Get(0, "y"), "pow")) is var p && double.IsFinite(p) ? p : throw Error("math range error"),
            ["root"] = (v, c) => Real(c.Get(0, "base", 2L), "root") is var b && b == 2 ? Math.Sqrt(Domain(Real(v, "root"), "root() can only be used on numbers: ")) : Math.Pow(Domain(Real(v, "root"), "root() can only be used on numbers: "), 1.0 / b),
            ["round"] = (v, c) => Round(v, ToLong(c.Get(0, "precision", 0L)) ?? 0, Str(c.Get(1, "method", "common"))),
        };

        // Python's math functions take numbers (booleans count), never text.
        private static double Real(object? v, string filter) => v switch
        {
            long n => n,
            double d => d,
            bool b => b ? 1 : 0,
            _ => throw Error($"{filter}() can only be used on numbers: must be real number, not {Values.TypeName(v)}"),
        };

        // math.log(x, base) is log(x) / log(base); log10 for base 10, as Ansible picks it.
        private static double Log(double x, double? numberBase) => numberBase switch
        {
            null => Math.Log(Domain(x)),
            10 => Math.Log10(Domain(x)),
            1 => throw Error("float division by zero"),
            _ => Math.Log(Domain(x)) / Math.Log(Domain(numberBase.Value)),
        };

        private static double Domain(double x) => x > 0 ? x : throw Error("math domain error");

        private static double Domain(double x, string prefix) => x >= 0 ? x : throw Error(prefix + "math domain error");

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
