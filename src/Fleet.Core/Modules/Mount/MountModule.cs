using System.Globalization;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Modules.Files;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Mount;

/// <summary>What is mounted on a path now (<c>/proc/self/mountinfo</c>), and whether the path exists.</summary>
/// <param name="Mounted">Something is mounted there.</param>
/// <param name="Source">The mounted source, or empty.</param>
/// <param name="Fstype">The mounted file system type, or empty.</param>
/// <param name="Exists">The path exists.</param>
public sealed record MountPointState(bool Mounted, string Source, string Fstype, bool Exists);

/// <summary>Reads the mount on one path from <c>/proc/self/mountinfo</c> (whose mount points are escaped like fstab's).</summary>
/// <param name="Path">The mount point.</param>
public sealed record MountPointFact(string Path) : Fact<MountPointState>
{
    /// <inheritdoc />
    public override string Description => $"mount on {Path}";

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Path(Path), Subject.Path("/proc/self/mountinfo")];

    /// <inheritdoc />
    public override string Command =>
        $"P={Sh.Quote(MountPointPath(Path))} awk '$5 == ENVIRON[\"P\"] {{ for (i = 7; $i != \"-\"; i++); print \"mount\", $(i + 1), $(i + 2) }}' /proc/self/mountinfo\n"
        + $"[ -e {Sh.Quote(Path)} ] && echo exists || true";

    /// <inheritdoc />
    public override MountPointState Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = stdout.Split('\n');
        var mount = lines.LastOrDefault(l => l.StartsWith("mount ", StringComparison.Ordinal))?.Split(' ');
        return new MountPointState(mount is not null, mount is { Length: > 2 } ? mount[2] : "", mount is { Length: > 1 } ? mount[1] : "", lines.Contains("exists"));
    }

    /// <summary>A path as mountinfo writes it: space, tab, newline and backslash as octal escapes, no trailing slash.</summary>
    private static string MountPointPath(string path)
    {
        var trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
        return trimmed.Replace("\\", "\\134", StringComparison.Ordinal).Replace(" ", "\\040", StringComparison.Ordinal)
            .Replace("\t", "\\011", StringComparison.Ordinal).Replace("\n", "\\012", StringComparison.Ordinal);
    }
}

