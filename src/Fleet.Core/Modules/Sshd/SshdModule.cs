using Fleet.Core.Facts;
using Fleet.Core.Modules.Files;
using Fleet.Core.Modules.Ufw;
using Fleet.Core.Remote;
using Fleet.Core.Results;

namespace Fleet.Core.Modules.Sshd;

/// <summary>
/// <c>sshd</c> (Fleet's own): sshd_config settings written as a drop-in that the main file includes first (sshd keeps the first
/// value it reads), or as a block at the top of the main file when it includes none first. The candidate is checked with
/// <c>sshd -t</c> before it replaces the old file, sshd is reloaded, a fresh SSH connection must then work (else the old file comes
/// back), and the effective values (<c>sshd -T</c>) are in the result. Changed means the file's text changed.
/// </summary>
public sealed class SshdModule : Module
{
    /// <summary>Where the settings go by default.</summary>
    public const string DefaultPath = "/etc/ssh/sshd_config.d/00-fleet.conf";

    private readonly string _mainPath;

    /// <summary>Creates the module for Debian's <c>/etc/ssh/sshd_config</c>.</summary>
    public SshdModule()
        : this(SshdConfigFact.DefaultMainPath)
    {
    }

    /// <summary>Creates the module for another main file (tests).</summary>
    public SshdModule(string mainPath) => _mainPath = mainPath;

    /// <inheritdoc />
    public override string Name => "sshd";

