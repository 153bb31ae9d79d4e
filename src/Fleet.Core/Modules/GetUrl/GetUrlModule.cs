using System.Globalization;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Modules.Files;
using Fleet.Core.Remote;
using Fleet.Core.Results;

namespace Fleet.Core.Modules.GetUrl;

/// <summary>A file's digest in lowercase hex with one of coreutils' <c>*sum</c> tools (empty when there is no regular file).</summary>
/// <param name="Path">Absolute path on the host.</param>
/// <param name="Algorithm">md5, sha1, sha224, sha256, sha384 or sha512.</param>
public sealed record FileDigestFact(string Path, string Algorithm) : Fact<string>
{
    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Path(Path)];

    /// <inheritdoc />
    public override string Command => $"if [ -f {Sh.Quote(Path)} ]; then {Algorithm}sum < {Sh.Quote(Path)} | cut -d' ' -f1; fi";

    /// <inheritdoc />
    public override string Parse(string stdout, int exitCode) => stdout?.Trim() ?? "";
}

/// <summary>
/// <c>get_url</c>: downloads a URL on the host itself (Ansible's semantics: the host fetches, not the controller) with curl
/// or wget (<c>file://</c> URLs are copied), checks a <c>checksum</c>, and replaces <c>dest</c> atomically only when the
/// content differs. A present <c>dest</c> is not downloaded again unless <c>force</c> or a non-matching checksum says so.
/// </summary>
public sealed class GetUrlModule : Module
{
    private const string UnchangedMarker = "@@fleet-get-url-unchanged@@";
    private static readonly string[] Algorithms = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"];

