using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Modules.Files;

namespace Fleet.Core.Modules.Copy;

/// <summary>
/// <c>copy</c>: a whole file's content (inline <c>content</c> or a controller file <c>src</c>), owner and mode, written atomically;
/// or a controller directory <c>src</c>, recursively (<see cref="CopyTree"/>).
/// </summary>
public sealed class CopyModule : Module
{
    /// <inheritdoc />
    public override string Name => "copy";

    /// <inheritdoc />
    public override string? AsyncRefusal => "Ansible's copy action does not run async either";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("dest", ParameterType.String, "Path on the host; ending in / (or an existing directory) means dest/basename(src).", Required: true, HostPath: true),
        new("content", ParameterType.String, "The file's content, inline."),
        new("src", ParameterType.String, "A file on the controller: absolute, or relative to the playbook's directory or its files/; a directory is copied recursively (src/ its contents, src the directory itself); with remote_src, a file on the host.", ControllerFile: true, ControllerDirectory: true),
        new("remote_src", ParameterType.Bool, "src is a file on the host, not on the controller. The default value is false."),
        FileParameters.Mode with
        {
            Doc = "Permissions, octal (\"0644\") or symbolic (u=rw,g=r,o=r), or preserve: the source's own mode. The default keeps the current mode (a new file gets 0644).",
            ModeWords = ["preserve"],
        },
        new("directory_mode", ParameterType.String, "With a directory src: the mode of the directories created, and of the source's subdirectories on the host. The default is none (new ones get the host's default)."),
        FileParameters.Owner,
        FileParameters.Group,
        FileParameters.Backup,
        FileParameters.Validate,
        new("force", ParameterType.Bool, "Replace a file whose content differs. The default value is true; false leaves an existing file alone, attributes included."),
        new("follow", ParameterType.Bool, "A symbolic link at dest: true writes the file it leads to; false replaces the link with the file. The default value is false."),
        new("local_follow", ParameterType.Bool, "A directory src: true copies the files its symbolic links lead to; false makes the same links on the host. The default value is true."),
        new("checksum", ParameterType.String, "The SHA-1 (hex) the source must have: a copy from another source fails, as Ansible's. The default is no check."),
    ];

    /// <summary>Ansible's failure when the source is not the one the task's checksum names.</summary>
    public const string ChecksumMismatch = "Copied file does not match the expected checksum. Transfer failed.";

    /// <inheritdoc />
    public override IEnumerable<string> CheckCombination(IReadOnlySet<string> presentParameters)
    {
        ArgumentNullException.ThrowIfNull(presentParameters);
        if (presentParameters.Contains("content") == presentParameters.Contains("src"))
        {
            yield return "give exactly one of content or src";
        }
    }

    /// <inheritdoc />
    public override IEnumerable<string> HostPathParameters(ModuleArguments args) =>
        RemoteSource(args) is null ? base.HostPathParameters(args) : base.HostPathParameters(args).Append("src");

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        var dest = args.GetRequiredString("dest");
        if (Tree(args, context) is { } tree)
        {
            return [.. tree.Facts(TreeDestination(dest))];
        }

        var facts = new List<Fact> { DestinationFile.Fact(args, Destination(args)) };
        if (Source(args) is { } src && !dest.EndsWith('/'))
        {
            // An existing directory as dest means dest/basename(src), as with a trailing slash: read both in the same batch.
            facts.Add(DestinationFile.Fact(args, Path.Combine(dest, Path.GetFileName(src))));
        }

        if (RemoteSource(args) is { } remote)
        {
            facts.Add(new FileFact(remote, WithContent: true));
        }

        return facts;
    }

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(context);
        if (Tree(args, context) is { } tree)
        {
            var options = new CopyTree.FileOptions(args.GetString("mode"), args.GetString("directory_mode"), args.GetString("owner"), args.GetString("group"), args.GetBool("backup", false), args.GetBool("force", true), args.GetString("validate"))
            {
                Checksum = args.GetString("checksum"),
            };
            return tree.Plan(TreeDestination(args.GetRequiredString("dest")), facts, options, file => InputFile.ReadBytes(file, "src on the controller", maxBytes: InputFile.MaxPayloadBytes));
        }

        var dest = Destination(args);
        var (target, state) = DestinationFile.Read(args, facts, dest);
        if (state.Type == FileType.Directory)
        {
            if (Source(args) is not { } name)
            {
                return new PlanFailure($"can not use content with a dir as dest: {dest}");
            }

            dest = Path.Combine(dest, Path.GetFileName(name));
            (target, state) = DestinationFile.Read(args, facts, dest);
        }

        // As Ansible: force: false leaves an existing file alone, its attributes included.
        if (state.Exists && !args.GetBool("force", true))
        {
            return new NoChange($"{dest} exists (force: false)");
        }

        byte[] content;
        string? sourceMode; // the source's own mode, for mode: preserve
        if (RemoteSource(args) is { } remote)
        {
            var source = facts.Get(new FileFact(remote, WithContent: true));
            if (!source.Exists)
            {
                return new PlanFailure($"Source {remote} not found");
            }

            if (source.Type != FileType.File || source.Content is null)
            {
                return new PlanFailure(source.Type == FileType.File
                    ? $"Source {remote} is larger than {FileFact.MaxContentBytes} bytes: Fleet's copy does not read it (use command: cp)"
                    : $"Source {remote} is not a regular file: Fleet's copy with remote_src copies one file (use command: cp -a for a directory)");
            }

            content = source.Content;
            sourceMode = source.Mode;

            // As Ansible's module: with remote_src the checksum is checked whether or not dest differs.
            if (ChecksumFailure(args, content) is { } mismatch)
            {
                return mismatch;
            }
        }
        else if (Source(args) is { } src)
        {
            if (ControllerFiles.Find(src, context.PlaybookDirectory) is not { } file)
            {
                return new PlanFailure($"src not found on the controller: {src} (looked in {string.Join(", ", ControllerFiles.Places(src, context.PlaybookDirectory))})");
            }

            try
            {
                content = InputFile.ReadBytes(file, "src on the controller", maxBytes: InputFile.MaxPayloadBytes);
            }
            catch (FleetInputException ex)
            {
                return new PlanFailure(ex.Message); // a FIFO or a device would block forever or never end
            }

            sourceMode = DestinationFile.ControllerMode(file);
        }
        else
        {
            content = Encoding.UTF8.GetBytes(args.GetString("content") ?? "");
            sourceMode = "0600"; // Ansible's action writes content to a mkstemp file first: preserve gives that file's mode
        }

        // As Ansible's action: a controller source is checked against the checksum only when it is transferred (dest differs).
        var transfer = state.Type == FileType.Link || state.Content is null || !state.Content.AsSpan().SequenceEqual(content);
        if (transfer && ChecksumFailure(args, content) is { } failure)
        {
            return failure;
        }

        var mode = args.GetString("mode") is "preserve" ? sourceMode : args.GetString("mode");
        return DestinationFile.Write(args, target, state, content, mode);
    }

    /// <summary>Ansible's checksum failure when the task names a SHA-1 that <paramref name="content"/> does not have, else null.</summary>
    internal static PlanFailure? ChecksumFailure(ModuleArguments args, byte[] content) => ChecksumFailure(args.GetString("checksum"), content);

    /// <summary>Ansible's checksum failure when <paramref name="expected"/> is a SHA-1 that <paramref name="content"/> does not have, else null.</summary>
    internal static PlanFailure? ChecksumFailure(string? expected, byte[] content)
    {
        if (expected is null)
        {
            return null;
        }

#pragma warning disable CA5350 // Ansible's checksum is SHA-1: it names a file, it does not protect it
        var actual = Convert.ToHexStringLower(SHA1.HashData(content));
#pragma warning restore CA5350
        return actual == expected
            ? null
            : new PlanFailure(ChecksumMismatch) { Data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["checksum"] = actual, ["expected_checksum"] = expected } };
    }

    private static string? Source(ModuleArguments args) => args.GetString("src");

    /// <summary>The controller directory <c>src</c> names, walked; null for a file, inline content or remote_src.</summary>
    private static CopyTree? Tree(ModuleArguments args, ModuleContext context) =>
        RemoteSource(args) is null && Source(args) is { } src && ControllerFiles.Find(src, context.PlaybookDirectory) is null
        && ControllerFiles.FindDirectory(src, context.PlaybookDirectory) is { } directory
            ? CopyTree.Walk(directory, contents: src.EndsWith('/'), followLinks: args.GetBool("local_follow", true))
            : null;

    /// <summary>A directory copy's dest is a directory, with or without its trailing slash.</summary>
    private static string TreeDestination(string dest) => dest.Length > 1 ? dest.TrimEnd('/') : dest;

    private static string? RemoteSource(ModuleArguments args) => args.GetBool("remote_src", false) ? Source(args) : null;

    private static string Destination(ModuleArguments args)
    {
        var dest = args.GetRequiredString("dest");
        return dest.EndsWith('/') && Source(args) is { } src ? dest + Path.GetFileName(src) : dest;
    }
}
