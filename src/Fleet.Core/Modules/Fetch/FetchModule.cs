using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Fetch;

/// <summary>
/// <c>fetch</c>: copies a file from the host to the controller, into <c>dest/INVENTORY_HOSTNAME/SRC</c> or (<c>flat</c>) <c>dest</c>
/// itself; only when the host's SHA-1 differs from the controller copy's, as Ansible's action. Check mode says what would be fetched
/// (Ansible skips the task instead).
/// </summary>
public sealed class FetchModule : Module
{
    /// <inheritdoc />
    public override string? AsyncRefusal => "it brings a file back to the controller, which needs the controller attached (Ansible's fetch action does not run async either)";

    /// <inheritdoc />
    public override string Name => "fetch";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("src", ParameterType.String, "The file on the host (a file, not a directory).", Required: true, HostPath: true),
        new("dest", ParameterType.String, "A directory on the controller (relative to the playbook's): the file lands in dest/HOST/SRC; with flat, the file itself (ending in / means dest/basename(src)).",
            Required: true),
        new("flat", ParameterType.Bool, "Write to dest itself rather than under dest/HOST/. The default value is false."),
        new("fail_on_missing", ParameterType.Bool, "Fail when src is missing or a directory (false only reports it). The default value is true."),
        new("validate_checksum", ParameterType.Bool, "Fail when the copy's SHA-1 differs from the host's. The default value is true."),
    ];

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        return [FactFor(args)];
    }

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(context);
        if (Destination(args, context) is not { } dest)
        {
            return new PlanFailure("dest is an existing directory, use a trailing slash if you want to fetch src into that directory");
        }

        var local = File.Exists(dest) ? ControllerDownload.Checksums(File.ReadAllBytes(dest)) : default((string, string)?);
        return Plan(args, facts.Get(FactFor(args)), dest, local);
    }

    /// <summary>The plan from the host's file and the controller's copy (its SHA-1 and MD5, or null when missing): pure.</summary>
    public static TaskPlan Plan(ModuleArguments args, StatState remote, string dest, (string Sha1, string Md5)? local)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(remote);
        var src = args.GetRequiredString("src");
        var failOnMissing = args.GetBool("fail_on_missing", true);
        var problem = !remote.Exists ? "the remote file does not exist, not transferring, ignored"
            : remote.Type == "directory" ? "remote file is a directory, fetch cannot work on directories"
            : null;
        if (problem is not null)
        {
            return failOnMissing
                ? new PlanFailure(problem)
                : new NoChange(problem) { Data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["file"] = src, ["msg"] = remote.Exists ? problem + ", not transferring, ignored" : problem } };
        }

        if (remote.Checksum is { } sum && local is { } copy && copy.Sha1 == sum)
        {
            return new NoChange($"{dest} already holds {src}")
            {
                Data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["md5sum"] = copy.Md5, ["file"] = src, ["dest"] = dest, ["checksum"] = copy.Sha1 },
            };
        }

        // An unreadable checksum (a file only root reads without become) is compared once the bytes are here, as Ansible's slurp.
        return new Change([$"{src} fetched to {dest} on the controller"], RemoteFileReader.Script(src), [])
        {
            Data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["file"] = src, ["dest"] = dest, ["remote_checksum"] = remote.Checksum },
            Download = new ControllerDownload(dest, args.GetBool("validate_checksum", true) ? remote.Checksum : null),
        };
    }

    /// <summary>
    /// Where the file lands on the controller, as Ansible's action computes it, or null when flat names an existing directory
    /// without a trailing slash.
    /// </summary>
    public static string? Destination(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var src = args.GetRequiredString("src");
        var dest = args.GetRequiredString("dest");
        if (dest.StartsWith("~/", StringComparison.Ordinal))
        {
            dest = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), dest[2..]);
        }

        // As Ansible's path_dwim: relative to the playbook's directory, also for a role's task.
        var playbook = context.Variables.TryGet("playbook_dir", out var dir) && dir is string { Length: > 0 } d ? d : context.PlaybookDirectory;
        if (!args.GetBool("flat", false))
        {
            return Path.GetFullPath($"{Path.Combine(playbook, dest)}/{context.HostName}/{src}");
        }

        var resolved = Path.Combine(playbook, dest);
        if (Directory.Exists(resolved) && !dest.EndsWith('/'))
        {
            return null;
        }

        return Path.GetFullPath(dest.EndsWith('/') ? resolved + Path.GetFileName(src) : resolved);
    }

    private static StatFact FactFor(ModuleArguments args) => new(args.GetRequiredString("src"), Follow: true, Checksum: true);
}
