namespace Fleet.Core.Templating;

public static partial class Tests
{
    /// <summary>
    /// Ansible's path tests, on the controller as Ansible runs them: <c>exists</c>, <c>file</c>, <c>directory</c>, <c>link</c>,
    /// <c>link_exists</c>, <c>abs</c> and their <c>is_</c> spellings (Python's <c>os.path</c>: symlinks followed except by <c>link</c>).
    /// </summary>
    private static class Paths
    {
        public static readonly Dictionary<string, Test> All = new(StringComparer.Ordinal)
        {
            ["exists"] = (v, _) => Followed(Filters.Str(v)) is { } p && (File.Exists(p) || Directory.Exists(p)),
            ["file"] = (v, _) => Followed(Filters.Str(v)) is { } p && File.Exists(p),
            ["is_file"] = (v, _) => Followed(Filters.Str(v)) is { } p && File.Exists(p),
            ["directory"] = (v, _) => Followed(Filters.Str(v)) is { } p && Directory.Exists(p),
            ["is_dir"] = (v, _) => Followed(Filters.Str(v)) is { } p && Directory.Exists(p),
            ["link"] = (v, _) => IsLink(Filters.Str(v)),
            ["is_link"] = (v, _) => IsLink(Filters.Str(v)),
            ["link_exists"] = (v, _) => IsLink(Filters.Str(v)) || File.Exists(Filters.Str(v)) || Directory.Exists(Filters.Str(v)),
            ["abs"] = (v, _) => Filters.Str(v).StartsWith('/'),
            ["is_abs"] = (v, _) => Filters.Str(v).StartsWith('/'),
        };

        private static bool IsLink(string path) => path.Length > 0 && new FileInfo(path).LinkTarget is not null;

        // The path with its symlinks resolved; null when one dangles or loops (os.stat fails, so Python's test is false).
        private static string? Followed(string path)
        {
            if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
            {
                return null;
            }

            try
            {
                var info = new FileInfo(path);
                if (info.LinkTarget is null)
                {
                    return path;
                }

                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                return target is not null && new FileInfo(target.FullName).LinkTarget is null && Path.Exists(target.FullName) ? target.FullName : null;
            }
            catch (IOException)
            {
                return null;
            }
        }
    }
}
