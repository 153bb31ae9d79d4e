using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Fleet.Core.Facts;
using Fleet.Core.Modules.Files;
using Fleet.Core.Remote;
using Fleet.Core.Results;

namespace Fleet.Core.Modules.Service;

/// <summary>
/// <c>service</c>: a service started, stopped, restarted or reloaded, and enabled at boot or not, with systemd when PID 1 is
/// systemd (<c>systemctl</c>) and SysV init scripts otherwise (<c>service NAME ACTION</c>, <c>update-rc.d</c>). started/stopped
/// and enabled change only what differs; restarted and reloaded always act (as in Ansible), so they belong in handlers.
/// </summary>
public partial class ServiceModule : Module
{
    /// <inheritdoc />
    public override string Name => "service";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("name", ParameterType.String, "The service (an init script name or a systemd unit).", Required: true),
        new("state", ParameterType.String, "started, stopped, restarted or reloaded. The default is to leave it as it is.", Choices: States),
        new("enabled", ParameterType.Bool, "Start at boot (true) or not (false). The default is to leave it as it is."),
    ];

    /// <summary>The states a task may ask for.</summary>
    protected static readonly string[] States = ["started", "stopped", "restarted", "reloaded"];

    /// <summary>The rc directories update-rc.d writes links in.</summary>
    private static readonly string[] RcDirectories = ["/etc/rc0.d", "/etc/rc1.d", "/etc/rc2.d", "/etc/rc3.d", "/etc/rc4.d", "/etc/rc5.d", "/etc/rc6.d", "/etc/rcS.d"];

    /// <inheritdoc />
    public override IEnumerable<string> CheckCombination(IReadOnlySet<string> presentParameters)
    {
        ArgumentNullException.ThrowIfNull(presentParameters);
        if (!presentParameters.Contains("state") && !presentParameters.Contains("enabled"))
        {
            yield return "give state or enabled";
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        // An invalid name reads nothing: Plan reports it as the task's failure (which ignore_errors covers, as in Ansible).
        try
        {
            return [FactFor(args)];
        }
        catch (FleetInputException)
        {
            return [];
        }
    }

    /// <summary>True when the task's result carries <c>status</c>, every property <c>systemctl show</c> prints (Ansible's systemd module).</summary>
    protected virtual bool ReturnsStatus => false;

    /// <summary>The one fact a task reads: its service (none for a bare daemon_reload).</summary>
    private ServiceFact FactFor(ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return new ServiceFact(new NameList(args.GetString("name") is { } name ? [ValidateName(name)] : [])) { Status = ReturnsStatus };
    }

    /// <summary>
    /// A service or unit name: letters, digits and <c>@ . _ : - \</c> (systemd's escapes), no path. Anything else is the task's
    /// input error; names are quoted anyway.
    /// </summary>
    public static string ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return NamePattern().IsMatch(name) && !name.Contains("..", StringComparison.Ordinal)
            ? name
            : throw new FleetInputException($"'{name}' is not a service name (letters, digits and @ . _ : - \\, no path)");
    }

    /// <summary>The systemd unit for a name: as given when it has a unit suffix, else NAME.service.</summary>
    public static string UnitName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return UnitSuffix().IsMatch(name) ? name : name + ".service";
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9@._:\\-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"\.(service|socket|timer|target|path|mount|automount|swap|slice|scope|device)$", RegexOptions.CultureInvariant)]
    private static partial Regex UnitSuffix();

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(context);
        var fact = FactFor(args);
        var states = facts.Get(fact);
        var name = args.GetString("name");
        var wanted = new Wanted(args.GetString("state"), args.GetBool("enabled"), args.GetBool("masked"), args.GetBool("daemon_reload", false))
        {
            DaemonReexec = args.GetBool("daemon_reexec", false),
        };
        if (!states.IsSystemd && (wanted.DaemonReload || wanted.DaemonReexec))
        {
            // As Ansible's systemd module: daemon-reload (then daemon-reexec) runs first (not in check mode) and fails on a host without systemd.
            var command = wanted.DaemonReload ? "daemon-reload" : "daemon-reexec";
            return context.CheckMode && name is null
                ? new NoChange("no systemd daemon to reload")
                : context.CheckMode ? PlanSysv(fact, states, name!, wanted)
                : new PlanFailure($"failure 1 during {command}: {NotBootedWithSystemd}");
        }

        if (context.CheckMode && name is null && wanted.DaemonReexec)
        {
            return new NoChange("daemon-reexec does not run in check mode"); // as Ansible's module
        }

        if (wanted is { State: null, Enabled: null, Masked: null, DaemonReload: false, DaemonReexec: false })
        {
            // A name alone asks for the unit's status and changes nothing, as Ansible's systemd module (it acts only on what is given).
            if (name is not null && !states.IsSystemd && !states.Get(name).Exists)
            {
                // Ansible's module, finding neither a unit nor an init script, runs a bare systemctl to fail with its words.
                return new PlanFailure(NotBootedWithSystemd + "\nFailed to connect to bus: Host is down");
            }

            var reason = name is null ? "nothing asked" : states.Get(name) is { Exists: true } known ? $"{name} {Describe(known)}" : $"{name}: no such unit";
            return WithStatus(new NoChange(reason) { Data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["name"] = name } }, states, name);
        }

        wanted = wanted with { DaemonReexec = wanted.DaemonReexec && !context.CheckMode };
        return WithStatus(states.IsSystemd ? PlanSystemd(fact, states, name, wanted) : PlanSysv(fact, states, name!, wanted), states, name);
    }

    /// <summary>The plan with <c>status</c> in its data when this module returns it: the unit's properties before the task (empty without systemd or a name).</summary>
    private TaskPlan WithStatus(TaskPlan plan, ServiceStates states, string? name) =>
        !ReturnsStatus || plan is PlanFailure ? plan : plan with
        {
            Data = new Dictionary<string, object?>(plan.Data, StringComparer.Ordinal)
            {
                ["status"] = (name is null ? null : states.Get(name).Status)?.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal)
                    ?? new Dictionary<string, object?>(StringComparer.Ordinal),
            },
        };

    /// <summary>What a task asks for.</summary>
    private sealed record Wanted(string? State, bool? Enabled, bool? Masked, bool DaemonReload)
    {
        /// <summary>Run systemctl daemon-reexec (after any daemon-reload), every time, as Ansible.</summary>
        public bool DaemonReexec { get; init; }
    }

    /// <summary>What systemctl says on a host whose PID 1 is not systemd.</summary>
    private const string NotBootedWithSystemd = "System has not been booted with systemd as init system (PID 1). Can't operate.";

    /// <summary>The manager steps Ansible's systemd runs before anything else and never counts as a change.</summary>
    private static readonly string[] ManagerSteps = ["daemon-reload", "daemon-reexec"];

    private static TaskPlan PlanSysv(ServiceFact fact, ServiceStates states, string name, Wanted wanted)
    {
        if (wanted.Masked is not null)
        {
            return new PlanFailure("masked needs systemd: this host's service manager is SysV init");
        }

        var before = states.Get(name);
        if (!before.Exists)
        {
            return new PlanFailure($"Could not find the requested service {name}: host"); // Ansible's words, which roles' failed_when test
        }

        var q = Sh.Quote(name);
        var steps = new List<(string Change, string Command)>();
        if (wanted.Enabled is { } enable && enable != before.Enabled)
        {
            // As Ansible: links are created with defaults first when update-rc.d never set them up, then switched on or off.
            steps.Add(enable
                ? ($"enable {name} at boot", before.HasStopLinks ? $"step update-rc.d {q} enable" : $"step update-rc.d {q} defaults\nstep update-rc.d {q} enable")
                : ($"disable {name} at boot", $"step update-rc.d {q} disable"));
        }

        var action = Action(wanted.State, before.Running);
        if (action is not null)
        {
            steps.Add(($"{action} {name}", $"step service {q} {action}"));
        }

        return Finish(fact, states, name, wanted, steps, [], RcDirectories);
    }

    private static TaskPlan PlanSystemd(ServiceFact fact, ServiceStates states, string? name, Wanted wanted)
    {
        var steps = new List<(string Change, string Command)>();
        if (name is null)
        {
            // A bare daemon_reload or daemon_reexec always runs, as in Ansible (and, as there, is not counted as a change).
            var manager = ManagerSteps.Where(s => s == "daemon-reload" ? wanted.DaemonReload : wanted.DaemonReexec).ToList();
            return new Change(manager, Prelude + string.Concat(manager.Select(s => $"step systemctl {s}\n")), [Subject.Service(null)]);
        }

        var before = states.Get(name);
        var unit = Sh.Quote(UnitName(name));

        // A named unit needs a reload only when systemd says its file changed, or does not know it yet (a unit file just written).
        var reload = wanted.DaemonReload && (before.NeedsDaemonReload || !before.Exists);
        if (reload)
        {
            steps.Add(("daemon-reload", "step systemctl daemon-reload"));
        }

        if (wanted.DaemonReexec)
        {
            steps.Add(("daemon-reexec", "step systemctl daemon-reexec"));
        }

        if (!reload && !before.Exists)
        {
            return new PlanFailure($"Could not find the requested service {name}: host"); // Ansible's words, which roles' failed_when test
        }

        var current = before;
        if (wanted.Masked is { } mask && mask != before.Masked)
        {
            steps.Add(mask ? ($"mask {name}", $"step systemctl mask {unit}") : ($"unmask {name}", $"step systemctl unmask {unit}"));
            current = current with { Masked = mask, Enabled = !mask && current.Enabled };
        }

        var warnings = new List<string>();
        if (wanted.Enabled == false && current.Enabled && before.UnitFileState is "static" or "indirect" or "alias")
        {
            // systemctl disable changes nothing for these: acting would report a change on every run.
            warnings.Add($"{name} is {before.UnitFileState}: it cannot be disabled (mask it to keep it from starting)");
        }
        else if (wanted.Enabled is { } enable && enable != current.Enabled)
        {
            steps.Add(enable ? ($"enable {name} at boot", $"step systemctl enable {unit}") : ($"disable {name} at boot", $"step systemctl disable {unit}"));
        }

        if (Action(wanted.State, before.Running) is { } action)
        {
            steps.Add(($"{action} {name}", $"step systemctl {action} {unit}"));
        }

        return Finish(fact, states, name, wanted, steps, warnings, ["/etc/systemd/system"]);
    }

    /// <summary>The action a state needs: started/stopped only when it differs; restarted and reloaded always (start when stopped, as Ansible).</summary>
    private static string? Action(string? state, bool running) => state switch
    {
        "started" => running ? null : "start",
        "stopped" => running ? "stop" : null,
        "restarted" => running ? "restart" : "start",
        "reloaded" => running ? "reload" : "start",
        _ => null,
    };

    /// <summary>
    /// Each step's output goes to a file, not a pipe: a daemon that keeps its parent's stdout open would otherwise hold the
    /// command (and the SSH channel) until the task's timeout.
    /// </summary>
    private const string Prelude = """
        out=$(mktemp) || exit 1
        trap 'rm -f "$out"' EXIT
        step() { "$@" </dev/null >"$out" 2>&1; rc=$?; cat "$out"; if [ "$rc" -ne 0 ]; then cat "$out" >&2; echo "$* failed (exit $rc)" >&2; exit "$rc"; fi; }

        """;

    private static TaskPlan Finish(ServiceFact fact, ServiceStates states, string name, Wanted wanted, List<(string Change, string Command)> steps, IReadOnlyList<string> warnings, IEnumerable<string> linkDirectories)
    {
        var before = states.Get(name);
        var after = before with
        {
            Exists = true,
            Running = wanted.State switch { "stopped" => false, null => before.Running, _ => true },
            Enabled = wanted.Enabled ?? (wanted.Masked == true ? false : before.Enabled),
            Masked = wanted.Masked ?? before.Masked,
            NeedsDaemonReload = false,
            HasStopLinks = before.HasStopLinks || wanted.Enabled is not null,
        };
        var data = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = name,
            ["state"] = after.Running ? "started" : "stopped",
        };
        if (wanted.Enabled is { } enabled)
        {
            data["enabled"] = enabled;
        }

        if (steps.Count == 0)
        {
            return new NoChange($"{name} {Describe(before)}") { Data = data, Warnings = warnings };
        }

        var touches = new List<Subject> { Subject.Service(name), Subject.Ports, Subject.Tree("/run"), Subject.Tree("/var/run") };
        touches.AddRange(linkDirectories.Select(Subject.Tree));
        var predicted = new ServiceStates(states.Manager, [.. states.Services.Select(s => s.Name == name ? after : s)]);
        return new Change([.. steps.Select(s => s.Change)], Prelude + string.Join('\n', steps.Select(s => s.Command)) + "\n", touches)
        {
            Data = data,
            Warnings = warnings,
            DiffSource = () => TextDiff.Unified($"{name}: {Describe(before)}\n", $"{name}: {Describe(after)}\n", $"service {name}"),
            Predicted = new Dictionary<Fact, object> { [fact] = predicted },
        };
    }

    private static string Describe(ServiceState state) => string.Create(
        CultureInfo.InvariantCulture,
        $"{(state.Running ? "running" : "stopped")}, {(state.Masked ? "masked" : state.Enabled ? "enabled" : "disabled")}");

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

        var output = result.Stdout.Trim();
        var message = output.Length == 0 ? null : Tail(output, 500);
        return args.GetString("name") is null
            ? new ChangeOutcome(TaskOutcome.Ok, change.Changes.Contains("daemon-reload") ? "systemd daemon reloaded" : "systemd daemon reexecuted")
            : change.Changes.All(ManagerSteps.Contains)
            ? new ChangeOutcome(TaskOutcome.Ok, message)
            : new ChangeOutcome(TaskOutcome.Changed, message);
    }
}

