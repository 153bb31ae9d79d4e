using System.Globalization;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Modules.Files;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Files;

/// <summary><c>file</c>: a path's kind (file, directory, link, absent, touch), owner, group and mode.</summary>
public sealed class FileModule : Module
{
    /// <inheritdoc />
    public override string Name => "file";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("path", ParameterType.String, "Path on the host.", Required: true, Aliases: ["dest", "name"], HostPath: true),
        new("state", ParameterType.String, "file (attributes of an existing file), directory, link, absent or touch. The default value is what the path already is (as in Ansible), else file.", Choices: ["file", "directory", "link", "absent", "touch"]),
        FileParameters.Mode,
        FileParameters.Owner,
        FileParameters.Group,
        new("src", ParameterType.String, "Link target, for state: link.", HostPath: true),
        new("recurse", ParameterType.Bool, "For directories: apply owner, group and mode to everything below too. The default value is false."),
        new("follow", ParameterType.Bool, "For an existing symbolic link: manage its target's attributes (false: the link's own owner and group; a link's mode cannot change on Linux). The default value is true."),
        new("force", ParameterType.Bool, "For state: link: replace an existing file or empty directory, and allow a target that does not exist. The default value is false."),
        new("modification_time", ParameterType.String, "preserve, now, or a time in modification_time_format. The default is now for state: touch, otherwise preserve."),
        new("modification_time_format", ParameterType.String, "strptime format of modification_time. The default value is %Y%m%d%H%M.%S."),
        new("access_time", ParameterType.String, "preserve, now, or a time in access_time_format. The default is now for state: touch, otherwise preserve."),
        new("access_time_format", ParameterType.String, "strptime format of access_time. The default value is %Y%m%d%H%M.%S."),
    ];

    private const string DefaultTimeFormat = "%Y%m%d%H%M.%S";

    /// <inheritdoc />
    public override IEnumerable<string> CheckCombination(IReadOnlySet<string> presentParameters) => [];

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        var path = args.GetRequiredString("path");
        var facts = new List<Fact> { new FileFact(path) };
        if (args.GetBool("recurse", false))
        {
            facts.Add(new TreeMismatchFact(path, args.GetString("mode"), args.GetString("owner"), args.GetString("group")));
        }

        if (args.GetBool("follow", true))
        {
            facts.Add(new FollowedFileFact(path));
        }

        if (TimesFact(args, path) is { } times)
        {
            facts.Add(times);
        }

        if (args.GetString("state") == "link" && args.GetString("src") is { } src && !args.GetBool("force", false))
        {
            facts.Add(new PathExistsFact(LinkSourcePath(path, src)));
        }

        return facts;
    }

    // The times fact is read only when a time is not preserve; explicit times are converted to epoch seconds on the host (its time zone).
    private static FileTimesFact? TimesFact(ModuleArguments args, string path)
    {
        var state = args.GetString("state") ?? "file";
        var mtime = TimeArgument(args, "modification_time", state);
        var atime = TimeArgument(args, "access_time", state);
        if (state is "absent" or "link" || (mtime == "preserve" && atime == "preserve"))
        {
            return null;
        }

        string? Local(string value, string formatName) => value is "preserve" or "now" ? null : FileTimes.ToLocal(value, args.GetString(formatName) ?? DefaultTimeFormat);
        return new FileTimesFact(path, args.GetBool("follow", true), Local(mtime, "modification_time_format"), Local(atime, "access_time_format"));
    }

    /// <summary>
    /// Ansible's state when none is given: what the path already is (a directory stays one, a link with a src stays a link),
    /// a directory for a missing path with recurse, else file.
    /// </summary>
    private static string CurrentState(FileState current, ModuleArguments args) => current switch
    {
        { Exists: true, Type: FileType.Directory } => "directory",
        { Exists: true, Type: FileType.Link } when args.GetString("src") is not null => "link",
        { Exists: false } when args.GetBool("recurse", false) => "directory",
        _ => "file",
    };

    private static string TimeArgument(ModuleArguments args, string name, string state) => args.GetString(name) ?? (state == "touch" ? "now" : "preserve");

    private static string LinkSourcePath(string path, string src) => src.StartsWith('/') ? src : System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path) ?? "/", src);

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        var path = args.GetRequiredString("path");
        var state = facts.Get(new FileFact(path));
        var desired = args.GetString("state") ?? CurrentState(state, args);
        var p = Sh.Quote(path);
        var touched = FileChange.Touched(path);
        var follow = args.GetBool("follow", true);
        var isLink = state.Type == FileType.Link;
        if (follow && isLink && desired is "file" or "directory" or "touch" && facts.Get(new FollowedFileFact(path)) is { Exists: true } target)
        {
            // Ansible operates on the link's target: compare its attributes (chown, chmod and touch follow links).
            state = target;
            isLink = false;
        }

        switch (desired)
        {
            case "absent":
                return state.Exists
                    ? new Change([$"{path} removed"], $"rm -rf -- {p}\n", [Subject.Tree(path)])
                    : new NoChange($"{path} is absent");
            case "file" when !state.Exists:
                return new PlanFailure($"{path} does not exist (use state: touch to create it, or copy)");
            case "file" when isLink:
                return new PlanFailure($"file ({path}) is {(follow ? "a link to nothing" : "a link")}, cannot continue");
            case "file" when state.Type == FileType.Directory:
                return new PlanFailure($"{path} is a directory, not a file");
            case "directory" when state.Exists && state.Type != FileType.Directory:
                return new PlanFailure($"{path} exists and is not a directory");
            case "link":
                if (args.GetString("modification_time") is { } and not "preserve" || args.GetString("access_time") is { } and not "preserve")
                {
                    return new PlanFailure("modification_time and access_time other than preserve are not supported with state: link");
                }

                return PlanLink(args, path, state, facts, touched);
        }

        var changes = new List<string>();
        var script = new StringBuilder("set -e\n");
        if (desired == "directory" && !state.Exists)
        {
            changes.Add($"{path} directory created");
            script.Append(CultureInfo.InvariantCulture, $"mkdir -p -- {p}\n");
        }
        else if (desired == "touch" && !state.Exists)
        {
            changes.Add($"{path} created");
            script.Append(CultureInfo.InvariantCulture, $"touch -- {p}\n");
        }

        var isDirectory = desired == "directory" || state.Type == FileType.Directory;
        var mode = args.GetString("mode") is { } m ? FileMode.Resolve(m, state.Exists ? state.Mode : null, isDirectory) : null;
        var owner = args.GetString("owner");
        var group = args.GetString("group");
        if (mode is not null && (!state.Exists || mode != state.Mode))
        {
            changes.Add(state.Exists ? $"{path} mode {state.Mode} → {mode}" : $"{path} mode {mode}");
        }

        if (owner is not null && (!state.Exists || !state.OwnedBy(owner)))
        {
            changes.Add(state.Exists ? $"{path} owner {state.Owner} → {owner}" : $"{path} owner {owner}");
        }

        if (group is not null && (!state.Exists || !state.InGroup(group)))
        {
            changes.Add(state.Exists ? $"{path} group {state.Group} → {group}" : $"{path} group {group}");
        }

        // Linux cannot change a symbolic link's own mode: Ansible leaves it (follow: false).
        if (mode is not null && isLink)
        {
            mode = null;
            changes.RemoveAll(c => c.StartsWith($"{path} mode ", StringComparison.Ordinal));
        }

        var timeScript = new StringBuilder();
        if (PlanTimes(args, path, desired, isLink, state.Exists, facts, changes, timeScript) is { } timeError)
        {
            return new PlanFailure(timeError);
        }

        var recurse = args.GetBool("recurse", false) && isDirectory;
        if (recurse && facts.Get(new TreeMismatchFact(path, args.GetString("mode"), owner, group)) is > 0 and var count)
        {
            changes.Add(string.Create(CultureInfo.InvariantCulture, $"{count} entries below {path} given owner/group/mode"));
        }

        if (changes.Count == 0)
        {
            return new NoChange($"{path} already as desired");
        }

        var flag = recurse ? "-R " : isLink ? "-h " : "";
        if (owner is not null)
        {
            script.Append(CultureInfo.InvariantCulture, $"chown {flag}{Sh.Quote(owner)} -- {p}\n");
        }

        if (group is not null)
        {
            script.Append(CultureInfo.InvariantCulture, $"chgrp {flag}{Sh.Quote(group)} -- {p}\n");
        }

        if (args.GetString("mode") is { } rawMode && mode is not null)
        {
            // Recursive symbolic modes apply per entry (X matters); an octal mode is given as is.
            script.Append(CultureInfo.InvariantCulture, $"chmod {flag}{Sh.Quote(recurse ? rawMode : mode!)} -- {p}\n");
        }

        script.Append(timeScript);
        return new Change(changes, script.ToString(), recurse ? [Subject.Tree(path)] : touched);
    }

    // Ansible's update_timestamp_for_file: now always changes, an explicit time changes when stat differs, preserve keeps.
    private static string? PlanTimes(ModuleArguments args, string path, string desired, bool isLink, bool exists, IFactSource facts, List<string> changes, StringBuilder script)
    {
        if (TimesFact(args, path) is not { } fact)
        {
            return null;
        }

        if (args.GetBool("recurse", false))
        {
            return "modification_time and access_time other than preserve are not supported with recurse";
        }

        var mtime = TimeArgument(args, "modification_time", desired);
        var atime = TimeArgument(args, "access_time", desired);
        foreach (var (value, name) in new[] { (mtime, "modification_time"), (atime, "access_time") })
        {
            if (value is not ("preserve" or "now") && FileTimes.ToLocal(value, args.GetString(name + "_format") ?? DefaultTimeFormat) is null)
            {
                return $"Error while obtaining timestamp for time {value} using format {args.GetString(name + "_format") ?? DefaultTimeFormat} ({name})";
            }
        }

        var p = Sh.Quote(path);
        var h = isLink ? "-h " : "";
        if (mtime == "now" && atime == "now")
        {
            // A path just created already has the current times.
            if (exists)
            {
                changes.Add($"{path} touched");
                script.Append(CultureInfo.InvariantCulture, $"touch {h}-c -- {p}\n");
            }

            return null;
        }

        var current = exists ? facts.Get(fact) : null;
        foreach (var (value, flag, local, desiredEpoch, now, what) in new[]
        {
            (mtime, "-m", fact.Modification, current?.DesiredModification, current?.Modification, "modification time"),
            (atime, "-a", fact.Access, current?.DesiredAccess, current?.Access, "access time"),
        })
        {
            if (value == "preserve" || (value == "now" && !exists))
            {
                continue;
            }

            if (value == "now")
            {
                changes.Add($"{path} {what} → now");
                script.Append(CultureInfo.InvariantCulture, $"touch {h}-c {flag} -- {p}\n");
            }
            else if (!exists || desiredEpoch is not { } epoch || !FileTimes.Same(now!, epoch))
            {
                changes.Add($"{path} {what} → {local}");
                script.Append(CultureInfo.InvariantCulture, $"touch {h}-c {flag} -d {Sh.Quote(local!)} -- {p}\n");
            }
        }

        return null;
    }

    private static TaskPlan PlanLink(ModuleArguments args, string path, FileState state, IFactSource facts, IReadOnlyList<Subject> touched)
    {
        if (args.GetString("src") is not { } src)
        {
            return new PlanFailure("state: link needs src (the link's target)");
        }

        var force = args.GetBool("force", false);
        if (!force && !facts.Get(new PathExistsFact(LinkSourcePath(path, src))))
        {
            return new PlanFailure($"src file does not exist, use \"force=yes\" if you really want to create the link: {LinkSourcePath(path, src)}");
        }

        if (state.Type is FileType.Directory or FileType.File or FileType.Other && !force)
        {
            return new PlanFailure($"refusing to convert from {state.Type.ToString().ToLowerInvariant()} to symlink for {path}");
        }

        var changes = new List<string>();
        var script = new StringBuilder("set -e\n");
        var p = Sh.Quote(path);
        var relink = !(state.Type == FileType.Link && state.LinkTarget == src);
        if (relink)
        {
            changes.Add($"{path} → {src}");
            if (state.Type == FileType.Directory)
            {
                // Ansible replaces only an empty directory.
                script.Append(CultureInfo.InvariantCulture, $"rmdir -- {p} 2>/dev/null || {{ echo {Sh.Quote($"the directory {path} is not empty, refusing to convert it")} >&2; exit 1; }}\n");
            }

            script.Append(CultureInfo.InvariantCulture, $"ln -sfn -- {Sh.Quote(src)} {p}\n");
        }

        // owner, group and mode go to the target (follow) or the link itself (owner and group only): compared when the link stays.
        var follow = args.GetBool("follow", true);
        var current = relink ? null : follow ? facts.Get(new FollowedFileFact(path)) : state;
        var owner = args.GetString("owner");
        var group = args.GetString("group");
        var mode = follow && args.GetString("mode") is { } m && current is not { Exists: false } ? FileMode.Resolve(m, current?.Mode, current?.Type == FileType.Directory) : null;
        var h = follow ? "" : "-h ";
        // Ansible skips the attributes of a link to nothing (with a warning).
        var guard = follow ? $"[ ! -e {p} ] || " : "";
        if (current is { Exists: false })
        {
            owner = group = null;
        }

        if (owner is not null && owner != current?.Owner)
        {
            changes.Add($"{path} owner {owner}");
            script.Append(CultureInfo.InvariantCulture, $"{guard}chown {h}{Sh.Quote(owner)} -- {p}\n");
        }

        if (group is not null && group != current?.Group)
        {
            changes.Add($"{path} group {group}");
            script.Append(CultureInfo.InvariantCulture, $"{guard}chgrp {h}{Sh.Quote(group)} -- {p}\n");
        }

        if (mode is not null && mode != current?.Mode)
        {
            changes.Add($"{path} mode {mode}");
            script.Append(CultureInfo.InvariantCulture, $"[ ! -e {p} ] || chmod {Sh.Quote(mode)} -- {p}\n");
        }

        return changes.Count == 0 ? new NoChange($"{path} already links to {src}") : new Change(changes, script.ToString(), touched);
    }
}

