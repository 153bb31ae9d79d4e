using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Fleet.Core.Facts;
using Fleet.Core.Modules.Files;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Ufw;

/// <summary>
/// <c>ufw</c> (community.general.ufw's parameters): firewall state, default policies, logging and rules, planned from ufw's own
/// files (<see cref="UfwStateFact"/>) so that only the difference runs. <c>ufw enable</c> and <c>ufw default</c> restart the
/// firewall and drop sessions (community.general#1843): they run only when the value does not already hold. A rule's identity
/// is ufw's own (direction, interfaces, protocol, addresses, ports, application, route): a task whose action (or log, or
/// comment) differs replaces that rule in place, as <c>ufw</c> does itself; an existing <c>limit</c> satisfies <c>allow</c>,
/// so <c>allow</c> then <c>limit</c> on one port settles on <c>limit</c> and stays there (community.general#5205).
/// </summary>
public sealed partial class UfwModule : Module
{
    private static readonly UfwStateFact State = new();

    /// <inheritdoc />
    public override string Name => "ufw";

    /// <inheritdoc />
    public override string? AsyncRefusal => "its change is confirmed over a fresh connection and rolled back on failure, which needs the controller attached";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("state", ParameterType.String, "enabled, disabled, reloaded (always runs) or reset (always runs). The default leaves the state alone.", Choices: ["enabled", "disabled", "reloaded", "reset"]),
        new("default", ParameterType.String, "Default policy for direction (incoming when not given): allow, deny or reject.", Aliases: ["policy"], Choices: ["allow", "deny", "reject"]),
        new("direction", ParameterType.String, "For default: incoming, outgoing or routed; for a rule: in or out. The default is incoming / in.", Choices: ["in", "incoming", "out", "outgoing", "routed"]),
        new("logging", ParameterType.String, "Log level: on, off, low, medium, high or full (quote 'on' and 'off' in YAML). The default leaves it alone.", Choices: ["on", "off", "low", "medium", "high", "full"]),
        new("rule", ParameterType.String, "A rule's action: allow, deny, limit or reject.", Choices: ["allow", "deny", "limit", "reject"]),
        new("log", ParameterType.Bool, "Log new connections matched by the rule. The default value is false."),
        new("from_ip", ParameterType.String, "Source address or network. The default value is any.", Aliases: ["from", "src"]),
        new("from_port", ParameterType.String, "Source port(s): 53, 80,443, 6000:6010 or a service name. The default is any."),
        new("to_ip", ParameterType.String, "Destination address or network. The default value is any.", Aliases: ["to", "dest"]),
        new("to_port", ParameterType.String, "Destination port(s): 22, 80,443, 6000:6010 or a service name (/etc/services on the host). The default is any.", Aliases: ["port"]),
        new("proto", ParameterType.String, "Protocol. The default value is any (a service name's own protocol when it has one).", Aliases: ["protocol"], Choices: ["any", "tcp", "udp", "ipv6", "esp", "ah", "gre", "igmp"]),
        new("name", ParameterType.String, "An application profile from /etc/ufw/applications.d (ufw app list) instead of ports.", Aliases: ["app"]),
        new("comment", ParameterType.String, "The rule's comment. The default keeps an existing rule's comment."),
        new("delete", ParameterType.Bool, "Delete the rule (only a rule with this very action, as ufw does). The default value is false."),
        new("insert", ParameterType.Int, "Position (1 is the first rule) for a new rule; an existing rule keeps its place. The default appends."),
        new("insert_relative_to", ParameterType.String, "What insert counts from: zero, first-ipv4, last-ipv4, first-ipv6, last-ipv6. The default value is zero.", Choices: ["zero", "first-ipv4", "last-ipv4", "first-ipv6", "last-ipv6"]),
        new("interface", ParameterType.String, "Interface of the rule, in the rule's direction (needs direction).", Aliases: ["if"]),
        new("interface_in", ParameterType.String, "Input interface (routed rules may give both).", Aliases: ["if_in"]),
        new("interface_out", ParameterType.String, "Output interface (routed rules may give both).", Aliases: ["if_out"]),
        new("route", ParameterType.Bool, "The rule applies to routed (forwarded) traffic. The default value is false."),
        new("allow_lockout", ParameterType.Bool, "DANGEROUS: apply even when the resulting firewall would not admit the SSH connection Fleet is using. The default value is false (such a task is refused before anything runs)."),
        new("confirm_timeout", ParameterType.Int, "Seconds after which the host restores the previous firewall by itself unless a fresh SSH connection confirmed the change. The default value is 60."),
    ];

    /// <inheritdoc />
    public override IEnumerable<string> CheckCombination(IReadOnlySet<string> presentParameters)
    {
        ArgumentNullException.ThrowIfNull(presentParameters);
        if (!presentParameters.Overlaps(["state", "default", "rule", "logging"]))
        {
            yield return "one of state, default, rule or logging is required";
        }

        if (presentParameters.Contains("name") && presentParameters.Contains("proto"))
        {
            yield return "name and proto are mutually exclusive (an application profile has its own protocols)";
        }

        if (presentParameters.Contains("name") && presentParameters.Contains("logging"))
        {
            yield return "name and logging are mutually exclusive";
        }

        if (presentParameters.Contains("direction") && (presentParameters.Contains("interface_in") || presentParameters.Contains("interface_out")))
        {
            yield return "direction is mutually exclusive with interface_in and interface_out";
        }

        if (presentParameters.Contains("interface") && !presentParameters.Contains("direction"))
        {
            yield return "interface needs direction (in or out)";
        }

        if (presentParameters.Contains("interface") && (presentParameters.Contains("interface_in") || presentParameters.Contains("interface_out")))
        {
            yield return "interface is mutually exclusive with interface_in and interface_out";
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var facts = new List<Fact> { State };
        var services = ServiceNames(args);
        if (services.Count > 0)
        {
            facts.Add(new ServicePortsFact(string.Join(',', services)));
        }

        if (CanFilter(args))
        {
            facts.Add(new SshAccessFact());
        }

        return facts;
    }

    /// <summary>The task may change what the firewall lets in (anything but logging alone): the lockout check needs the connection.</summary>
    private static bool CanFilter(ModuleArguments args) => args.Has("state") || args.Has("default") || args.Has("rule");

    /// <summary>The port parameters that name a service instead of a number.</summary>
    private static List<string> ServiceNames(ModuleArguments args) =>
        new[] { args.GetString("to_port"), args.GetString("from_port") }
            .Where(p => p is not null && ServiceName().IsMatch(p))
            .Select(p => p!)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        var before = facts.Get(State);
        if (!before.Installed)
        {
            return new PlanFailure("ufw is not installed (package ufw)");
        }

        if (before.Unreadable is { } unreadable)
        {
            return new PlanFailure($"cannot read {unreadable}: run the task as root (become: true)");
        }

        var plan = new UfwPlan(before);
        var state = args.GetString("state");
        if (state == "reset")
        {
            plan.Run(["--force", "reset"], "firewall reset (disabled, rules removed)");
            plan.After = plan.After with { Enabled = false, Loaded = plan.After.Loaded is null ? null : false, Rules = [] };
        }
        else if (state == "disabled" && (before.Enabled || before.Loaded == true))
        {
            plan.Run(["disable"], "firewall disabled");
            plan.After = plan.After with { Enabled = false, Loaded = plan.After.Loaded is null ? null : false };
        }

        if (args.GetString("logging") is { } logging && PlanLogging(plan, logging) is { } loggingProblem)
        {
            return new PlanFailure(loggingProblem);
        }

        if (args.GetString("default") is { } policy && PlanDefault(plan, policy, args.GetString("direction")) is { } defaultProblem)
        {
            return new PlanFailure(defaultProblem);
        }

        if (args.GetString("rule") is { } action && PlanRule(plan, action, args, facts) is { } ruleProblem)
        {
            return new PlanFailure(ruleProblem);
        }

        if (state == "enabled" && !plan.After.Active)
        {
            plan.Run(["--force", "enable"], "firewall enabled");
            plan.After = plan.After with { Enabled = true, Loaded = plan.After.Loaded is null ? null : true };
            plan.Restarts = true;
        }
        else if (state == "reloaded")
        {
            plan.Run(["reload"], "firewall reloaded");
            plan.Restarts |= plan.After.Active;
        }

        var data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["commands"] = plan.Commands.ToList() };
        if (plan.Commands.Count == 0)
        {
            return new NoChange("ufw already as desired" + (plan.Holds.Count > 0 ? ": " + string.Join("; ", plan.Holds) : "")) { Data = data };
        }

        if (CanFilter(args) && plan.After.Active
            && UfwAdmission.Refusal(plan.After, facts.Get(new SshAccessFact()), args.GetBool("allow_lockout", false), $"this task ({string.Join("; ", plan.Changes)})") is { } refusal)
        {
            return new PlanFailure(refusal) { Data = data };
        }

        var confirm = args.GetInt("confirm_timeout") is { } seconds ? TimeSpan.FromSeconds(seconds) : Verification.DefaultConfirmTimeout;
        if (confirm <= TimeSpan.Zero)
        {
            return new PlanFailure("confirm_timeout must be a positive number of seconds");
        }

        return BuildChange(plan, before, confirm) with { Data = data };
    }

    private static Change BuildChange(UfwPlan plan, UfwState before, TimeSpan confirm)
    {
        const string backup = "/var/lib/fleet/ufw-rollback";
        var verify = plan.After.Active && plan.Commands.Any(c => !c.StartsWith("ufw logging", StringComparison.Ordinal));
        var script = new StringBuilder("set -e\nexport LANG=C LC_ALL=C\nPATH=\"$PATH:/usr/sbin:/sbin\"\n");

        // The files the commands change, saved before the change (and before the rollback timer is armed) so that a change that
        // locks the controller out can be undone, by the controller or by the host itself.
        var save = $"set -e\nmkdir -p {backup}\ncp -p /etc/ufw/user.rules /etc/ufw/user6.rules {UfwStateFact.ConfPath} {UfwStateFact.DefaultsPath} {backup}/\n";

        foreach (var command in plan.Commands)
        {
            script.Append(command).Append('\n');
        }

        var touches = new List<Subject> { Subject.Firewall, Subject.Tree("/etc/ufw"), Subject.Path(UfwStateFact.DefaultsPath) };
        if (plan.Restarts)
        {
            // ufw applies IPT_SYSCTL (/etc/ufw/sysctl.conf) whenever it starts the firewall: net.* values may have changed.
            touches.Add(Subject.Sysctl(null));
        }

        var after = plan.After;
        var rollback = $"""
            set -e
            PATH="$PATH:/usr/sbin:/sbin"
            cp -p {backup}/user.rules {backup}/user6.rules /etc/ufw/
            cp -p {backup}/ufw.conf /etc/ufw/ufw.conf
            cp -p {backup}/ufw {UfwStateFact.DefaultsPath}
            {(before.Active ? "ufw reload" : "ufw --force disable")}
            """;
        return new Change(plan.Changes, script.ToString(), touches)
        {
            DiffSource = () => TextDiff.Unified(before.Render(), after.Render(), "ufw"),
            Predicted = new Dictionary<Fact, object> { [State] = after },
            Verify = verify ? new Verification("a new SSH connection after the firewall change", null, NewConnection: true, rollback) { Save = save, ConfirmTimeout = confirm } : null,
        };
    }

    private static string? PlanLogging(UfwPlan plan, string level)
    {
        var current = plan.After.LogLevel;
        var holds = level switch
        {
            "on" => current != "off",
            _ => current == level,
        };
        if (holds)
        {
            plan.Holds.Add($"logging {current}");
            return null;
        }

        var next = level == "on" ? "low" : level;
        plan.Run(["logging", level], $"logging {current} → {next}");
        plan.After = plan.After with { LogLevel = next };
        return null;
    }

    private static string? PlanDefault(UfwPlan plan, string policy, string? direction)
    {
        direction ??= "incoming";
        if (direction is not ("incoming" or "outgoing" or "routed"))
        {
            return $"for default, direction must be incoming, outgoing or routed, not '{direction}'";
        }

        var current = direction switch { "incoming" => plan.After.Incoming, "outgoing" => plan.After.Outgoing, _ => plan.After.Routed };
        if (current == policy)
        {
            plan.Holds.Add($"default {policy} ({direction})");
            return null;
        }

        plan.Run(["default", policy, direction], $"default {direction}: {current} → {policy}");
        plan.After = direction switch
        {
            "incoming" => plan.After with { Incoming = policy },
            "outgoing" => plan.After with { Outgoing = policy },
            _ => plan.After with { Routed = policy },
        };
        plan.Restarts |= plan.After.Active;
        return null;
    }

    /// <summary>The plan being built: the predicted state, the ufw commands, what changes and what already holds.</summary>
    private sealed class UfwPlan(UfwState before)
    {
        public UfwState After { get; set; } = before;

        public List<string> Commands { get; } = [];

        public List<string> Changes { get; } = [];

        public List<string> Holds { get; } = [];

        /// <summary>The commands restart a running firewall (enable, reload, default): sessions may drop, IPT_SYSCTL applies.</summary>
        public bool Restarts { get; set; }

        public void Run(IEnumerable<string> words, params string[] changes)
        {
            Commands.Add("ufw " + Sh.Command(words));
            Changes.AddRange(changes);
        }
    }
}
