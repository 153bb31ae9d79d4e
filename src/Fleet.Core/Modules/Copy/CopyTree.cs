using System.Globalization;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Modules.Files;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Copy;

/// <summary>
/// A controller directory as Ansible's copy walks it: its files (symbolic links followed, as its <c>local_follow</c> default) and
/// its subdirectories, each with its path under <c>dest</c>. <c>src/</c> copies the directory's contents, <c>src</c> the directory
/// itself (<c>dest/NAME/…</c>).
/// </summary>
/// <param name="Files">Each file: its path on the controller and its path under dest, by name.</param>
/// <param name="Directories">Each subdirectory's path under dest, parents first.</param>
/// <param name="Problem">Why the directory cannot be copied (a link that loops or leads nowhere), or null.</param>
internal sealed record CopyTree(IReadOnlyList<(string Local, string Relative)> Files, IReadOnlyList<string> Directories, string? Problem)
{
    /// <summary>With <c>local_follow: false</c>: each symbolic link's target as written and its path under dest. The default is none.</summary>
    public IReadOnlyList<(string Target, string Relative)> Links { get; init; } = [];

    /// <summary>More entries than this is not a configuration directory: the task fails rather than reading without end.</summary>
    public const int MaxEntries = 10_000;

    /// <summary>
    /// Walks <paramref name="directory"/>; <paramref name="contents"/> (a trailing slash) leaves its own name out of the paths;
    /// without <paramref name="followLinks"/> (<c>local_follow: false</c>) a symbolic link is copied as a link.
    /// </summary>
    public static CopyTree Walk(string directory, bool contents, bool followLinks = true)
    {
        var files = new List<(string, string)>();
        var links = new List<(string, string)>();
        var directories = new List<string>();
        var inside = new List<string>();
        string? problem = null;

        void Recurse(string dir, string relative)
        {
            var canonical = InputFile.CanonicalPath(dir);
            if (inside.Contains(canonical))
            {
                problem ??= $"{dir} is a symbolic link to a directory that contains it: Fleet's copy follows links and would not end";
                return;
            }

            inside.Add(canonical);
            foreach (var entry in Directory.EnumerateFileSystemEntries(dir).Order(StringComparer.Ordinal))
            {
                if (files.Count + directories.Count >= MaxEntries)
                {
                    problem ??= $"{directory} holds more than {MaxEntries} files and directories: copy an archive (unarchive) instead";
                    break;
                }

                var name = Path.GetFileName(entry);
                var path = relative.Length == 0 ? name : relative + "/" + name;
                if (!followLinks && new FileInfo(entry).LinkTarget is { } target)
                {
                    links.Add((target, path));
                }
                else if (Directory.Exists(entry))
                {
                    directories.Add(path);
                    Recurse(entry, path);
                }
                else if (File.Exists(entry))
                {
                    files.Add((entry, path));
                }
                else
                {
                    problem ??= $"{entry} is a symbolic link that leads nowhere on the controller";
                }
            }

            inside.RemoveAt(inside.Count - 1);
        }

        var top = contents ? "" : Path.GetFileName(directory.TrimEnd('/'));
        if (!followLinks && !contents && new FileInfo(directory.TrimEnd('/')).LinkTarget is { } topTarget)
        {
            // As Ansible's walk: src itself a link (no trailing slash) and not followed is one link under dest.
            return new CopyTree([], [], null) { Links = [(topTarget, top)] };
        }

        Recurse(directory, top);
        return new CopyTree(files, directories, problem) { Links = links };
    }

    /// <summary>The directories a run ensures under dest: dest itself (""), each file's parents, and every subdirectory, parents first.</summary>
    public IReadOnlyList<string> AllDirectories()
    {
        var all = new SortedSet<string>(StringComparer.Ordinal) { "" };
        foreach (var relative in Files.Select(f => f.Relative).Concat(Links.Select(l => l.Relative)))
        {
            for (var slash = relative.IndexOf('/', StringComparison.Ordinal); slash >= 0; slash = relative.IndexOf('/', slash + 1))
            {
                all.Add(relative[..slash]);
            }
        }

        all.UnionWith(Directories);
        return [.. all];
    }

    /// <summary>Where an entry under dest is on the host.</summary>
    public static string On(string dest, string relative) => relative.Length == 0 ? dest : dest.TrimEnd('/') + "/" + relative;

    /// <summary>The facts the plan reads: every directory and every file (with its content) under dest.</summary>
    public IEnumerable<Fact> Facts(string dest) =>
        AllDirectories().Select(d => (Fact)new FileFact(On(dest, d)))
            .Concat(Files.Select(f => (Fact)new FileFact(On(dest, f.Relative), WithContent: true)))
            .Concat(Links.Select(l => (Fact)new FileFact(On(dest, l.Relative))));

    /// <summary>
    /// As Ansible: missing directories are created with <c>owner</c>, <c>group</c> and <c>directory_mode</c>, which the walked
    /// subdirectories also get when they exist; then each file is planned as copy plans one file.
    /// </summary>
    public TaskPlan Plan(string dest, IFactSource facts, FileOptions options, Func<string, byte[]> read)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(read);
        if (Problem is not null)
        {
            return new PlanFailure(Problem);
        }

