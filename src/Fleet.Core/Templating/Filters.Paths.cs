namespace Fleet.Core.Templating;

public static partial class Filters
{
    /// <summary>POSIX path filters, as Python's <c>os.path</c>: <c>basename</c>, <c>dirname</c>, <c>splitext</c>.</summary>
    private static class Paths
    {
        public static readonly Dictionary<string, Filter> All = new(StringComparer.Ordinal)
        {
            ["basename"] = (v, _) => Str(v)[(Str(v).LastIndexOf('/') + 1)..],
            ["dirname"] = (v, _) => Dirname(Str(v)),
            ["splitext"] = (v, _) => SplitExt(Str(v)),
        };

        private static string Dirname(string path)
        {
            var slash = path.LastIndexOf('/') + 1;
            var head = path[..slash];
            return head.Length > 0 && head.Any(c => c != '/') ? head.TrimEnd('/') : head;
        }

        private static TupleValue SplitExt(string path)
        {
            var name = path.LastIndexOf('/') + 1;
            var dot = path.LastIndexOf('.');
            if (dot > name && path[name..dot].Any(c => c != '.'))
            {
                return new TupleValue([path[..dot], path[dot..]]);
            }

            return new TupleValue([path, ""]);
        }
    }
}