/// <summary>How many entries below a directory differ from a desired owner, group or octal mode (for <c>recurse</c>); symbolic modes count every entry.</summary>
/// <param name="Path">The directory.</param>
/// <param name="Mode">Desired mode or null.</param>
/// <param name="Owner">Desired owner or null.</param>
/// <param name="Group">Desired group or null.</param>
public sealed record TreeMismatchFact(string Path, string? Mode, string? Owner, string? Group) : Fact<int>
{
    /// <inheritdoc />
    public override string Command
    {
        get
        {
            var tests = new List<string>();
            if (Owner is not null)
            {
                tests.Add($"! -user {Sh.Quote(Owner)}");
            }

            if (Group is not null)
            {
                tests.Add($"! -group {Sh.Quote(Group)}");
            }

            if (Mode is not null)
            {
                tests.Add(Mode.All(char.IsDigit) ? $"! -perm {Sh.Quote(Mode)}" : "-true");
            }

            return tests.Count == 0 ? "echo 0" : $"[ -d {Sh.Quote(Path)} ] || {{ echo 0; exit 0; }}; find {Sh.Quote(Path)} -mindepth 1 \\( {string.Join(" -o ", tests)} \\) -print | wc -l";
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Tree(Path)];

    /// <inheritdoc />
    public override int Parse(string stdout, int exitCode) => int.TryParse(stdout.Trim(), CultureInfo.InvariantCulture, out var n) ? n : 0;
}
