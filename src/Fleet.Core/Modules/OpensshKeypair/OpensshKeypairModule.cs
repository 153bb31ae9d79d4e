using System.Globalization;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Modules.Files;
using Fleet.Core.Remote;
using Fleet.Core.Results;

namespace Fleet.Core.Modules.OpensshKeypair;

/// <summary>
/// <c>openssh_keypair</c> (community.crypto, its opensshbin backend): an SSH key pair generated with the host's <c>ssh-keygen</c>.
/// As Ansible: a missing key is generated; an existing one is regenerated per <c>regenerate</c> (by default when its type or size
/// differs); a missing or mismatched public key is rewritten from the private key; mode/owner/group apply to both files;
/// <c>state: absent</c> removes both. A passphrase needs Ansible's cryptography backend, which Fleet does not implement.
/// </summary>
public sealed class OpensshKeypairModule : Module
{
    private const string Marker = "@@fleet-keypair";

    private static readonly string[] Regenerates = ["never", "fail", "partial_idempotence", "full_idempotence", "always"];

    /// <inheritdoc />
    public override string Name => "openssh_keypair";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("path", ParameterType.String, "The private key's path; the public key is PATH.pub.", Required: true, HostPath: true),
        new("state", ParameterType.String, "present or absent (removes both files). The default value is present.", Choices: ["present", "absent"]),
        new("type", ParameterType.String, "rsa, dsa, rsa1, ecdsa or ed25519. The default value is rsa.", Choices: ["rsa", "dsa", "rsa1", "ecdsa", "ed25519"]),
        new("size", ParameterType.Int, "Bits: rsa ≥ 1024 (default 4096), dsa 1024, ecdsa 256 (default), 384 or 521; ignored for ed25519."),
        new("comment", ParameterType.String, "The key's comment. The default is none (an existing key's comment is kept)."),
        new("force", ParameterType.Bool, "Regenerate the key whatever it is (regenerate: always). The default value is false."),
        new("regenerate", ParameterType.String,
            "never, fail (on a wrong type or size), partial_idempotence (regenerate a wrong type or size), full_idempotence (also an unreadable key), always. The default value is partial_idempotence.",
            Choices: Regenerates),
        new("passphrase", ParameterType.String, "Not implemented: needs Ansible's cryptography backend (Fleet runs ssh-keygen). Giving it is a validation error."),
        new("private_key_format", ParameterType.String, "auto only (other formats need the cryptography backend). The default value is auto.", Choices: ["auto"]),
        new("backend", ParameterType.String, "auto or opensshbin: Fleet runs ssh-keygen on the host (the cryptography backend is not implemented). The default value is auto.",
            Choices: ["auto", "opensshbin"]),
        FileParameters.Mode,
        FileParameters.Owner,
        FileParameters.Group,
    ];

    /// <inheritdoc />
    public override IEnumerable<string> CheckCombination(IReadOnlySet<string> presentParameters)
    {
        ArgumentNullException.ThrowIfNull(presentParameters);
        if (presentParameters.Contains("passphrase"))
        {
            yield return "passphrase needs Ansible's cryptography backend, which Fleet does not implement (Fleet generates keys with ssh-keygen, without passphrase)";
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        var path = args.GetRequiredString("path");
        return [new FileFact(DirectoryOf(path)), new FileFact(path), new FileFact(path + ".pub", WithContent: true), new SshKeygenFact(path)];
    }

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        var path = args.GetRequiredString("path");
        return Plan(new KeypairRequest(args), facts.Get(new FileFact(DirectoryOf(path))), facts.Get(new FileFact(path)),
            facts.Get(new FileFact(path + ".pub", WithContent: true)), facts.Get(new SshKeygenFact(path)));
    }

    /// <summary>The plan from the request and the facts (pure; used by tests).</summary>
    public static TaskPlan Plan(KeypairRequest request, FileState directory, FileState privateFile, FileState publicFile, SshKeygenState keygen)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(privateFile);
        ArgumentNullException.ThrowIfNull(publicFile);
        ArgumentNullException.ThrowIfNull(keygen);
        var path = request.Path;
        var pub = path + ".pub";
        if (SizeProblem(request) is { } sizeProblem)
        {
            return new PlanFailure(sizeProblem);
        }

        if (directory.Type != FileType.Directory)
        {
            return new PlanFailure($"The directory {DirectoryOf(path)} does not exist or the file is not a directory");
        }

        if (privateFile.Type == FileType.Directory)
        {
            return new PlanFailure($"{path} is a directory. Please specify a path to a file.");
        }

        if (!keygen.HasKeygen)
        {
            return new PlanFailure("Cannot find the OpenSSH binary in the PATH");
        }

        var original = privateFile.Exists && keygen.Exists ? OpensshPrivateKey.Parse(keygen.List) : null;
        var originalPublic = publicFile.Exists && publicFile.Text is { } text ? OpensshPublicKey.Load(text) : null;
        var data = Result(request, original, originalPublic);
        var touches = new List<Subject> { Subject.Path(path), Subject.Path(pub) };
        if (request.Absent)
        {
            return privateFile.Exists || publicFile.Exists
                ? new Change([$"{path} and {pub} removed"], $"rm -f {Sh.Quote(path)} {Sh.Quote(pub)}\n", touches) { Data = data }
                : new NoChange($"{path} does not exist") { Data = data };
        }

        var readable = !(keygen.PublicExit == 255 || new[] { "is not a public key file", "incorrect passphrase", "load failed" }.Any(m => keygen.PublicError.Contains(m, StringComparison.Ordinal)));
        if (privateFile.Exists && request.Regenerate is "never" or "fail" or "partial_idempotence" && (original is null || !readable))
        {
            return new PlanFailure("Unable to read the key. The key is protected with a passphrase or broken. Will not proceed. "
                + "To force regeneration, call the module with `generate` set to `full_idempotence` or `always`, or with `force=true`.");
        }

        var valid = original is not null && original.Size == request.Size && original.Type == request.Type;
        if (original is not null && request.Regenerate == "fail" && !valid)
        {
            return new PlanFailure("Key has wrong type and/or size. Will not proceed. To force regeneration, call the module with `generate` set to "
                + "`partial_idempotence`, `full_idempotence` or `always`, or with `force=true`.");
        }

        var generate = original is null || request.Regenerate switch
        {
            "never" or "fail" => false,
            "partial_idempotence" or "full_idempotence" => !valid,
            _ => true,
        };
        var changes = new List<string>();
        var script = new StringBuilder("set -e\n");
        var keygenPublic = OpensshPublicKey.FromKeygen(keygen.Public);
        if (generate)
        {
            changes.Add(original is null
                ? $"{path} generated ({request.Type} {request.Size})"
                : $"{path} regenerated ({original.Type} {original.Size} → {request.Type} {request.Size})");
            script.Append(GenerateScript(request));
        }
        else if (keygenPublic is null)
        {
            // community.crypto fails here too: without ssh-keygen -y there is no public key to compare or restore.
            return new PlanFailure("The public key is missing or does not match the private key. Unable to regenerate the public key.");
        }
        else if (originalPublic is null || !originalPublic.Matches(keygenPublic, request.Comment))
        {
            changes.Add(originalPublic is null ? $"{pub} restored from the private key" : $"{pub} rewritten to match the private key");
            script.Append(new RemoteFileWriter(pub).Script(keygenPublic + "\n"));
            if (!string.IsNullOrEmpty(request.Comment))
            {
                var p = Sh.Quote(path);
                script.Append(CultureInfo.InvariantCulture, $"[ -w {p} ] || chmod 0600 {p}\nssh-keygen -q -o -c -C {Sh.Quote(request.Comment)} -f {p} </dev/null >/dev/null\n");
            }
        }

        // Both files get the file parameters, as Ansible applies them to each; a new file's attributes are what ssh-keygen gave it.
        foreach (var (file, state, fresh) in new[] { (path, privateFile, "0600"), (pub, publicFile, "0644") })
        {
            var current = state.Exists ? state.Mode : fresh;
            var mode = request.Mode is null ? null : Files.FileMode.Resolve(request.Mode, current, isDirectory: false);
            var attributeChanges = new List<string>();
            if (mode is not null && mode != current)
            {
                attributeChanges.Add($"{file} mode {current} → {mode}");
            }

            if (request.Owner is not null && (!state.Exists || request.Owner != state.Owner))
            {
                attributeChanges.Add($"{file} owner {state.Owner ?? "root"} → {request.Owner}");
            }

            if (request.Group is not null && (!state.Exists || request.Group != state.Group))
            {
                attributeChanges.Add($"{file} group {state.Group ?? "root"} → {request.Group}");
            }

            if (attributeChanges.Count > 0 || (changes.Count > 0 && (mode ?? request.Owner ?? request.Group) is not null))
            {
                changes.AddRange(state.Exists || !generate ? attributeChanges : []);
                script.Append(RemoteFileWriter.SetAttributes(Sh.Quote(file), request.Owner, request.Group, mode));
            }
        }

        if (changes.Count == 0)
        {
            return new NoChange($"{path}: {original!.Type} {original.Size} key in place") { Data = data };
        }

        script.Append(CultureInfo.InvariantCulture, $"printf '%s\\n' '{Marker}'\nssh-keygen -l -f {Sh.Quote(path)} </dev/null | tr '\\n' ' '; echo\ncat {Sh.Quote(pub)}\n");
        return new Change(changes, script.ToString(), touches) { Data = data };
    }

    /// <inheritdoc />
    public override ChangeOutcome Complete(Change change, CommandResult result, ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(result);
        var outcome = base.Complete(change, result, args);
        var marker = result.Stdout.IndexOf(Marker + "\n", StringComparison.Ordinal);
        if (!result.Succeeded || marker < 0)
        {
            return outcome;
        }

        var lines = result.Stdout[(marker + Marker.Length + 1)..].Split('\n', 2);
        var request = new KeypairRequest(args);
        var data = Result(request, OpensshPrivateKey.Parse(lines[0]), lines.Length > 1 ? OpensshPublicKey.Load(lines[1]) : null);
        return outcome with { Data = data };
    }

    /// <summary>Generates into a temporary directory beside the key, keeps the attributes of files it replaces, then moves both in.</summary>
    private static string GenerateScript(KeypairRequest request)
    {
        var p = Sh.Quote(request.Path);
        var pub = Sh.Quote(request.Path + ".pub");
        var size = request.Size.ToString(CultureInfo.InvariantCulture);
        return $"t=$(mktemp -d {Sh.Quote(DirectoryOf(request.Path) + "/.fleet-keypair.")}XXXXXX)\ntrap 'rm -rf \"$t\"' EXIT\n"
            + $"ssh-keygen -q -N '' -b {size} -t {Sh.Quote(request.Type)} -f \"$t/key\" -C {Sh.Quote(request.Comment ?? "")} </dev/null >/dev/null\n"
            + $"if [ -e {p} ]; then chmod --reference={p} \"$t/key\"; chown --reference={p} \"$t/key\"; fi\n"
            + $"if [ -e {pub} ]; then chmod --reference={pub} \"$t/key.pub\"; chown --reference={pub} \"$t/key.pub\"; fi\n"
            + $"mv -f \"$t/key\" {p}\nmv -f \"$t/key.pub\" {pub}\n";
    }

    /// <summary>The module's result keys, as community.crypto returns them (size and type are the requested ones).</summary>
    private static Dictionary<string, object?> Result(KeypairRequest request, OpensshPrivateKey? privateKey, OpensshPublicKey? publicKey) => new(StringComparer.Ordinal)
    {
        ["size"] = request.Size,
        ["type"] = request.Type,
        ["filename"] = request.Path,
        ["fingerprint"] = privateKey?.Fingerprint ?? "",
        ["public_key"] = publicKey?.ToString() ?? "",
        ["comment"] = publicKey?.Comment ?? "",
    };

    private static string? SizeProblem(KeypairRequest request) => request.Type switch
    {
        "rsa" or "rsa1" when request.Size < 1024 =>
            "For RSA keys, the minimum size is 1024 bits and the default is 4096 bits. Attempting to use bit lengths under 1024 will cause the module to fail.",
        "dsa" when request.Size != 1024 => "DSA keys must be exactly 1024 bits as specified by FIPS 186-2.",
        "ecdsa" when request.Size is not (256 or 384 or 521) =>
            "For ECDSA keys, size determines the key length by selecting from one of three elliptic curve sizes: 256, 384 or 521 bits. "
            + "Attempting to use bit lengths other than these three values for ECDSA keys will cause this module to fail.",
        _ => null,
    };

    private static string DirectoryOf(string path) => Path.GetDirectoryName(path) is { Length: > 0 } dir ? dir : ".";
}
