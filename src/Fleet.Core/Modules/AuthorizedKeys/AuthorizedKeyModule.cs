using System.Globalization;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Modules.Files;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.AuthorizedKeys;

/// <summary>
/// <c>authorized_key</c> (ansible.posix.authorized_key): SSH public keys in a user's authorized_keys. A key is its (type, blob);
/// <c>key</c> may hold several, one per line, or come from a controller file (<c>key_file</c>, Fleet's own). With
/// <c>manage_dir</c> the directory is 0700 and the file 0600, both owned by the user, checked on every run: a wrong mode on a file
/// that already holds the keys is a change. The file is written atomically (a temporary file in the same directory, renamed).
/// </summary>
public sealed class AuthorizedKeyModule : Module
{
    /// <inheritdoc />
    public override string Name => "authorized_key";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("user", ParameterType.String, "The user whose authorized_keys is managed; they must exist.", Required: true),
        new("key", ParameterType.String, "One or more public keys, one per line (\"ssh-ed25519 AAAA… comment\"); blank and # lines are ignored."),
        new("key_file", ParameterType.String, "Fleet's own: a public key file on the controller whose content is key (absolute, ~/…, or relative to the playbook's directory or its files/).", ControllerFile: true),
        new("path", ParameterType.String, "An absolute path for the keys file. The default value is HOME/.ssh/authorized_keys (HOME from passwd).", HostPath: true),
        new("manage_dir", ParameterType.Bool, "Create the file's directory and keep it 0700 and owned by the user. The default value is true."),
        new("state", ParameterType.String, "present or absent. The default value is present.", Choices: ["present", "absent"]),
        new("key_options", ParameterType.String, "sshd options for the keys (no-pty,from=\"10.0.0.1\"), replacing any on the lines. The default is the lines' own."),
        new("exclusive", ParameterType.Bool, "Remove every other key (and comment line) from the file: the task's keys become the whole file. The default value is false."),
        new("comment", ParameterType.String, "The comment for the keys, replacing the lines' own. The default is the lines' own."),
    ];

    /// <inheritdoc />
    public override IEnumerable<string> CheckCombination(IReadOnlySet<string> presentParameters)
    {
        ArgumentNullException.ThrowIfNull(presentParameters);
        if (presentParameters.Contains("key") == presentParameters.Contains("key_file"))
        {
            yield return "give exactly one of key or key_file";
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        return [Fact(args)];
    }

    private static AuthorizedKeysFact Fact(ModuleArguments args) => new(args.GetRequiredString("user"), args.GetString("path"));

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(context);
        var user = args.GetRequiredString("user");
        if (args.GetString("path") is { } explicitPath && !explicitPath.StartsWith('/'))
        {
            return new PlanFailure($"path must be absolute, not '{explicitPath}' (the default is HOME/.ssh/authorized_keys)") { OnController = true };
        }

        var keyText = KeyText(args, context, out var problem);
        if (problem is not null)
        {
            return new PlanFailure(problem) { OnController = true };
        }

        var keys = ParseKeys(keyText!, args, out problem);
        if (problem is not null)
        {
            return new PlanFailure(problem) { OnController = true };
        }

        var fact = Fact(args);
        var state = facts.Get(fact);
        if (!state.UserExists)
        {
            return new PlanFailure($"user {user} does not exist");
        }

        var file = state.File;
        if (file.Type is FileType.Link or FileType.Directory or FileType.Other)
        {
            return new PlanFailure($"{state.FilePath} is a {Describe(file.Type)}, not a regular file: Fleet does not write through it");
        }

        var manageDir = args.GetBool("manage_dir", true);
        if (state.Directory.Type is FileType.Link or FileType.File or FileType.Other)
        {
            return new PlanFailure($"{state.DirectoryPath} is a {Describe(state.Directory.Type)}, not a directory");
        }

        if (file.Exists && file.Content is null)
        {
            return new PlanFailure($"{state.FilePath} is larger than {FileFact.MaxContentBytes} bytes: Fleet does not manage it");
        }

        var data = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["user"] = user,
            ["keyfile"] = state.FilePath,
            ["state"] = args.GetString("state") ?? "present",
            ["exclusive"] = args.GetBool("exclusive", false),
        };
        var before = file.Text ?? "";
        if (args.GetString("state") == "absent")
        {
            if (!file.Exists)
            {
                return new NoChange($"{state.FilePath} does not exist") { Data = data };
            }

            var (remaining, removed) = AuthorizedKeysFile.Absent(before, keys);
            return removed.Count == 0
                ? new NoChange($"no key of the task in {state.FilePath}") { Data = data }
                : Write(fact, state, before, remaining, removed, manageDir: false, data);
        }

        var (after, changes) = AuthorizedKeysFile.Present(before, keys, args.GetBool("exclusive", false));
        return Write(fact, state, before, after, changes, manageDir, data);
    }

    /// <summary>The key text: <c>key</c>, or the content of <c>key_file</c> on the controller.</summary>
    private static string? KeyText(ModuleArguments args, ModuleContext context, out string? problem)
    {
        problem = null;
        if (args.GetString("key_file") is { } keyFile)
        {
            if (ControllerFiles.Find(keyFile, context.PlaybookDirectory) is not { } found)
            {
                problem = $"key_file not found on the controller: {keyFile} (looked in {string.Join(", ", ControllerFiles.Places(keyFile, context.PlaybookDirectory))})";
                return null;
            }

            try
            {
                return InputFile.ReadText(found, "key_file on the controller");
            }
            catch (FleetInputException ex)
            {
                problem = ex.Message;
                return null;
            }
        }

        var key = args.GetString("key") ?? "";
        if (key.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || key.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            problem = $"key from a URL is not supported ({key}): download it and give the file as key_file";
            return null;
        }

        return key;
    }

    /// <summary>The task's keys, with key_options and comment applied. A line that is no public key is named by number only (it may be a private key).</summary>
    private static List<AuthorizedKey> ParseKeys(string text, ModuleArguments args, out string? problem)
    {
        problem = null;
        var keys = new List<AuthorizedKey>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (AuthorizedKey.Parse(line) is not { } key)
            {
                problem = $"line {i + 1} of key is not an SSH public key (\"[options] TYPE BASE64 [comment]\", TYPE one of ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa…)";
                return [];
            }

            if (args.GetString("key_options") is { } options)
            {
                key = key with { Options = options.Trim() };
            }

            if (args.GetString("comment") is { } comment)
            {
                key = key with { Comment = comment.Trim() };
            }

            keys.Add(key);
        }

        if (keys.Count == 0)
        {
            problem = "key holds no public key";
        }

        return keys;
    }

    /// <summary>
    /// The change that leaves the file holding <paramref name="after"/>, 0600 and owned by the user, in a directory that is (with
    /// <paramref name="manageDir"/>) 0700 and owned by the user; or no change when all of that already holds.
    /// </summary>
    private static TaskPlan Write(AuthorizedKeysFact fact, AuthorizedKeysState state, string before, string after, IReadOnlyList<string> keyChanges, bool manageDir, Dictionary<string, object?> data)
    {
        var owner = Text(state.Uid);
        var group = Text(state.Gid);
        var ids = $"{owner}:{group}";
        var dir = state.Directory;
        var file = state.File;
        var changes = new List<string>();
        var dirPath = state.DirectoryPath;
        if (!dir.Exists)
        {
            changes.Add(manageDir ? $"{dirPath} created (0700, owner {ids})" : $"{dirPath} created");
        }
        else if (manageDir)
        {
            AddAttributeChanges(changes, dirPath, dir, "0700", owner, group);
        }

        if (!file.Exists)
        {
            changes.Add($"{state.FilePath} created (0600, owner {ids})");
        }
        else
        {
            AddAttributeChanges(changes, state.FilePath, file, "0600", owner, group);
        }

        changes.AddRange(keyChanges.Select(c => $"{c} in {state.FilePath}"));
        if (changes.Count == 0)
        {
            return new NoChange($"{state.FilePath} already holds the keys (0600, owner {ids})") { Data = data };
        }

        var d = Sh.Quote(dirPath);
        var script = new StringBuilder("set -e\n");
        // The user owns the directory: never follow a link they put in its place (chown would hand its target to them).
        script.Append(CultureInfo.InvariantCulture, $"if [ -L {d} ]; then printf '%s is a symbolic link\\n' {d} >&2; exit 1; fi\n");
        if (!dir.Exists)
        {
            if (manageDir && fact.Path is null)
            {
                var home = Sh.Quote(state.Home);
                script.Append(CultureInfo.InvariantCulture, $"[ -d {home} ] || {{ printf 'the home directory %s of %s does not exist\\n' {home} {Sh.Quote(fact.User)} >&2; exit 1; }}\n");
                script.Append(CultureInfo.InvariantCulture, $"mkdir -m 0700 -- {d}\n");
            }
            else
            {
                script.Append(CultureInfo.InvariantCulture, $"mkdir -p -- {d}\n");
            }
        }

        if (manageDir && (!dir.Exists || dir.Mode != "0700" || dir.Owner != owner || dir.Group != group))
        {
            script.Append(CultureInfo.InvariantCulture, $"chown -h {ids} {d}\nchmod 0700 {d}\n");
        }

        var content = Encoding.UTF8.GetBytes(after);
        var writeFile = !file.Exists || after != before || file.Mode != "0600" || file.Owner != owner || file.Group != group;
        if (writeFile)
        {
            // Always a fresh file renamed over the old one, even for a mode change: chmod on a path the user controls could follow a link.
            // Every attribute is set, so nothing is read from the old path either.
            script.Append(new RemoteFileWriter(state.FilePath) { Owner = owner, Group = group, Mode = "0600" }.Script(content));
        }

        var path = state.FilePath;
        var predicted = state with
        {
            Directory = dir.Exists && !manageDir ? dir : new FileState(FileType.Directory, manageDir ? "0700" : "0755", manageDir ? owner : "0", manageDir ? group : "0", 4096, null, null),
            File = new FileState(FileType.File, "0600", owner, group, content.LongLength, null, content),
        };
        var touches = new List<Subject> { Subject.Path(dirPath) };
        touches.AddRange(fact.Subjects.Where(s => s.Kind == SubjectKind.Path));
        return new Change(changes, script.ToString(), touches)
        {
            Data = data,
            DiffSource = after == before ? null : () => TextDiff.Unified(before, after, path),
            Predicted = new Dictionary<Fact, object> { [fact] = predicted },
        };
    }

    private static void AddAttributeChanges(List<string> changes, string path, FileState state, string mode, string owner, string group)
    {
        if (state.Mode != mode)
        {
            changes.Add($"{path} mode {state.Mode} → {mode}");
        }

        if (state.Owner != owner || state.Group != group)
        {
            changes.Add($"{path} owner {state.Owner}:{state.Group} → {owner}:{group}");
        }
    }

    private static string Describe(FileType type) => type switch
    {
        FileType.Link => "symbolic link",
        FileType.Directory => "directory",
        FileType.File => "regular file",
        _ => "special file",
    };

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