    /// <inheritdoc />
    public override string Name => "get_url";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("url", ParameterType.String, "http://, https://, ftp:// or file:// URL, fetched by the host.", Required: true),
        new("dest", ParameterType.String, "Absolute path of the file on the host; a path ending in / names a directory: dest/ + the URL's last segment.", Required: true, HostPath: true),
        FileParameters.Mode,
        FileParameters.Owner,
        FileParameters.Group,
        new("checksum", ParameterType.String, "ALGORITHM:HEX (md5, sha1, sha224, sha256, sha384, sha512): the download must match, and a dest that matches is not downloaded again. The default is no check."),
        new("force", ParameterType.Bool, "Download even when dest exists (replacing it when the content differs). The default value is false.", Aliases: ["thirsty"]),
        new("validate_certs", ParameterType.Bool, "Check the server's TLS certificate; false fetches without the check (curl -k, wget --no-check-certificate), as Ansible. The default value is true."),
        new("timeout", ParameterType.Int, "Seconds for the connection and the whole transfer. The default value is 10."),
        FileParameters.Backup,
    ];

    private static string Destination(ModuleArguments args)
    {
        var dest = args.GetRequiredString("dest");
        if (!dest.EndsWith('/'))
        {
            return dest;
        }

        var path = new Uri(args.GetRequiredString("url"), UriKind.Absolute).AbsolutePath;
        return dest + Uri.UnescapeDataString(path[(path.LastIndexOf('/') + 1)..]);
    }

    private static (string Algorithm, string Digest)? Checksum(ModuleArguments args)
    {
        if (args.GetString("checksum") is not { } checksum)
        {
            return null;
        }

        var colon = checksum.IndexOf(':', StringComparison.Ordinal);
        var algorithm = colon < 0 ? "" : checksum[..colon].ToLowerInvariant();
        var digest = colon < 0 ? "" : checksum[(colon + 1)..].Trim().ToLowerInvariant();
        return Algorithms.Contains(algorithm) && digest.Length > 0 && digest.All(Uri.IsHexDigit)
            ? (algorithm, digest)
            : throw new FleetInputException(args.LocationOf("checksum"), $"checksum must be ALGORITHM:HEX with one of {string.Join(", ", Algorithms)} (a URL of a checksum file is not supported): {checksum}");
    }

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        var dest = Destination(args);
        return Checksum(args) is { } checksum ? [new FileFact(dest), new FileDigestFact(dest, checksum.Algorithm)] : [new FileFact(dest)];
    }

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        var url = args.GetRequiredString("url");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "ftp" or "file"))
        {
            return new PlanFailure($"url must be an absolute http://, https://, ftp:// or file:// URL: {url}");
        }

        var dest = Destination(args);
        if (!dest.StartsWith('/'))
        {
            return new PlanFailure($"dest must be an absolute path on the host: {dest}");
        }

        var state = facts.Get(new FileFact(dest));
        if (state.Type is FileType.Directory or FileType.Other)
        {
            return new PlanFailure($"{dest} is a {state.Type.ToString().ToLowerInvariant()}, not a regular file (end dest with / to download into a directory)");
        }

        var checksum = Checksum(args);
        var data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["url"] = url, ["dest"] = dest };
        var download = !state.Exists || args.GetBool("force", false);
        if (state.Exists && checksum is { } wanted)
        {
            var actual = facts.Get(new FileDigestFact(dest, wanted.Algorithm));
            data["checksum_dest"] = actual.Length > 0 ? actual : null;
            download = actual != wanted.Digest;
        }

        if (!download)
        {
            // The content stays: only the attributes may need a change, as the file module would make it.
            var attributes = FileChange.Plan(dest, state, null, args.GetString("mode"), args.GetString("owner"), args.GetString("group"));
            return attributes is NoChange ? new NoChange(checksum is null ? $"{dest} exists (force: false)" : $"{dest} matches the {checksum.Value.Algorithm} checksum") { Data = data } : attributes with { Data = data };
        }

        var timeout = Math.Max(1, args.GetInt("timeout") ?? 10);
        var p = Sh.Quote(dest);
        var u = Sh.Quote(url);
        var insecure = !args.GetBool("validate_certs", true);
        // The download fills the writer's temporary file; the attributes are set after the rename, so that an identical download gets them too.
        var writer = new RemoteFileWriter(dest) { Backup = args.GetBool("backup", false) };
        var script = new StringBuilder("set -e\n").Append(writer.Begin());
        script.Append(CultureInfo.InvariantCulture, $"fail() {{ printf 'Request failed: %s: %s\\n' {u} \"$1\" >&2; exit 1; }}\n");
        script.Append(HostDownload.Script(uri, "\"$t\"", timeout, validateCerts: !insecure));

        if (checksum is { } sum)
        {
            script.Append(CultureInfo.InvariantCulture, $"got=$({sum.Algorithm}sum < \"$t\" | cut -d' ' -f1)\n");
            script.Append(CultureInfo.InvariantCulture, $"[ \"$got\" = {sum.Digest} ] || {{ printf 'The checksum for %s did not match %s; it was %s.\\n' {p} {sum.Digest} \"$got\" >&2; exit 1; }}\n");
        }

        script.Append(CultureInfo.InvariantCulture, $"if [ -f {p} ] && cmp -s \"$t\" {p}; then echo {UnchangedMarker}; else\n").Append(writer.Finish()).Append("fi\n");
        script.Append(RemoteFileWriter.SetAttributes(p, args.GetString("owner"), args.GetString("group"), args.GetString("mode") is { } mode ? Files.FileMode.Resolve(mode, state.Mode, isDirectory: false) : null));
        return new Change([state.Exists ? $"{dest} downloaded again from {url} (replaced if different)" : $"{dest} downloaded from {url}"], script.ToString(), FileChange.Touched(dest)) { Data = data };
    }

    /// <inheritdoc />
    public override ChangeOutcome Complete(Change change, CommandResult result, ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(result);
        if (!result.Succeeded)
        {
            return new ChangeOutcome(TaskOutcome.Failed, FailureText(result));
        }

        // The same bytes came down: no change, unless the attributes were set afterwards (they are always applied, and idempotent).
        return result.Stdout.Contains(UnchangedMarker, StringComparison.Ordinal) && !args.Has("mode") && !args.Has("owner") && !args.Has("group")
            ? new ChangeOutcome(TaskOutcome.Ok, "the download is identical to dest")
            : new ChangeOutcome(TaskOutcome.Changed);
    }
}
