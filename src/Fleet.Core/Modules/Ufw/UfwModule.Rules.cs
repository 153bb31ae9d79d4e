using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Fleet.Core.Facts;
using Fleet.Core.Modules.Files;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Ufw;

// ufw's rules: one rule planned per address family, its port and service, and where an inserted rule goes.
public sealed partial class UfwModule
{
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
}
