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

    /// <summary>Plans one rule for each address family it applies to; one <c>ufw</c> command does all of them.</summary>
    private static string? PlanRule(UfwPlan plan, string action, ModuleArguments args, IFactSource facts)
    {
        var direction = args.GetString("direction");
        if (direction is not (null or "in" or "out"))
        {
            return $"for rules, direction must be in or out, not '{direction}'";
        }

        var route = args.GetBool("route", false);
        var interfaceIn = args.GetString("interface_in") ?? (direction != "out" ? args.GetString("interface") : null) ?? "";
        var interfaceOut = args.GetString("interface_out") ?? (direction == "out" ? args.GetString("interface") : null) ?? "";
        if (!route && interfaceIn.Length > 0 && interfaceOut.Length > 0)
        {
            return "only route rules can combine interface_in and interface_out";
        }

        foreach (var name in new[] { interfaceIn, interfaceOut }.Where(n => n.Length > 0))
        {
            if (!InterfaceName().IsMatch(name) || name is "." or "..")
            {
                return $"bad interface name '{name}'";
            }
        }

        if (direction is null && interfaceOut.Length > 0 && interfaceIn.Length == 0)
        {
            direction = "out";
        }

        var fromText = args.GetString("from_ip") ?? "any";
        var toText = args.GetString("to_ip") ?? "any";
        var fromFamily = UfwRule.FamilyOf(fromText);
        var toFamily = UfwRule.FamilyOf(toText);
        if (fromFamily is { } f && toFamily is { } t && f != t)
        {
            return $"from_ip {fromText} and to_ip {toText} are of different address families";
        }

        var family = fromFamily ?? toFamily;
        if (family == true && !plan.After.Ipv6)
        {
            return $"an IPv6 rule, but IPv6 is off in {UfwStateFact.DefaultsPath} (IPV6=no)";
        }

        var app = args.GetString("name") ?? "";
        if (app.Length > 0 && (app.Contains('\n', StringComparison.Ordinal) || app.Trim().Length == 0))
        {
            return $"bad application name '{app}'";
        }

        // An explicit "any" is no protocol at all for ufw: a service name then brings its own (ssh → tcp), as without proto.
        var proto = args.GetString("proto") is "any" ? null : args.GetString("proto");
        var services = args.Has("to_port") || args.Has("from_port") ? ServiceNames(args) : [];
        var serviceEntries = services.Count == 0 ? [] : facts.Get(new ServicePortsFact(string.Join(',', services)));
        if (Port(args.GetString("to_port"), proto, serviceEntries) is var (toPort, toProto, toProblem) && toProblem is not null)
        {
            return toProblem;
        }

        if (Port(args.GetString("from_port"), proto ?? toProto, serviceEntries) is var (fromPort, fromProto, fromProblem) && fromProblem is not null)
        {
            return fromProblem;
        }

        var protocol = proto ?? toProto ?? fromProto ?? "any";
        var multi = toPort.Contains(',', StringComparison.Ordinal) || toPort.Contains(':', StringComparison.Ordinal)
            || fromPort.Contains(',', StringComparison.Ordinal) || fromPort.Contains(':', StringComparison.Ordinal);
        if (multi && protocol is not ("tcp" or "udp"))
        {
            return "several ports or a port range need proto: tcp or udp";
        }

        if ((toPort != "any" || fromPort != "any") && protocol is not ("any" or "tcp" or "udp"))
        {
            return $"protocol {protocol} has no ports";
        }

        var log = args.GetBool("log", false) ? "log" : "";
        var comment = args.GetString("comment");
        var delete = args.GetBool("delete", false);
        var families = family is { } only ? [only] : plan.After.Ipv6 ? new[] { false, true } : [false];
        var rules = plan.After.Rules.ToList();
        var verbs = new List<string>();
        var replaced = false;
        string? keptComment = null;
        foreach (var v6 in families)
        {
            var from = UfwRule.NormalizeAddress(fromText, v6);
            var to = UfwRule.NormalizeAddress(toText, v6);
            if (from is null || to is null)
            {
                return $"not an IP address or network: {(from is null ? fromText : toText)}";
            }

            var desired = new UfwRule(action, log, route, protocol, toPort, to, fromPort, from, app, "", direction ?? "in", interfaceIn, interfaceOut, comment ?? "", v6);
            var index = rules.FindIndex(r => r.SameTarget(desired));
            if (delete)
            {
                var exact = rules.FindIndex(r => r.SameTarget(desired) && r.Action == action && r.Log == log && (comment is null || r.Comment == comment));
                if (exact >= 0)
                {
                    verbs.Add($"rule deleted: {rules[exact].Describe()}");
                    rules.RemoveAt(exact);
                }
                else
                {
                    plan.Holds.Add($"no rule {desired.Describe()}");
                }
            }
            else if (index < 0)
            {
                rules.Insert(InsertIndex(rules, v6, args), desired);
                verbs.Add($"rule added: {desired.Describe()}");
            }
            else if (Satisfies(rules[index].Action, action) && rules[index].Log == log && (comment is null || rules[index].Comment == comment))
            {
                plan.Holds.Add($"rule {rules[index].Describe()}");
            }
            else
            {
                var old = rules[index];
                keptComment ??= comment is null && old.Comment.Length > 0 ? old.Comment : null;
                rules[index] = desired with { Comment = comment ?? old.Comment };
                verbs.Add($"rule updated: {old.Describe()} → {rules[index].Describe()}");
                replaced = true;
            }
        }

        if (verbs.Count == 0)
        {
            return null;
        }

        // One command for every family, in ufw's long form. An existing rule is replaced in place: ufw skips an insert of a
        // rule it already has, whatever its action, so insert is only given for a new rule.
        var words = new List<string>();
        if (route)
        {
            words.Add("route");
        }

        if (delete)
        {
            words.Add("delete");
        }
        else if (!replaced && InsertPosition(plan.After.Rules, args) is { } position)
        {
            words.AddRange(["insert", position.ToString(CultureInfo.InvariantCulture)]);
        }

        words.Add(action);
        if (interfaceIn.Length > 0 && interfaceOut.Length > 0)
        {
            words.AddRange(["in", "on", interfaceIn, "out", "on", interfaceOut]);
        }
        else if (interfaceIn.Length > 0 || interfaceOut.Length > 0)
        {
            words.AddRange([direction ?? "in", "on", interfaceIn.Length > 0 ? interfaceIn : interfaceOut]);
        }
        else if (direction is not null)
        {
            words.Add(direction);
        }

        if (log.Length > 0)
        {
            words.Add(log);
        }

        words.AddRange(["from", fromText]);
        if (fromPort != "any")
        {
            words.AddRange(["port", fromPort]);
        }

        words.AddRange(["to", toText]);
        if (app.Length > 0)
        {
            words.AddRange(["app", app]);
        }
        else if (toPort != "any")
        {
            words.AddRange(["port", toPort]);
        }

        if (protocol != "any")
        {
            words.AddRange(["proto", protocol]);
        }

        if ((comment ?? keptComment) is { } text)
        {
            words.AddRange(["comment", text]);
        }

        plan.Run(words, verbs.ToArray());
        plan.After = plan.After with { Rules = rules };
        return null;
    }

    /// <summary>
    /// True when a rule with action <paramref name="existing"/> already does what <paramref name="wanted"/> asks. limit is allow
    /// with a rate limit, so it satisfies allow: a playbook that allows a port and then limits it settles on limit instead of
    /// replacing one with the other on every run (community.general#5205). Going back from limit to allow takes a delete.
    /// </summary>
    private static bool Satisfies(string existing, string wanted) => existing == wanted || (existing == "limit" && wanted == "allow");

    /// <summary>
    /// Reads a port parameter: "any", a number, a comma list or a range (sorted as ufw stores them), or one service name
    /// resolved from the host's /etc/services (its protocol too, when it has only one). Returns (port, protocol, problem).
    /// </summary>
    private static (string Port, string? Protocol, string? Problem) Port(string? text, string? proto, IReadOnlyList<(string Name, string Port, string Protocol)> services)
    {
        if (text is null || text.Trim() is "" or "any")
        {
            return ("any", null, null);
        }

        text = text.Trim();
        if (ServiceName().IsMatch(text))
        {
            var entries = services.Where(s => s.Name == text && (proto is null or "any" || s.Protocol == proto)).ToList();
            if (entries.Count == 0)
            {
                return (text, null, $"unknown service '{text}' (not in the host's /etc/services{(proto is null ? "" : " for " + proto)})");
            }

            var protocols = entries.Select(e => e.Protocol).Distinct(StringComparer.Ordinal).ToList();
            return (entries[0].Port, proto is null && protocols.Count == 1 ? protocols[0] : null, null);
        }

        var parts = text.Split(',');
        if (parts.Length + text.Count(c => c == ':') > 15)
        {
            return (text, null, $"bad port '{text}': at most 15 ports and ranges");
        }

        foreach (var part in parts)
        {
            var bounds = part.Split(':');
            if (bounds.Length > 2 || bounds.Any(b => !int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 65535)
                || (bounds.Length == 2 && int.Parse(bounds[0], CultureInfo.InvariantCulture) >= int.Parse(bounds[1], CultureInfo.InvariantCulture)))
            {
                return (text, null, $"bad port '{text}': ports are numbers 1-65535, ranges low:high, lists a,b (a service name only alone)");
            }
        }

        return (UfwRule.SortPorts(string.Join(',', parts.Select(p => string.Join(':', p.Split(':').Select(n => int.Parse(n, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)))))), null, null);
    }

    /// <summary>The ufw rule number to insert at (Ansible's insert and insert_relative_to), or null to append.</summary>
    private static int? InsertPosition(IReadOnlyList<UfwRule> rules, ModuleArguments args)
    {
        if (args.GetInt("insert") is not { } insert)
        {
            return null;
        }

        var v4 = rules.Count(r => !r.V6);
        var v6 = rules.Count - v4;
        var relativeTo = args.GetString("insert_relative_to") ?? "zero";
        if (relativeTo == "zero")
        {
            return (int)insert;
        }

        var origin = relativeTo switch
        {
            "first-ipv4" => 1,
            "last-ipv4" => v4 > 0 ? v4 : 1,
            "first-ipv6" => v4 + 1,
            _ => v6 > 0 ? v4 + v6 : v4 + v6 + 1,
        };
        var position = (int)insert + origin;
        return position > v4 + v6 ? null : position;
    }

    /// <summary>Where a new rule lands in the predicted list (for the diff): ufw numbers IPv4 rules first, then IPv6.</summary>
    private static int InsertIndex(List<UfwRule> rules, bool v6, ModuleArguments args)
    {
        var v4Count = rules.Count(r => !r.V6);
        var end = v6 ? rules.Count : v4Count;
        if (InsertPosition(rules, args) is not { } position || position < 1)
        {
            return end;
        }

        var index = v6 ? (position > v4Count ? position - 1 : v4Count + position - 1) : position - 1;
        return Math.Clamp(index, v6 ? v4Count : 0, end);
    }

    [GeneratedRegex(@"^[A-Za-z][\w\-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ServiceName();

    [GeneratedRegex(@"^[a-zA-Z0-9_\-\.\+,=%@]{1,15}$", RegexOptions.CultureInvariant)]
    private static partial Regex InterfaceName();

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
