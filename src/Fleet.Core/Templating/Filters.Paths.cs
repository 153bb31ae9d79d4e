using System.Text.RegularExpressions;

namespace Fleet.Core.Templating;

public static partial class Filters
{
    // posixpath.expandvars: $name or ${name} of a set variable is replaced, anything else stays as written.
    [GeneratedRegex(@"\$(?:\{([^}]*)\}|([A-Za-z0-9_]+))", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex EnvironmentVariable();

    /// <summary>POSIX path filters, as Python's <c>os.path</c>: <c>basename</c>, <c>dirname</c>, <c>splitext</c>.</summary>
    private static class Paths
    {
        public static readonly Dictionary<string, Filter> All = new(StringComparer.Ordinal)
        {
            ["basename"] = (v, _) => Str(v)[(Str(v).LastIndexOf('/') + 1)..],
            ["dirname"] = (v, _) => Dirname(Str(v)),
            ["splitext"] = (v, _) => SplitExt(Str(v)),
            ["path_join"] = (v, _) => PathJoin(v),
            ["expanduser"] = (v, _) => ExpandUser(Str(v)),
            ["expandvars"] = (v, _) => EnvironmentVariable().Replace(Str(v), m => Environment.GetEnvironmentVariable(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value) ?? m.Value),
            ["relpath"] = (v, c) => RelativePath(Str(v), c.Get(0, "start") is { } s ? Str(s) : "."),
            ["win_basename"] = (v, _) => WindowsSplit(Str(v)).Tail,
            ["win_dirname"] = (v, _) => WindowsSplit(Str(v)).Head,
            ["win_splitdrive"] = (v, _) => new TupleValue([.. WindowsDrive(Str(v))]),
        };

        // posixpath.expanduser on the controller: '~' is $HOME, '~name' that user's home from /etc/passwd; anything else unchanged.
        private static string ExpandUser(string path)
        {
            if (!path.StartsWith('~'))
            {
                return path;
            }

            var slash = path.IndexOf('/', StringComparison.Ordinal);
            var name = slash < 0 ? path[1..] : path[1..slash];
            var home = name.Length == 0 ? Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : PasswdHome(name);
            if (home is null)
            {
                return path;
            }

            var result = (home.Length > 1 ? home.TrimEnd('/') : home) + (slash < 0 ? "" : path[slash..]);
            return result.Length > 0 ? result : "/";
        }

        private static string? PasswdHome(string user)
        {
            try
            {
                return File.ReadLines("/etc/passwd").Select(line => line.Split(':')).FirstOrDefault(f => f.Length >= 7 && f[0] == user)?[5];
            }
            catch (IOException)
            {
                return null;
            }
        }

        // os.path.join: an absolute part restarts the path, a part is joined with one '/' unless the path already ends with one.
        private static string PathJoin(object? value)
        {
            var parts = value is string s ? [s] : value is IReadOnlyList<object?> list ? list : throw Error($"|path_join expects string or sequence, got {Values.TypeName(value)} instead.");
            var path = "";
            foreach (var part in parts)
            {
                var text = part as string ?? throw Error($"expected str, bytes or os.PathLike object, not {Values.TypeName(part)}");
                path = text.StartsWith('/') ? text : path.Length == 0 || path.EndsWith('/') ? path + text : path + "/" + text;
            }

            return parts.Count > 0 ? path : throw Error("|path_join needs at least one path");
        }

        // os.path.relpath: both made absolute against the controller's working directory, normalized, no symlink resolved.
        private static string RelativePath(string path, string start)
        {
            if (path.Length == 0)
            {
                throw Error("no path specified");
            }

            static string Normal(string p) => Path.GetFullPath(p) is var full && full.Length > 1 ? full.TrimEnd('/') : full;
            var relative = Path.GetRelativePath(Normal(start), Normal(path));
            return relative.Length > 1 ? relative.TrimEnd('/') : relative;
        }

        // ntpath.splitdrive (Python 3.11): 'C:' or a UNC '\\server\\share' prefix, slashes of both kinds.
        private static string[] WindowsDrive(string p)
        {
            if (p.Length >= 2)
            {
                var normal = p.Replace('/', '\\');
                if (normal.StartsWith(@"\\", StringComparison.Ordinal) && (normal.Length < 3 || normal[2] != '\\'))
                {
                    var index = normal.IndexOf('\\', 2);
                    if (index < 0)
                    {
                        return ["", p];
                    }

                    var index2 = normal.IndexOf('\\', index + 1);
                    if (index2 == index + 1)
                    {
                        return ["", p];
                    }

                    index2 = index2 < 0 ? p.Length : index2;
                    return [p[..index2], p[index2..]];
                }

                if (normal[1] == ':')
                {
                    return [p[..2], p[2..]];
                }
            }

            return ["", p];
        }

        // ntpath.split: the drive, then the path cut after its last separator, the head's trailing separators removed.
        private static (string Head, string Tail) WindowsSplit(string p)
        {
            var drive = WindowsDrive(p);
            var rest = drive[1];
            var i = rest.Length;
            while (i > 0 && rest[i - 1] is not ('/' or '\\'))
            {
                i--;
            }

            var head = rest[..i];
            var trimmed = head.TrimEnd('/', '\\');
            return (drive[0] + (trimmed.Length > 0 ? trimmed : head), rest[i..]);
        }

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