        if (Files.Count == 0 && Directories.Count == 0 && Links.Count == 0)
        {
            return new NoChange($"{dest}: the source directory is empty (Ansible copies nothing either)");
        }

        var changes = new List<string>();
        var script = new StringBuilder("set -e\n");
        var touched = new List<Subject>();
        var diffs = new List<Func<string>>();
        var predicted = new Dictionary<Fact, object>();
        var walked = Directories.ToHashSet(StringComparer.Ordinal);
        foreach (var relative in AllDirectories())
        {
            var path = On(dest, relative);
            var state = facts.Get(new FileFact(path));
            if (state.Exists && state.Type != FileType.Directory)
            {
                return new PlanFailure($"{path} exists and is not a directory");
            }

            var mode = options.DirectoryMode is { } m ? Fleet.Core.Modules.Files.FileMode.Resolve(m, state.Exists ? state.Mode : null, isDirectory: true) : null;
            var before = changes.Count;
            if (!state.Exists)
            {
                changes.Add($"{path}/ created");
                script.Append(CultureInfo.InvariantCulture, $"mkdir {(relative.Length == 0 ? "-p " : "")}{Sh.Quote(path)}\n");
                script.Append(RemoteFileWriter.SetAttributes(Sh.Quote(path), options.Owner, options.Group, mode));
            }
            else if (walked.Contains(relative))
            {
                var owner = options.Owner is { } o && !state.OwnedBy(o) ? o : null;
                var group = options.Group is { } g && !state.InGroup(g) ? g : null;
                var newMode = mode is not null && mode != state.Mode ? mode : null;
                changes.AddRange(new[] { owner is null ? null : $"{path} owner {state.Owner} → {owner}", group is null ? null : $"{path} group {state.Group} → {group}", newMode is null ? null : $"{path} mode {state.Mode} → {newMode}" }.OfType<string>());
                script.Append(RemoteFileWriter.SetAttributes(Sh.Quote(path), owner, group, newMode));
            }

            if (changes.Count > before)
            {
                touched.AddRange(FileChange.Touched(path));
            }
        }

        foreach (var (local, relative) in Files)
        {
            var path = On(dest, relative);
            var state = facts.Get(new FileFact(path, WithContent: true));
            if (state.Exists && !options.Force)
            {
                continue;
            }

            byte[] content;
            try
            {
                content = read(local);
            }
            catch (FleetInputException ex)
            {
                return new PlanFailure(ex.Message);
            }

            // As Ansible's action, which checks each transferred file against the task's checksum (one checksum for a whole tree).
            if ((state.Content is null || !state.Content.AsSpan().SequenceEqual(content)) && CopyModule.ChecksumFailure(options.Checksum, content) is { } mismatch)
            {
                return mismatch;
            }

            var mode = options.Mode == "preserve" ? DestinationFile.ControllerMode(local) : options.Mode;
            switch (FileChange.Plan(path, state, content, mode, options.Owner, options.Group, options.Backup, options.Validate))
            {
                case PlanFailure failure:
                    return failure;
                case Change change:
                    changes.AddRange(change.Changes);
                    script.Append(change.Script);
                    touched.AddRange(change.Touches ?? FileChange.Touched(path));
                    if (change.DiffSource is { } diff)
                    {
                        diffs.Add(diff);
                    }

                    foreach (var (fact, value) in change.Predicted ?? new Dictionary<Fact, object>())
                    {
                        predicted[fact] = value;
                    }

                    break;
            }
        }

        foreach (var (target, relative) in Links)
        {
            // As Ansible's file module with state: link and force: the link is made, or replaces what is there, unless it is a directory.
            var path = On(dest, relative);
            var state = facts.Get(new FileFact(path));
            if (state.Type == FileType.Link && state.LinkTarget == target)
            {
                continue;
            }

            if (state.Type == FileType.Directory)
            {
                return new PlanFailure($"{path} is a directory: the link to {target} cannot replace it");
            }

            changes.Add($"{path} → {target} linked");
            script.Append(CultureInfo.InvariantCulture, $"ln -sfn -- {Sh.Quote(target)} {Sh.Quote(path)}\n");
            touched.AddRange(FileChange.Touched(path));
        }

        return changes.Count == 0
            ? new NoChange($"{dest}: every file and directory already as desired")
            : new Change(changes, script.ToString(), touched) { DiffSource = diffs.Count == 0 ? null : () => string.Join("\n", diffs.Select(d => d())), Predicted = predicted };
    }

    /// <summary>The task's file parameters that a directory copy applies to each entry.</summary>
    internal sealed record FileOptions(string? Mode, string? DirectoryMode, string? Owner, string? Group, bool Backup, bool Force, string? Validate)
    {
        /// <summary>The SHA-1 each transferred file must have (the task's checksum), or null. The default value is null.</summary>
        public string? Checksum { get; init; }
    }
}
