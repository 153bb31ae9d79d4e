using System.Text;
using System.Text.RegularExpressions;
using Fleet.Core.Facts;
using Fleet.Core.Modules.Files;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Unarchive;

/// <summary>
/// <c>unarchive</c>: unpacks a tar (gz, bz2, xz, zst) or zip archive, from the controller or already on the host
/// (<c>remote_src</c>), into an existing directory; only when the archive differs from what is there (tar's <c>--diff</c> read as
/// Ansible reads it, a zip's members by content), then owner, group and mode on every member as Ansible sets them.
/// </summary>
public sealed class UnarchiveModule : Module
{
    /// <inheritdoc />
    public override string? AsyncRefusal => "Ansible's unarchive action does not run async either";

    /// <summary>Ansible's parameters that Fleet does not implement: naming one is a validation error.</summary>
    public static readonly IReadOnlyList<string> Unsupported = ["validate_certs", "decrypt", .. FileParameters.NotImplemented];

    /// <inheritdoc />
    public override string Name => "unarchive";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("src", ParameterType.String, "The archive: on the controller (absolute, or relative to the playbook's directory or its files/), or on the host with remote_src.", Required: true),
        new("dest", ParameterType.String, "The existing directory on the host to unpack into.", Required: true, HostPath: true),
        new("remote_src", ParameterType.Bool, "src is already on the host. The default value is false (copied from the controller)."),
        new("copy", ParameterType.Bool, "Deprecated opposite of remote_src (true: from the controller). The default value is true."),
        new("creates", ParameterType.String, "A path on the host: when it exists the task is skipped. The default is none.", HostPath: true),
        new("list_files", ParameterType.Bool, "Return the archive's members in files. The default value is false."),
        new("keep_newer", ParameterType.Bool, "Do not replace files newer than the archive's (tar --keep-newer-files). The default value is false."),
        new("exclude", ParameterType.StringList, "Members not to unpack (fnmatch patterns). The default is none."),
        new("include", ParameterType.StringList, "Only these members are unpacked. The default is all."),
        new("extra_opts", ParameterType.StringList, "More options for tar or unzip, one word each. The default is none."),
        new("io_buffer_size", ParameterType.Int, "Ansible's buffer for zip checksums; Fleet compares on the host and has no use for it. The default value is 65536."),
        FileParameters.Mode,
        FileParameters.Owner,
        FileParameters.Group,
        .. FileParameters.Refused(Unsupported),
    ];

    /// <inheritdoc />
    public override IEnumerable<string> HostPathParameters(ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.GetBool("remote_src") ?? !args.GetBool("copy", true) ? base.HostPathParameters(args).Append("src") : base.HostPathParameters(args);
    }

    /// <inheritdoc />
    public override IEnumerable<string> CheckCombination(IReadOnlySet<string> presentParameters)
    {
        ArgumentNullException.ThrowIfNull(presentParameters);
        if (presentParameters.Contains("include") && presentParameters.Contains("exclude"))
        {
            yield return "parameters are mutually exclusive: include|exclude";
        }

        if (presentParameters.Contains("copy") && presentParameters.Contains("remote_src"))
        {
            yield return "parameters are mutually exclusive: ('copy', 'remote_src')";
        }

        foreach (var refusal in FileParameters.Refusals(Unsupported, presentParameters))
        {
            yield return refusal;
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var facts = new List<Fact> { DestFact(args) };
        if (args.GetString("creates") is { } creates)
        {
            facts.Add(new PathExistsFact(creates));
        }

        if (ArchiveFactFor(args, context, out _) is { } archive)
        {
            facts.Add(archive);
        }

        return facts;
    }

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(context);
        if (args.GetString("creates") is { } creates && facts.Get(new PathExistsFact(creates)))
        {
            return new Skip($"skipped, since {creates} exists");
        }

        if (ArchiveFactFor(args, context, out var problem) is not { } fact)
        {
            return new PlanFailure(problem!);
        }

        var dest = facts.Get(DestFact(args));
        if (!dest.Exists || dest.Type != "directory")
        {
            return new PlanFailure($"dest '{fact.Options.Dest}' must be an existing dir");
        }

        return Plan(args, fact, facts.Get(fact), dest);
    }

    /// <summary>The plan from the archive compared with the destination (pure).</summary>
    public static TaskPlan Plan(ModuleArguments args, ArchiveFact fact, ArchiveState state, StatState dest)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(fact);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(dest);
        if (state.Error is not null)
        {
            return new PlanFailure(state.Error);
        }

        if (state.Handler is null)
        {
            return new PlanFailure($"Failed to find handler for \"{fact.Source}\". Make sure the required command to extract the file is installed.\n"
                + string.Join('\n', state.Reasons.Distinct()));
        }

        var options = fact.Options;
        var zip = state.Handler.StartsWith("Zip", StringComparison.Ordinal);
        var files = Members(state, options, zip);
        var differences = zip ? ZipDifferences(state, files) : TarDifferences(state, options);
        var paths = files.Concat(files.Where(f => f.Contains('/', StringComparison.Ordinal)).Select(f => f[..f.IndexOf('/', StringComparison.Ordinal)])).Select(p => p.TrimEnd('/')).Where(p => p.Length > 0).Distinct().ToList();
        var attributeChanges = paths.Where(p => state.Attributes.TryGetValue(p, out var a) && Differs(a, options)).ToList();
        var data = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["handler"] = state.Handler,
            ["dest"] = options.Dest,
            ["src"] = fact.Source,
            ["state"] = "directory",
            ["owner"] = dest.Owner,
            ["group"] = dest.Group,
            ["uid"] = dest.Uid,
            ["gid"] = dest.Gid,
            ["mode"] = dest.Mode,
            ["size"] = dest.Size,
        };
        if (args.GetBool("list_files", false))
        {
            data["files"] = files.ToList<object?>();
        }

        if (differences.Count == 0 && attributeChanges.Count == 0)
        {
            return new NoChange($"{fact.Source} already unpacked in {options.Dest}") { Data = data };
        }

        var script = new StringBuilder("set -e\n").Append(ArchiveOptions.Locale).Append($"cd {Sh.Quote(options.Dest)}\n");
        var changes = new List<string>();
        if (differences.Count > 0)
        {
            script.Append(ArchiveFact.SourceSetup(fact.Source, fact.Upload));
            var flag = ArchiveOptions.TarHandlers.FirstOrDefault(h => h.Handler == state.Handler).Flag;
            if (!zip)
            {
                script.Append("tar=$(command -v gtar || command -v tar)\n");
            }

            var extract = zip ? options.UnzipExtract() : options.Tar("--extract", flag);
            script.Append($"if ! {extract}; then printf 'failed to unpack %s to %s\\n' {Sh.Quote(fact.Source)} {Sh.Quote(options.Dest)} >&2; exit 1; fi\n");
            changes.Add($"{fact.Source} unpacked in {options.Dest} ({differences.Count} difference{(differences.Count == 1 ? "" : "s")}: {differences[0]})");
        }
        else
        {
            changes.Add($"{options.Dest}: owner, group or mode set on {attributeChanges.Count} of the archive's members");
        }

        script.Append(Attributes(differences.Count > 0 ? paths : attributeChanges, options));
        return new Change(changes, script.ToString(), [Subject.Tree(options.Dest)]) { Data = data };
    }

    /// <summary>The members Ansible's handler lists: a leading / dropped and excludes left out (tar), include or exclude applied (zip).</summary>
    public static IReadOnlyList<string> Members(ArchiveState state, ArchiveOptions options, bool zip)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        var excludes = options.ExcludeList.Select(e => zip ? e : e.TrimEnd('/')).ToList();
        var includes = options.IncludeList;
        var names = zip ? state.Files : state.Files.Select(Unescape).Select(f => f.StartsWith('/') ? f[1..] : f);
        return zip && includes.Count > 0
            ? [.. names.SelectMany(n => includes.Where(i => Fnmatch(n, i)).Select(_ => n))]
            : [.. names.Where(n => !excludes.Any(e => Fnmatch(n, e)))];
    }

    /// <summary>
    /// The tar --diff lines Ansible counts as "not unarchived": a missing file, a modification time, an invalid owner or group, and
    /// a mode, owner or group difference unless the task sets that attribute itself (owner and group count only for root).
    /// </summary>
    public static IReadOnlyList<string> TarDifferences(ArchiveState state, ArchiveOptions options)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        var root = state.Uid == 0;
        return
        [
            .. state.Diff.Where(line => !line.EndsWith(": : Warning: Cannot stat: No such file or directory", StringComparison.Ordinal)
                && ((root && options.Owner is null && line.EndsWith(": Uid differs", StringComparison.Ordinal))
                    || (root && options.Group is null && line.EndsWith(": Gid differs", StringComparison.Ordinal))
                    || (options.Mode is null && line.EndsWith(": Mode differs", StringComparison.Ordinal))
                    || line.EndsWith(": Mod time differs", StringComparison.Ordinal)
                    || line.EndsWith(": Warning: Cannot stat: No such file or directory", StringComparison.Ordinal)
                    || line.Contains(": Invalid owner", StringComparison.Ordinal)
                    || line.Contains(": Invalid group", StringComparison.Ordinal))),
        ];
    }

    /// <summary>A zip's members missing from the destination, of another type, or with other content.</summary>
    public static IReadOnlyList<string> ZipDifferences(ArchiveState state, IReadOnlyList<string> members)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(members);
        return
        [
            .. state.Zip.Where(z => z.State != "same" && members.Contains(z.Name)).Select(z => z.State switch
            {
                "missing" => $"Path {z.Name} is missing",
                "notdir" => $"File {z.Name} already exists, but not as a directory",
                "notfile" => $"Directory {z.Name} already exists, but not as a regular file",
                _ => $"File {z.Name} differs in content",
            }),
        ];
    }

    /// <summary>tar's listing escapes (\\ and octal \NNN for bytes outside ASCII) decoded, as Ansible's codecs.escape_decode.</summary>
    public static string Unescape(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!name.Contains('\\', StringComparison.Ordinal))
        {
            return name;
        }

        var bytes = new List<byte>();
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] == '\\' && i + 3 < name.Length && name[(i + 1)..(i + 4)].All(c => c is >= '0' and <= '7'))
            {
                bytes.Add(Convert.ToByte(name.Substring(i + 1, 3), 8));
                i += 3;
            }
            else if (name[i] == '\\' && i + 1 < name.Length && name[i + 1] == '\\')
            {
                bytes.Add((byte)'\\');
                i++;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(name[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>Python's fnmatch.fnmatch on a POSIX host.</summary>
    private static bool Fnmatch(string name, string pattern) =>
        GlobPattern.Translate(pattern, GlobOptions.Fnmatch) is { } regex && Regex.IsMatch(name, regex, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    private static bool Differs(PathAttributes current, ArchiveOptions options) =>
        (options.Owner is { } owner && owner != current.Owner && owner != current.Uid)
        || (options.Group is { } group && group != current.Group && group != current.Gid)
        || (options.Mode is { } mode && !current.IsLink && Files.FileMode.Resolve(mode, current.Mode, current.IsDirectory) != current.Mode);

    /// <summary>Owner, group and mode on each path as Ansible's file attributes: links keep their mode, owners change on the link itself.</summary>
    private static string Attributes(IReadOnlyList<string> paths, ArchiveOptions options)
    {
        if ((options.Owner ?? options.Group ?? options.Mode) is null || paths.Count == 0)
        {
            return "";
        }

        var owner = options.Owner is null ? options.Group is null ? null : "chgrp -h " + Sh.Quote(options.Group)
            : "chown -h " + Sh.Quote(options.Group is null ? options.Owner : options.Owner + ":" + options.Group);
        var body = new StringBuilder();
        body.Append("  [ -e \"$p\" ] || [ -L \"$p\" ] || continue\n");
        if (owner is not null)
        {
            body.Append($"  {owner} -- \"$p\"\n");
        }

        if (options.Mode is { } mode)
        {
            body.Append($"  [ -L \"$p\" ] || chmod {Sh.Quote(mode)} -- \"$p\"\n");
        }

        return $"for p in{string.Concat(paths.Select(p => " " + Sh.Quote(p)))}; do\n{body}done\n";
    }

    private static StatFact DestFact(ModuleArguments args) => new(args.GetRequiredString("dest"), Follow: true, Checksum: false);

    /// <summary>The archive fact, or null with why (a controller file that cannot be found).</summary>
    private static ArchiveFact? ArchiveFactFor(ModuleArguments args, ModuleContext context, out string? problem)
    {
        problem = null;
        var src = args.GetRequiredString("src");
        var remote = args.GetBool("remote_src") ?? !args.GetBool("copy", true);
        var options = new ArchiveOptions(args.GetRequiredString("dest"), ArchiveOptions.Join(args.GetList("extra_opts")), ArchiveOptions.Join(args.GetList("exclude")),
            ArchiveOptions.Join(args.GetList("include")), args.GetString("owner"), args.GetString("group"), args.GetString("mode"), args.GetBool("keep_newer", false));
        var withAttributes = (options.Owner ?? options.Group ?? options.Mode) is not null;
        if (remote)
        {
            if (src.Contains("://", StringComparison.Ordinal))
            {
                problem = $"src {src}: downloading an archive is not implemented by Fleet (fetch it with get_url, then unarchive it with remote_src)";
                return null;
            }

            return new ArchiveFact(src, null, options, withAttributes);
        }

        if (ControllerFiles.Find(src, context.PlaybookDirectory) is not { } file || InputFile.KindOf(file) != InputFileKind.Regular)
        {
            problem = $"Could not find or access '{src}' on the controller (looked in {string.Join(", ", ControllerFiles.Places(src, context.PlaybookDirectory))})";
            return null;
        }

        try
        {
            return new ArchiveFact(src, new ControllerArchive(file, InputFile.ReadBytes(file, "src on the controller", maxBytes: InputFile.MaxPayloadBytes)), options, withAttributes);
        }
        catch (FleetInputException ex)
        {
            problem = ex.Message;
            return null;
        }
    }
}
