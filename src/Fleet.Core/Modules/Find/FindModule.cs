using System.Globalization;
using System.Text.RegularExpressions;
using Fleet.Core.Facts;

namespace Fleet.Core.Modules.Find;

/// <summary>
/// <c>find</c> (ansible.builtin): the files under some directories that match names (glob, or regex with <c>use_regex</c>), type,
/// age, size and content, as Ansible's module selects them; never changes anything. Its result's <c>files</c> (path, mode, uid,
/// gid, size, mtime, isdir, islnk, pw_name…), <c>matched</c> and <c>examined</c> are Ansible's, so <c>loop: "{{ r.files }}"</c>
/// works on a registered result.
/// </summary>
public sealed partial class FindModule : Module
{
    /// <inheritdoc />
    public override string Name => "find";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("paths", ParameterType.StringList, "Directories to search.", Required: true, Aliases: ["name", "path"], HostPath: true),
        new("patterns", ParameterType.StringList, "Base names to match: globs, or regexes with use_regex (matched at the start). The default matches all.", Aliases: ["pattern"]),
        new("excludes", ParameterType.StringList, "Base names to leave out among those patterns matched. The default is none.", Aliases: ["exclude"]),
        new("use_regex", ParameterType.Bool, "patterns and excludes are Python regexes instead of globs. The default value is false."),
        new("file_type", ParameterType.String, "file, directory, link or any. The default value is file.", Choices: ["any", "directory", "file", "link"]),
        new("recurse", ParameterType.Bool, "Descend into subdirectories. The default value is false."),
        new("depth", ParameterType.Int, "With recurse, the deepest level reported (1 = the directory's own entries). The default is unlimited."),
        new("hidden", ParameterType.Bool, "Report names starting with a dot. The default value is false."),
        new("follow", ParameterType.Bool, "Descend into linked directories. The default value is false."),
        new("age", ParameterType.String, "At least this old (s, m, h, d, w suffix; negative: at most this old). The default is any age."),
        new("age_stamp", ParameterType.String, "The time age compares: mtime, atime or ctime. The default value is mtime.", Choices: ["atime", "ctime", "mtime"]),
        new("size", ParameterType.String, "At least this large (b, k, m, g, t suffix; negative: at most). Regular files only. The default is any size."),
        new("contains", ParameterType.String, "file_type file only: a line must match this regex at its start (or anywhere in the file with read_whole_file). The default is none."),
        new("read_whole_file", ParameterType.Bool, "contains searches the whole file instead of matching each line. The default value is false."),
        new("get_checksum", ParameterType.Bool, "Not supported by Fleet: true is refused (Fleet reads no file content for find). The default value is false."),
    ];

    private static FindFact FactFor(ModuleArguments args)
    {
        var recurse = args.GetBool("recurse", false);
        var depth = args.GetInt("depth") is { } d and > 0 ? (int?)d : null;
        var maxDepth = !recurse ? 1 : depth + 1;
        var contains = args.GetString("file_type") is null or "file" ? args.GetString("contains") : null;
        return new FindFact(string.Join('\0', args.GetList("paths") ?? []), maxDepth, args.GetBool("follow", false), contains, args.GetBool("read_whole_file", false));
    }

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        return Invalid(args) is null ? [FactFor(args)] : [];
    }

    /// <summary>Ansible's own argument errors (age, size), or the parameter Fleet refuses, before anything is read.</summary>
    private static string? Invalid(ModuleArguments args)
    {
        if (args.GetBool("get_checksum", false))
        {
            return "get_checksum: true is not supported by Fleet's find (use stat on the files found)";
        }

        if (args.GetString("age") is { } age && !AgePattern().IsMatch(age.ToLowerInvariant()))
        {
            return $"failed to process age: '{age}'";
        }

        if (args.GetString("size") is { } size && !SizePattern().IsMatch(size.ToLowerInvariant()))
        {
            return $"failed to process size: '{size}'";
        }

        if (args.GetList("paths") is not { Count: > 0 })
        {
            return "paths is empty";
        }

        return null;
    }

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        if (Invalid(args) is { } error)
        {
            return new PlanFailure(error);
        }

        var useRegex = args.GetBool("use_regex", false);
        IReadOnlyList<string> patterns = args.GetList("patterns") is { Count: > 0 } p ? p : [useRegex ? ".*" : "*"];
        var excludes = args.GetList("excludes") ?? [];
        Regex Compile(string pattern) => new(useRegex ? $"^(?:{pattern})" : GlobPattern.Translate(pattern, GlobOptions.Fnmatch)!, RegexOptions.CultureInvariant | (useRegex ? RegexOptions.None : RegexOptions.Singleline));
        List<Regex> include, exclude;
        try
        {
            (include, exclude) = (patterns.Select(Compile).ToList(), excludes.Select(Compile).ToList());
        }
        catch (ArgumentException ex)
        {
            return new PlanFailure($"invalid pattern: {ex.Message}");
        }

        var fileType = args.GetString("file_type") ?? "file";
        var age = Seconds(args.GetString("age"));
        var stamp = args.GetString("age_stamp") ?? "mtime";
        var size = Bytes(args.GetString("size"));
        var hidden = args.GetBool("hidden", false);
        var depth = args.GetBool("recurse", false) && args.GetInt("depth") is { } d and > 0 ? d : int.MaxValue;
        var found = facts.Get(FactFor(args));
        var files = new List<object?>();
        var skipped = new Dictionary<string, object?>(StringComparer.Ordinal);
        var warnings = new List<string>();
        var examined = 0L;
        foreach (var tree in found.Trees)
        {
            if (!tree.IsDirectory)
            {
                skipped[tree.Path] = $"'{tree.Path}' is not a directory";
                warnings.Add($"Skipped '{tree.Path}' path due to this access issue: '{tree.Path}' is not a directory");
                continue;
            }

            if (!tree.Complete)
            {
                warnings.Add($"find could not read everything under '{tree.Path}' (an unreadable directory or a vanished entry): the list may be incomplete");
            }

            var root = Normalize(tree.Path);
            foreach (var entry in WalkOrder(tree.Entries))
            {
                examined++;
                var name = entry.Relative[(entry.Relative.LastIndexOf('/') + 1)..];
                if (entry.Depth > depth || (!hidden && name.StartsWith('.')))
                {
                    continue;
                }

                var named = include.Any(r => r.IsMatch(name)) && !exclude.Any(r => r.IsMatch(name));
                var time = stamp switch { "atime" => entry.Atime, "ctime" => entry.Ctime, _ => entry.Mtime };
                var oldEnough = age is not { } a || (a >= 0 ? found.Now - time >= a : found.Now - time <= -a);
                var sized = size is not { } s || (s >= 0 ? entry.Size >= s : entry.Size <= -s);
                var selected = fileType switch
                {
                    "any" => named && oldEnough && (entry.Type != 'f' || sized),
                    "directory" => entry.Type == 'd' && named && oldEnough,
                    "link" => entry.Type == 'l' && named && oldEnough,
                    _ => entry.Type == 'f' && named && oldEnough && sized && (tree.Containing is null || tree.Containing.Contains(entry.Relative)),
                };
                if (selected)
                {
                    files.Add(Result(root == "/" ? "/" + entry.Relative : root + "/" + entry.Relative, entry));
                }
            }
        }

        var data = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["files"] = files,
            ["matched"] = files.Count,
            ["examined"] = examined,
            ["msg"] = warnings.Count > 0 && skipped.Count > 0 ? "Not all paths examined, check warnings for details" : "All paths examined",
            ["skipped_paths"] = skipped,
        };
        return new NoChange($"{files.Count} of {examined} examined matched") { Data = data, Warnings = warnings };
    }

    /// <summary>
    /// Python's os.walk order, which Ansible's list follows: a directory's non-directories, then its directories (links to directories
    /// included), then each of those directories' walk in turn; within each group the order the directory lists its entries.
    /// </summary>
    private static IEnumerable<FoundEntry> WalkOrder(IReadOnlyList<FoundEntry> entries)
    {
        var children = new Dictionary<string, List<FoundEntry>>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var slash = entry.Relative.LastIndexOf('/');
            var parent = slash < 0 ? "" : entry.Relative[..slash];
            if (!children.TryGetValue(parent, out var list))
            {
                children[parent] = list = [];
            }

            list.Add(entry);
        }

        var pending = new Stack<string>();
        pending.Push("");
        while (pending.Count > 0)
        {
            if (!children.TryGetValue(pending.Pop(), out var list))
            {
                continue;
            }

            foreach (var entry in list.Where(e => !e.IsDirFollowed))
            {
                yield return entry;
            }

            var dirs = list.Where(e => e.IsDirFollowed).ToList();
            foreach (var entry in dirs)
            {
                yield return entry;
            }

            for (var i = dirs.Count - 1; i >= 0; i--)
            {
                pending.Push(dirs[i].Relative);
            }
        }
    }

    /// <summary>One entry of Ansible's <c>files</c> list (its <c>statinfo</c>).</summary>
    private static Dictionary<string, object?> Result(string path, FoundEntry e)
    {
        bool Bit(int mask) => (e.Mode & mask) != 0;
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["path"] = path,
            ["mode"] = Convert.ToString(e.Mode, 8).PadLeft(4, '0'),
            ["isdir"] = e.Type == 'd',
            ["ischr"] = e.Type == 'c',
            ["isblk"] = e.Type == 'b',
            ["isreg"] = e.Type == 'f',
            ["isfifo"] = e.Type == 'p',
            ["islnk"] = e.Type == 'l',
            ["issock"] = e.Type == 's',
            ["uid"] = e.Uid,
            ["gid"] = e.Gid,
            ["size"] = e.Size,
            ["inode"] = e.Inode,
            ["dev"] = e.Device,
            ["nlink"] = e.Links,
            ["atime"] = e.Atime,
            ["mtime"] = e.Mtime,
            ["ctime"] = e.Ctime,
            ["gr_name"] = e.Group,
            ["pw_name"] = e.Owner,
            ["wusr"] = Bit(0x80),
            ["rusr"] = Bit(0x100),
            ["xusr"] = Bit(0x40),
            ["wgrp"] = Bit(0x10),
            ["rgrp"] = Bit(0x20),
            ["xgrp"] = Bit(0x8),
            ["woth"] = Bit(0x2),
            ["roth"] = Bit(0x4),
            ["xoth"] = Bit(0x1),
            ["isuid"] = Bit(0x800),
            ["isgid"] = Bit(0x400),
        };
    }

    /// <summary>Python's os.path.normpath for an absolute or relative path: no empty, "." or resolvable ".." parts.</summary>
    private static string Normalize(string path)
    {
        var absolute = path.StartsWith('/');
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == ".." && parts.Count > 0 && parts[^1] != "..")
            {
                parts.RemoveAt(parts.Count - 1);
            }
            else if (part != ".." || !absolute)
            {
                parts.Add(part);
            }
        }

        var joined = string.Join('/', parts);
        return absolute ? "/" + joined : joined.Length == 0 ? "." : joined;
    }

    private static long? Seconds(string? age)
    {
        if (age is null)
        {
            return null;
        }

        var m = AgePattern().Match(age.ToLowerInvariant());
        var unit = m.Groups[2].Value switch { "m" => 60, "h" => 3600, "d" => 86400, "w" => 604800, _ => 1 };
        return long.Parse(m.Groups[1].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) * unit;
    }

    private static long? Bytes(string? size)
    {
        if (size is null)
        {
            return null;
        }

        var m = SizePattern().Match(size.ToLowerInvariant());
        var unit = m.Groups[2].Value switch { "k" => 1024L, "m" => 1024L * 1024, "g" => 1024L * 1024 * 1024, "t" => 1024L * 1024 * 1024 * 1024, _ => 1 };
        return long.Parse(m.Groups[1].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) * unit;
    }

    [GeneratedRegex(@"^(-?\d+)(s|m|h|d|w)?$")]
    private static partial Regex AgePattern();

    [GeneratedRegex(@"^(-?\d+)(b|k|m|g|t)?$")]
    private static partial Regex SizePattern();
}