/// <summary>
/// <c>mount</c> (ansible.posix): an fstab entry present or absent (the file edited as Ansible edits it, other lines kept byte for
/// byte), and with mounted, unmounted and remounted the mount itself. A mount the host refuses (a container without the right to
/// mount, a missing device) fails the task with mount's own reason, and fstab and the directories created are restored, as Ansible.
/// </summary>
public sealed class MountModule : Module
{
    /// <inheritdoc />
    public override string Name => "mount";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("path", ParameterType.String, "The mount point.", Required: true, Aliases: ["name"], HostPath: true),
        new("state", ParameterType.String, "present/absent (fstab only, absent also unmounts and removes the mount point), mounted, unmounted or remounted.", Required: true,
            Choices: ["present", "absent", "mounted", "unmounted", "remounted"]),
        new("src", ParameterType.String, "The device or source. Required for present and mounted.", HostPath: true),
        new("fstype", ParameterType.String, "The file system type. Required for present and mounted."),
        new("opts", ParameterType.String, "Mount options. The default value is defaults."),
        new("dump", ParameterType.String, "fstab's dump field. The default value is 0."),
        new("passno", ParameterType.String, "fstab's pass number. The default value is 0."),
        new("fstab", ParameterType.String, "The fstab file. The default value is /etc/fstab."),
        FileParameters.Backup,
    ];

    private static string FstabPath(ModuleArguments args) => args.GetString("fstab") ?? "/etc/fstab";

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        return [new FileFact(FstabPath(args), WithContent: true), new MountPointFact(args.GetRequiredString("path"))];
    }

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        var path = args.GetRequiredString("path");
        var state = args.GetRequiredString("state");
        var fstab = FstabPath(args);
        if (state is "present" or "mounted" && (args.GetString("src") is null || args.GetString("fstype") is null))
        {
            return new PlanFailure($"state is {state} but all of the following are missing: {string.Join(", ", new[] { "src", "fstype" }.Where(p => args.GetString(p) is null))}");
        }

        if (!path.StartsWith('/'))
        {
            return new PlanFailure($"path must be absolute: {path}");
        }

        var file = facts.Get(new FileFact(fstab, WithContent: true));
        if (file.Exists && file.Text is null)
        {
            return new PlanFailure($"{fstab} is not a readable regular file");
        }

        var mount = facts.Get(new MountPointFact(path));
        var before = file.Text ?? "";
        var (after, edited) = state switch
        {
            "present" or "mounted" => FstabText.Set(before, Entry(args, path)),
            "absent" => FstabText.Unset(before, path, args.GetString("src")),
            _ => (before, false),
        };
        var changes = new List<string>();
        var script = new StringBuilder("set -e\nPATH=\"$PATH:/usr/sbin:/sbin\"\n");
        var p = Sh.Quote(path);
        var f = Sh.Quote(fstab);
        var fstabArgs = fstab == "/etc/fstab" ? "" : $" -T {f}";
        if (edited || !file.Exists)
        {
            changes.Add(state == "absent" ? $"{fstab}: entry for {path} removed" : $"{fstab}: entry for {path} {(before.Contains(FstabEntry.Escape(path), StringComparison.Ordinal) && !after.EndsWith(Entry(args, path).Line, StringComparison.Ordinal) ? "changed" : "set")}");
            WriteFstab(script, fstab, after, file.Exists, args.GetBool("backup", false));
        }

        switch (state)
        {
            case "absent" when edited:
                if (mount.Mounted)
                {
                    changes.Add($"{path} unmounted");
                    script.Append(CultureInfo.InvariantCulture, $"out=$(umount {p} 2>&1) || {{ printf 'Error unmounting %s: %s\\n' {p} \"$out\" >&2; exit 1; }}\n");
                }

                if (mount.Exists)
                {
                    changes.Add($"{path} removed");
                    script.Append(CultureInfo.InvariantCulture, $"out=$(rmdir {p} 2>&1) || {{ printf 'Error rmdir %s: %s\\n' {p} \"$out\" >&2; exit 1; }}\n");
                }

                break;
            case "unmounted" when mount.Mounted:
                changes.Add($"{path} unmounted");
                script.Append(CultureInfo.InvariantCulture, $"umount {p}\n");
                break;
            case "remounted":
                changes.Add($"{path} remounted");
                var opts = args.GetString("opts") is { } o and not "defaults" ? "remount," + o : "remount";
                script.Append(CultureInfo.InvariantCulture, $"mount -o {Sh.Quote(opts)}{fstabArgs} {p}\n");
                break;
            case "mounted" when !mount.Mounted || edited:
                changes.Add(mount.Mounted ? $"{path} remounted" : $"{path} mounted");
                AppendMount(script, path, mount, fstabArgs, fstab, file.Exists, remount: mount.Mounted);
                break;
        }

        if (changes.Count == 0)
        {
            return new NoChange(state switch
            {
                "unmounted" => $"{path} is not mounted",
                "absent" => $"no entry for {path} in {fstab}",
                "mounted" => $"{path} mounted ({mount.Fstype} {mount.Source}) and in {fstab}",
                _ => $"{fstab} already has the entry for {path}",
            });
        }

        var touches = new List<Subject> { Subject.Path(fstab), Subject.Path(path), Subject.Path("/proc/self/mountinfo") };
        return new Change(changes, script.ToString(), touches)
        {
            DiffSource = edited ? () => TextDiff.Unified(before, after, fstab) : null,
            Predicted = edited ? FileChange.Predict(fstab, (file.Exists ? file : new FileState(FileType.File, RemoteFileWriter.NewFileMode, "root", "root", 0, null, null)) with
            {
                Content = Encoding.UTF8.GetBytes(after),
                Size = Encoding.UTF8.GetByteCount(after),
            }) : null,
        };
    }

    private static FstabEntry Entry(ModuleArguments args, string path) => new(
        FstabEntry.Escape(args.GetString("src") ?? ""),
        FstabEntry.Escape(path),
        FstabEntry.Escape(args.GetString("fstype") ?? ""),
        FstabEntry.Escape(args.GetString("opts") ?? "defaults"),
        FstabEntry.Escape(args.GetString("dump") ?? "0"),
        FstabEntry.Escape(args.GetString("passno") ?? "0"));

    /// <summary>Writes fstab, keeping its attributes, with the old text in $old (removed on exit) for a failed mount to put back.</summary>
    private static void WriteFstab(StringBuilder script, string fstab, string text, bool exists, bool backup)
    {
        script.Append(CultureInfo.InvariantCulture, $"old=$(mktemp)\ntrap 'rm -f \"$old\"' EXIT\n{(exists ? $"cp -p {Sh.Quote(fstab)} \"$old\"" : ": > \"$old\"")}\n");
        script.Append(new RemoteFileWriter(fstab) { Backup = backup, MissingDirectory = MissingDirectory.Create, AlsoRemoveAtExit = ["\"$old\""] }.Script(text));
    }

    /// <summary>
    /// Creates the missing directories of the mount point, mounts (or remounts) from fstab, and on failure puts fstab back, removes
    /// the directories it created and fails with mount's message, as Ansible (ansible#59183).
    /// </summary>
    private static void AppendMount(StringBuilder script, string path, MountPointState mount, string fstabArgs, string fstab, bool existed, bool remount)
    {
        var p = Sh.Quote(path);
        script.Append("created=\"\"\n");
        if (!mount.Exists)
        {
            // The directories mkdir -p will create, deepest first, so that a failed mount removes exactly them.
            script.Append(CultureInfo.InvariantCulture, $"d={p}\nwhile [ ! -e \"$d\" ]; do created=\"$created$d\n\"; d=$(dirname \"$d\"); done\nmkdir -p {p}\n");
        }

        var command = remount ? $"mount -o remount{fstabArgs} {p}" : $"mount{fstabArgs} {p}";
        var restore = existed ? $"cp \"$old\" {Sh.Quote(fstab)}" : $"rm -f {Sh.Quote(fstab)}";
        script.Append(CultureInfo.InvariantCulture, $$"""
            if ! out=$({{command}} 2>&1); then
              [ -z "${old:-}" ] || {{restore}}
              printf '%s' "$created" | while IFS= read -r d; do rmdir "$d" 2>/dev/null || true; done
              printf 'Error mounting %s: %s\n' {{p}} "$out" >&2
              case "$out" in *"permission denied"*|*"must be superuser"*|*"Operation not permitted"*) echo "the host does not allow mounting here (no CAP_SYS_ADMIN: a container or an unprivileged namespace)" >&2 ;; esac
              exit 1
            fi

            """);
    }
}
