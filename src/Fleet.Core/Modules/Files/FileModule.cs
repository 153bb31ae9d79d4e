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
        new("path", ParameterType.String, "Path on the host.", Required: true, Aliases: ["dest", "name"]),
        new("state", ParameterType.String, "file (attributes of an existing file), directory, link, absent or touch. The default value is file.", Choices: ["file", "directory", "link", "absent", "touch"]),
        FileParameters.Mode,
        FileParameters.Owner,
        FileParameters.Group,
        new("src", ParameterType.String, "Link target, for state: link."),
        new("recurse", ParameterType.Bool, "For directories: apply owner, group and mode to everything below too. The default value is false."),
    ];

    /// <inheritdoc />
    public override IEnumerable<string> CheckCombination(IReadOnlySet<string> presentParameters) => [];

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        var path = args.GetRequiredString("path");
        return args.GetBool("recurse", false) ? [new FileFact(path), new TreeMismatchFact(path, args.GetString("mode"), args.GetString("owner"), args.GetString("group"))] : [new FileFact(path)];
    }

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        var path = args.GetRequiredString("path");
        var state = facts.Get(new FileFact(path));
        var desired = args.GetString("state") ?? "file";
        var p = Sh.Quote(path);
        var touched = FileChange.Touched(path);
        switch (desired)
        {
            case "absent":
                return state.Exists
                    ? new Change([$"{path} removed"], $"rm -rf -- {p}\n", [Subject.Tree(path)])
                    : new NoChange($"{path} is absent");
            case "file" when !state.Exists:
                return new PlanFailure($"{path} does not exist (use state: touch to create it, or copy)");
            case "file" when state.Type == FileType.Directory:
                return new PlanFailure($"{path} is a directory, not a file");
            case "directory" when state.Exists && state.Type != FileType.Directory:
                return new PlanFailure($"{path} exists and is not a directory");
            case "link":
                return PlanLink(args, path, state, touched);
        }

        var changes = new List<string>();
        var script = new StringBuilder("set -e\n");
        if (desired == "directory" && !state.Exists)
        {
            changes.Add($"{path} directory created");
            script.Append(CultureInfo.InvariantCulture, $"mkdir -p -- {p}\n");
        }
        else if (desired == "touch")
        {
            changes.Add(state.Exists ? $"{path} touched" : $"{path} created");
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

        if (owner is not null && (!state.Exists || owner != state.Owner))
        {
            changes.Add(state.Exists ? $"{path} owner {state.Owner} → {owner}" : $"{path} owner {owner}");
        }

        if (group is not null && (!state.Exists || group != state.Group))
        {
            changes.Add(state.Exists ? $"{path} group {state.Group} → {group}" : $"{path} group {group}");
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

        var flag = recurse ? "-R " : "";
        if (owner is not null)
        {
            script.Append(CultureInfo.InvariantCulture, $"chown {flag}{Sh.Quote(owner)} -- {p}\n");
        }

        if (group is not null)
        {
            script.Append(CultureInfo.InvariantCulture, $"chgrp {flag}{Sh.Quote(group)} -- {p}\n");
        }

        if (args.GetString("mode") is { } rawMode)
        {
            // Recursive symbolic modes apply per entry (X matters); an octal mode is given as is.
            script.Append(CultureInfo.InvariantCulture, $"chmod {flag}{Sh.Quote(recurse ? rawMode : mode!)} -- {p}\n");
        }

        return new Change(changes, script.ToString(), recurse ? [Subject.Tree(path)] : touched);
    }

    private static TaskPlan PlanLink(ModuleArguments args, string path, FileState state, IReadOnlyList<Subject> touched)
    {
        if (args.GetString("src") is not { } src)
        {
            return new PlanFailure("state: link needs src (the link's target)");
        }

        if (state.Type == FileType.Link && state.LinkTarget == src)
        {
            return new NoChange($"{path} already links to {src}");
        }

        if (state.Type == FileType.Directory)
        {
            return new PlanFailure($"{path} is a directory; refusing to replace it with a link");
        }

        return new Change([$"{path} → {src}"], $"ln -sfn -- {Sh.Quote(src)} {Sh.Quote(path)}\n", touched);
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