/// <summary>
/// <c>systemd</c> (also <c>systemd_service</c>): <c>service</c> with systemd's own parameters: <c>masked</c> and
/// <c>daemon_reload</c>, <c>daemon_reexec</c>. On a host without systemd it manages SysV scripts as <c>service</c> does; <c>masked</c>
/// and (as in Ansible) <c>daemon_reload</c> and <c>daemon_reexec</c> fail there.
/// </summary>
public class SystemdModule : ServiceModule
{
    /// <inheritdoc />
    public override string Name => "systemd";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("name", ParameterType.String, "The unit; NAME.service when it has no unit suffix. Required with state, enabled or masked.", Aliases: ["service", "unit"]),
        new("state", ParameterType.String, "started, stopped, restarted or reloaded. The default is to leave it as it is.", Choices: States),
        new("enabled", ParameterType.Bool, "Start at boot (true) or not (false). The default is to leave it as it is."),
        new("masked", ParameterType.Bool, "Mask the unit (true) or unmask it (false); systemd only. The default is to leave it as it is."),
        new("daemon_reload", ParameterType.Bool, "Run systemctl daemon-reload first: without a name always, with one when the unit file changed. The default value is false.", Aliases: ["daemon-reload"]),
        new("daemon_reexec", ParameterType.Bool, "Run systemctl daemon-reexec first (after any daemon-reload), every time but in check mode; not counted as a change. The default value is false.", Aliases: ["daemon-reexec"]),
    ];

    /// <inheritdoc />
    protected override bool ReturnsStatus => true;

    /// <inheritdoc />
    public override IEnumerable<string> CheckCombination(IReadOnlySet<string> presentParameters)
    {
        ArgumentNullException.ThrowIfNull(presentParameters);

        // Ansible's required_one_of counts daemon_reload and daemon_reexec, whose defaults it sets first: a name alone (or nothing) passes.
        if (!presentParameters.Contains("name") && presentParameters.Overlaps(["state", "enabled", "masked"]))
        {
            yield return "name is required with state, enabled or masked";
        }
    }
}

/// <summary><c>systemd_service</c>: Ansible's newer name of <c>systemd</c>.</summary>
public sealed class SystemdServiceModule : SystemdModule
{
    /// <inheritdoc />
    public override string Name => "systemd_service";
}
