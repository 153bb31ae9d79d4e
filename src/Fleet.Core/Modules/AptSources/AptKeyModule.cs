using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Modules.Files;

namespace Fleet.Core.Modules.AptSources;

/// <summary>
/// <c>apt_key</c>, files only: an OpenPGP key (inline <c>data</c> or a <c>file</c> on the host) present in or absent from a
/// <c>keyring</c> file, judged by its fingerprint as Ansible's module does. A <c>.gpg</c> keyring holds binary keys (armor is
/// removed, other keys kept); an <c>.asc</c> keyring holds the one armored key. No network: <c>url</c> and <c>keyserver</c> are
/// refused, and so is apt-key's shared trusted.gpg (no <c>keyring</c>).
/// </summary>
public sealed class AptKeyModule : Module
{
    /// <inheritdoc />
    public override string Name => "apt_key";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("keyring", ParameterType.String, "The keyring file, e.g. /etc/apt/keyrings/example.gpg (binary) or .asc (armored), named by signed-by in the source.", Required: true, HostPath: true),
        new("data", ParameterType.String, "The key, armored or binary, inline."),
        new("file", ParameterType.String, "A key file on the host (armored or binary).", HostPath: true),
        new("id", ParameterType.String, "The key's id (8 or 16 hex digits) or fingerprint: checked against the key given; required for state absent. The default is the key's own fingerprint."),
        new("state", ParameterType.String, "present or absent. The default value is present.", Choices: ["present", "absent"]),
        new("url", ParameterType.String, "Not supported: hosts have no network for Fleet (fetch the key with get_url, then give file)."),
        new("keyserver", ParameterType.String, "Not supported: hosts have no network for Fleet (export the key and give data or file)."),
    ];

    /// <inheritdoc />
    public override IEnumerable<string> CheckCombination(IReadOnlySet<string> presentParameters)
    {
        ArgumentNullException.ThrowIfNull(presentParameters);
        if (presentParameters.Contains("url") || presentParameters.Contains("keyserver"))
        {
            yield return "apt_key: url and keyserver are not supported (Fleet manages key files only, without network): fetch the key with get_url and give file, or give data";
        }

        if (presentParameters.Contains("data") && presentParameters.Contains("file"))
        {
            yield return "give only one of data or file";
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        var keyring = new FileFact(args.GetRequiredString("keyring"), WithContent: true);
        return args.GetString("file") is { } file ? [keyring, new FileFact(file, WithContent: true)] : [keyring];
    }

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        var path = args.GetRequiredString("keyring");
        var armoredRing = path.EndsWith(".asc", StringComparison.Ordinal);
        var ring = facts.Get(new FileFact(path, WithContent: true));
        var id = args.GetString("id");
        if (id is not null && OpenPgpKeys.Normalize(id) is null)
        {
            return new PlanFailure($"Invalid key_id: {id} (8, 16 or 40 hex digits)");
        }

        try
        {
            var ringBytes = ring.Exists ? ring.Content ?? [] : [];
            var ringKeys = ringBytes.Length == 0 ? [] : OpenPgpKeys.Keys(OpenPgpKeys.IsArmored(ringBytes) ? OpenPgpKeys.Dearmor(Encoding.ASCII.GetString(ringBytes)) : ringBytes);
            var before = ringKeys.Select(k => (object?)k.Fingerprints[0]).ToList();
            if (args.GetString("state") == "absent")
            {
                if (id is null)
                {
                    return new PlanFailure("key is required to remove a key: give id");
                }

                var data = Data(id, null, before);
                var kept = ringKeys.Where(k => !k.Fingerprints.Any(f => OpenPgpKeys.Names(id, f))).ToList();
                if (kept.Count == ringKeys.Count)
                {
                    return new NoChange($"{path} holds no key {id}") { Data = data };
                }

                if (kept.Count == 0)
                {
                    return new Change([$"{path} removed (its only key was {id})"], $"rm -f {Remote.Sh.Quote(path)}\n", FileChange.Touched(path)) { Data = data };
                }

                return FileChange.Plan(path, ring, [.. kept.SelectMany(k => k.Bytes)], null, null, null) with { Data = data };
            }

            var given = args.GetString("data") is { } text ? Encoding.UTF8.GetBytes(text)
                : args.GetString("file") is { } file ? facts.Get(new FileFact(file, WithContent: true)) switch
                {
                    { Type: FileType.File, Content: { } bytes } => bytes,
                    _ => null,
                }
                : null;
            if (given is null)
            {
                return new PlanFailure(args.GetString("file") is { } missing ? $"key file not found on the host: {missing}" : "give the key with data or file");
            }

            var armored = OpenPgpKeys.IsArmored(given);
            var binary = armored ? OpenPgpKeys.Dearmor(Encoding.ASCII.GetString(given)) : given;
            var key = OpenPgpKeys.Keys(binary);
            var fingerprint = key[0].Fingerprints[0];
            if (id is not null && !key.SelectMany(k => k.Fingerprints).Any(f => OpenPgpKeys.Names(id, f)))
            {
                return new PlanFailure($"the key given has fingerprint {fingerprint}, not id {id}");
            }

            var present = Data(id ?? fingerprint, fingerprint, before);
            if (ringKeys.Any(k => k.Fingerprints[0] == fingerprint))
            {
                return new NoChange($"{path} already holds {fingerprint}") { Data = present };
            }

            byte[] content;
            if (armoredRing)
            {
                if (ringKeys.Count > 0)
                {
                    return new PlanFailure($"{path} (armored) already holds another key: use one .asc keyring per key, or a .gpg keyring");
                }

                content = armored ? given : throw new FormatException("an .asc keyring needs an armored key (-----BEGIN PGP PUBLIC KEY BLOCK-----)");
            }
            else
            {
                content = [.. (ringKeys.Count > 0 && !OpenPgpKeys.IsArmored(ringBytes) ? ringBytes : ringKeys.SelectMany(k => k.Bytes)), .. binary];
            }

            return FileChange.Plan(path, ring, content, null, null, null) with { Data = present };
        }
        catch (FormatException ex)
        {
            return new PlanFailure($"not an OpenPGP public key: {ex.Message}");
        }
    }

    private static Dictionary<string, object?> Data(string id, string? fingerprint, List<object?> before) =>
        new(StringComparer.Ordinal) { ["id"] = id, ["fp"] = fingerprint, ["key_id"] = fingerprint?[^16..], ["short_id"] = fingerprint?[^8..], ["before"] = before };
}