    /// <inheritdoc />
    public override string? AsyncRefusal => "its change is confirmed over a fresh connection and rolled back on failure, which needs the controller attached";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("settings", ParameterType.StringMap, "sshd_config keywords → values (yes/no, numbers, text; a list is comma-joined, or one line per item for repeated keywords such as AllowUsers, Port, HostKey).", Required: true),
        new("path", ParameterType.String, $"The drop-in to write. The default value is {DefaultPath}; the main file instead when it does not include this path before other settings."),
        new("allow_lockout", ParameterType.Bool, "DANGEROUS: apply settings even when they would refuse the login Fleet uses (AllowUsers, PermitRootLogin, Port…). The default value is false (such a task is refused before anything runs)."),
        new("confirm_timeout", ParameterType.Int, "Seconds after which the host restores the previous sshd configuration by itself unless a fresh SSH connection confirmed the change. The default value is 60."),
    ];

    /// <summary>The keywords that can refuse the login Fleet uses: a task setting one reads the connection and the firewall too.</summary>
    private static readonly HashSet<string> AccessKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "AllowUsers", "DenyUsers", "AllowGroups", "DenyGroups", "PubkeyAuthentication", "PasswordAuthentication", "PermitRootLogin", "Port",
    };

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        return ChecksAccess(args) ? [Fact(args), new SshAccessFact(context.LoginUser), new UfwStateFact()] : [Fact(args)];
    }

    private static bool ChecksAccess(ModuleArguments args) =>
        !args.GetBool("allow_lockout", false) && (args.GetMap("settings")?.Keys.Any(AccessKeywords.Contains) ?? false);

    private SshdConfigFact Fact(ModuleArguments args) => new(args.GetString("path") ?? DefaultPath, _mainPath);

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        var fact = Fact(args);
        var settings = args.GetMap("settings") ?? new Dictionary<string, string>();
        if (settings.Count == 0)
        {
            return new PlanFailure("settings is empty");
        }

        foreach (var (keyword, value) in settings)
        {
            if (SshdConfigText.Check(keyword, value) is { } problem)
            {
                return new PlanFailure(problem);
            }
        }

        if (!fact.DropInPath.StartsWith('/'))
        {
            return new PlanFailure($"path must be absolute, not '{fact.DropInPath}'");
        }

        var state = facts.Get(fact);
        if (!state.Installed)
        {
            return new PlanFailure("sshd is not installed (package openssh-server)");
        }

        if (state.MainText is null)
        {
            return new PlanFailure($"{_mainPath} does not exist");
        }

        var lines = SshdConfigText.Lines(settings);
        var desired = lines.GroupBy(l => l.Split(' ', 2)[0], StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(l => l.Split(' ', 2)[1]).ToList(), StringComparer.OrdinalIgnoreCase);
        var dropIn = SshdConfigText.IncludesFirst(state.MainText, fact.DropInPath, settings.Keys);
        var path = dropIn ? fact.DropInPath : _mainPath;
        var before = dropIn ? state.DropInText : state.MainText;
        var after = dropIn ? SshdConfigText.DropIn(lines) : SshdConfigText.WithBlock(state.MainText, lines);
        var warnings = new List<string>();
        if (!dropIn)
        {
            warnings.Add($"{_mainPath} does not include {fact.DropInPath} before its own settings: the settings go in a block at its top");
        }

        if (before == after)
        {
            warnings.AddRange(Mismatches(desired, state.Effective));
            return new NoChange($"{path} already holds the settings") { Data = Data(path, desired, state.Effective, state.EffectiveError), Warnings = warnings };
        }

        int? newPort = null;
        if (ChecksAccess(args))
        {
            var access = facts.Get(new SshAccessFact(context.LoginUser));
            var resulting = SshdLockout.Resulting(desired, state.Effective, before, dropIn ? state.MainText : null);
            if (SshdLockout.Refusal(desired, resulting, access, facts.Get(new UfwStateFact()), context) is { } refusal)
            {
                return new PlanFailure($"refused: {refusal}; set allow_lockout: true to apply it anyway (dangerous: it may lock you out)")
                {
                    Data = Data(path, desired, state.Effective, state.EffectiveError),
                };
            }

            newPort = SshdLockout.MovedPort(desired, resulting, access, context);
            if (newPort is { } moved)
            {
                warnings.Add($"sshd moves from port {context.LoginPort} to {moved}: later tasks use the new port once a fresh connection to it works; set port: {moved} in the inventory for the next runs");
            }
        }

        var confirm = args.GetInt("confirm_timeout") is { } seconds ? TimeSpan.FromSeconds(seconds) : Verification.DefaultConfirmTimeout;
        if (confirm <= TimeSpan.Zero)
        {
            return new PlanFailure("confirm_timeout must be a positive number of seconds");
        }

        var script = dropIn ? DropInScript(path, after) : MainScript(after);
        var rollback = Rollback(path, before);
        var verb = before is null ? "created" : "updated";
        return new Change([$"{path} {verb}: {string.Join(", ", settings.Keys)}", "sshd reloaded"], script, [Subject.Path(path), Subject.Path(_mainPath), Subject.Service("ssh")])
        {
            DiffSource = () => TextDiff.Unified(before ?? "", after, path),
            Verify = new Verification("sshd -t accepts the configuration and a new SSH connection works", $"PATH=\"$PATH:/usr/sbin:/sbin\"; sshd -t -f {Sh.Quote(_mainPath)}", NewConnection: true, rollback) { ConfirmTimeout = confirm, NewPort = newPort },
            Data = Data(path, desired, state.Effective, state.EffectiveError),
            Warnings = warnings,
        };
    }

    /// <inheritdoc />
    public override ChangeOutcome Complete(Change change, CommandResult result, ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(args);
        if (!result.Succeeded)
        {
            return new ChangeOutcome(TaskOutcome.Failed, FailureText(result));
        }

        var (effective, error) = SshdConfigFact.ParseEffective(result.Stdout);
        var desired = SshdConfigText.Lines(args.GetMap("settings")!).GroupBy(l => l.Split(' ', 2)[0], StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(l => l.Split(' ', 2)[1]).ToList(), StringComparer.OrdinalIgnoreCase);
        var path = change.Data.TryGetValue("path", out var p) ? p as string ?? "" : "";
        return new ChangeOutcome(TaskOutcome.Changed) { Data = Data(path, desired, effective, error), Warnings = Mismatches(desired, effective) };
    }

    /// <summary>Writes the drop-in's candidate beside it, checks <c>sshd -t</c> on a main file that reads the candidate first, then renames and reloads.</summary>
    private string DropInScript(string path, string content)
    {
        var p = Sh.Quote(path);
        var main = Sh.Quote(_mainPath);
        var mainDir = Sh.Quote(Path.GetDirectoryName(_mainPath) ?? "/");
        var writer = DropInWriter(path) with { AlsoRemoveAtExit = ["\"$c\""] };
        return $"""
            set -e
            PATH="$PATH:/usr/sbin:/sbin"
            [ -d /run/sshd ] || {"{"} mkdir -p /run/sshd; chmod 0755 /run/sshd; {"}"}
            c=$(mktemp {mainDir}/.fleet-sshd-main.XXXXXX)
            trap 'rm -f "$c"' EXIT
            {writer.Begin()}{Sh.PrintText(content)} > "$t"
            cat "$t" {main} > "$c"
            if ! err=$(sshd -t -f "$c" 2>&1); then printf 'sshd -t rejected the new settings (%s left as it was): %s\n' {p} "$err" >&2; exit 1; fi
            {writer.Finish()}{Reload}
            {SshdConfigFact.EffectiveScript(_mainPath)}

            """;
    }

    /// <summary>Writes the main file's candidate beside it, checks it with <c>sshd -t</c>, then renames and reloads.</summary>
    private string MainScript(string content)
    {
        var main = Sh.Quote(_mainPath);
        var writer = MainWriter();
        return $"""
            set -e
            PATH="$PATH:/usr/sbin:/sbin"
            [ -d /run/sshd ] || {"{"} mkdir -p /run/sshd; chmod 0755 /run/sshd; {"}"}
            {writer.Begin()}{Sh.PrintText(content)} > "$c"
            if ! err=$(sshd -t -f "$c" 2>&1); then printf 'sshd -t rejected the new settings (%s left as it was): %s\n' {main} "$err" >&2; exit 1; fi
            {writer.Finish()}{Reload}
            {SshdConfigFact.EffectiveScript(_mainPath)}

            """;
    }

    /// <summary>The drop-in: its directory created if missing, mode 0644 whatever it was.</summary>
    private static RemoteFileWriter DropInWriter(string path) => new(path) { Mode = "0644", MissingDirectory = MissingDirectory.Create, TempPrefix = ".fleet-sshd" };

    /// <summary>The main file: its attributes kept, the candidate in $c.</summary>
    private RemoteFileWriter MainWriter() => new(_mainPath) { TempPrefix = ".fleet-sshd-main", Variable = "c" };

    /// <summary>Puts the file back as it was (or removes it) and reloads sshd.</summary>
    private string Rollback(string path, string? before) => $"""
        set -e
        PATH="$PATH:/usr/sbin:/sbin"
        {(path == _mainPath ? MainWriter() : DropInWriter(path)).Restore(before)}{Reload}

        """;

    /// <summary>Reloads a running sshd: systemd's unit, else SIGHUP to the pid in /run/sshd.pid (sshd re-executes itself and rereads its files).</summary>
    private const string Reload = """
        if [ -d /run/systemd/system ]; then if systemctl is-active --quiet ssh; then systemctl reload ssh; elif systemctl is-active --quiet sshd; then systemctl reload sshd; fi; elif [ -s /run/sshd.pid ] && kill -0 "$(cat /run/sshd.pid)" 2>/dev/null; then kill -HUP "$(cat /run/sshd.pid)"; fi
        """;

    /// <summary>A warning for each setting sshd does not take as given (an earlier file or drop-in sets it, or sshd spells it otherwise).</summary>
    private static List<string> Mismatches(IReadOnlyDictionary<string, IReadOnlyList<string>> desired, IReadOnlyDictionary<string, IReadOnlyList<string>>? effective) =>
        effective is null
            ? []
            : desired.Where(d => effective.TryGetValue(d.Key.ToLowerInvariant(), out var have) && !SshdConfigText.Holds(have, d.Key, d.Value))
                .Select(d => $"sshd's effective {d.Key} is {string.Join(", ", effective[d.Key.ToLowerInvariant()])}, not {string.Join(", ", d.Value)} (an earlier file or drop-in sets it)")
                .ToList();

    /// <summary>The result data: the file written and the effective values of the settings' keywords.</summary>
    private static Dictionary<string, object?> Data(string path, IReadOnlyDictionary<string, IReadOnlyList<string>> desired, IReadOnlyDictionary<string, IReadOnlyList<string>>? effective, string? error)
    {
        var data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["path"] = path };
        if (effective is null)
        {
            data["effective_error"] = error;
            return data;
        }

        data["effective"] = desired.Keys.ToDictionary(
            k => k,
            k => effective.TryGetValue(k.ToLowerInvariant(), out var v) ? (v.Count == 1 ? v[0] : (object?)v.Select(x => (object?)x).ToList()) : null,
            StringComparer.Ordinal);
        return data;
    }
}
