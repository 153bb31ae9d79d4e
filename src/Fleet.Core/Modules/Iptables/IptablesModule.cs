using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Iptables;

/// <summary>
/// <c>iptables</c> (ansible.builtin): one rule present or absent in a chain (idempotent through <c>iptables -C</c>, as Ansible), a
/// chain's policy, or a flush. A change that could cut the controller off (a DROP or REJECT, a policy, a flush, a removal on the
/// filter table) is checked with a fresh SSH connection afterwards and rolled back from <c>iptables-save</c> if it fails, by the
/// host itself if the controller cannot reach it; a rule or policy that would refuse the current SSH connection on INPUT is refused
/// before anything runs unless <c>allow_lockout</c>.
/// </summary>
public sealed class IptablesModule : Module
{
    /// <inheritdoc />
    public override string Name => "iptables";

    /// <inheritdoc />
    public override string? AsyncRefusal => "its change is confirmed over a fresh connection and rolled back on failure, which needs the controller attached";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("table", ParameterType.String, "The table. The default value is filter.", Choices: ["filter", "nat", "mangle", "raw", "security"]),
        new("chain", ParameterType.String, "The chain (INPUT, OUTPUT, FORWARD… or a user chain). Required unless flush."),
        new("state", ParameterType.String, "present or absent. The default value is present.", Choices: ["present", "absent"]),
        new("action", ParameterType.String, "append (-A) or insert (-I) a missing rule. The default value is append.", Choices: ["append", "insert"]),
        new("rule_num", ParameterType.String, "Position for action: insert. The default is the top of the chain."),
        new("ip_version", ParameterType.String, "ipv4 (iptables) or ipv6 (ip6tables). The default value is ipv4.", Choices: ["ipv4", "ipv6"]),
        new("protocol", ParameterType.String, "-p: tcp, udp, icmp, all… ('!' negates). The default is none."),
        new("source", ParameterType.String, "-s: address or network ('!' negates). The default is none."),
        new("destination", ParameterType.String, "-d: address or network ('!' negates). The default is none."),
        new("match", ParameterType.StringList, "-m extensions, in order. The default is none."),
        new("jump", ParameterType.String, "-j target (ACCEPT, DROP, REJECT, LOG, a chain). The default is none (LOG when log_prefix or log_level is given)."),
        new("goto", ParameterType.String, "-g chain. The default is none."),
        new("in_interface", ParameterType.String, "-i interface ('+' wildcard, '!' negates). The default is none."),
        new("out_interface", ParameterType.String, "-o interface. The default is none."),
        new("source_port", ParameterType.String, "--source-port port or range a:b. The default is none."),
        new("destination_port", ParameterType.String, "--destination-port port or range a:b. The default is none."),
        new("destination_ports", ParameterType.StringList, "-m multiport --dports list (ports or a:b ranges). The default is none."),
        new("ctstate", ParameterType.StringList, "Connection states (NEW, ESTABLISHED, RELATED, INVALID…): --ctstate (or --state with match: state). The default is none."),
        new("syn", ParameterType.String, "match (--syn), negate (! --syn) or ignore. The default value is ignore.", Choices: ["ignore", "match", "negate"]),
        new("limit", ParameterType.String, "-m limit --limit rate (e.g. 5/sec). The default is none."),
        new("limit_burst", ParameterType.String, "--limit-burst n. The default is none."),
        new("reject_with", ParameterType.String, "--reject-with type (implies -j REJECT without jump). The default is none."),
        new("icmp_type", ParameterType.String, "--icmp-type (--icmpv6-type for ipv6). The default is none."),
        new("log_prefix", ParameterType.String, "--log-prefix for the LOG target. The default is none."),
        new("log_level", ParameterType.String, "--log-level for the LOG target. The default is none.",
            Choices: ["0", "1", "2", "3", "4", "5", "6", "7", "emerg", "alert", "crit", "error", "warning", "notice", "info", "debug"]),
        new("comment", ParameterType.String, "-m comment --comment text. The default is none."),
        new("wait", ParameterType.String, "-w seconds to wait for the xtables lock. The default is none."),
        new("policy", ParameterType.String, "Set the chain's policy instead of a rule. The default is none.", Choices: ["ACCEPT", "DROP", "QUEUE", "RETURN"]),
        new("flush", ParameterType.Bool, "Flush the chain (or the whole table without chain); always reports changed, as Ansible. The default value is false."),
        new("allow_lockout", ParameterType.Bool, "DANGEROUS (Fleet): apply even when the INPUT chain would then refuse the SSH connection Fleet is using. The default value is false (such a task is refused before anything runs)."),
        new("confirm_timeout", ParameterType.Int, "Fleet: seconds after which the host restores the table by itself unless a fresh SSH connection confirmed a risky change. The default value is 60."),
    ];

    /// <inheritdoc />
    public override IEnumerable<string> CheckCombination(IReadOnlySet<string> presentParameters)
    {
        ArgumentNullException.ThrowIfNull(presentParameters);
        if (presentParameters.Contains("flush") && presentParameters.Contains("policy"))
        {
            yield return "parameters are mutually exclusive: flush|policy";
        }
    }

    private sealed record Target(string Binary, string Table, string? Chain, List<string> Rule)
    {
        public string QuotedRule => string.Join(' ', Rule.Select(Sh.Quote));

        public IptablesCheckFact Check => new(Binary, Table, Chain!, QuotedRule);

        public IptablesChainFact ChainFact => new(Binary, Table, Chain ?? "INPUT");

        /// <summary>The filter table's INPUT chain (or the whole table for a flush): where SSH can be cut off.</summary>
        public bool Guarded => Table == "filter" && Chain is null or "INPUT";
    }

    private static Target TargetOf(ModuleArguments args) => new(
        args.GetString("ip_version") == "ipv6" ? "ip6tables" : "iptables",
        args.GetString("table") ?? "filter",
        args.GetString("chain"),
        IptablesRule.Build(args));

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        var target = TargetOf(args);
        var facts = new List<Fact>();
        if (args.GetBool("flush", false) || args.GetString("policy") is not null)
        {
            facts.Add(target.ChainFact);
        }
        else if (target.Chain is not null && target.Rule.Count > 0)
        {
            facts.Add(target.Check);
            facts.Add(target.ChainFact);
        }

        if (target.Guarded)
        {
            facts.Add(new SshAccessFact());
        }

        return facts;
    }

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        var target = TargetOf(args);
        var data = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["ip_version"] = args.GetString("ip_version") ?? "ipv4",
            ["table"] = target.Table,
            ["chain"] = target.Chain,
            ["flush"] = args.GetBool("flush", false),
            ["rule"] = string.Join(' ', target.Rule),
            ["state"] = args.GetString("state") ?? "present",
        };
        if (args.GetString("jump") is { } jump && jump != "LOG" && (args.Has("log_prefix") || args.Has("log_level")))
        {
            return new PlanFailure("Logging options can only be used with the LOG jump target.") { Data = data };
        }

        if (args.GetBool("flush", false))
        {
            return Flush(args, facts, target) with { Data = data };
        }

        if (target.Chain is null)
        {
            return new PlanFailure("Either chain or flush parameter must be specified.") { Data = data };
        }

        if (args.GetString("policy") is { } policy)
        {
            return Policy(args, facts, target, policy) with { Data = data };
        }

        if (target.Rule.Count == 0)
        {
            return new PlanFailure("no rule given (protocol, source, jump…): deleting a chain (chain_management) is not supported") { Data = data };
        }

        return Rule(args, facts, target) with { Data = data };
    }

    private static TaskPlan Rule(ModuleArguments args, IFactSource facts, Target target)
    {
        var check = facts.Get(target.Check);
        var wanted = args.GetString("state") != "absent";
        var command = Sh.Command([target.Binary, "-t", target.Table]);
        var chain = Sh.Quote(target.Chain!);
        if (check.Present == wanted)
        {
            return new NoChange($"rule {(wanted ? "present" : "absent")} in {target.Table} {target.Chain}: {string.Join(' ', target.Rule)}");
        }

        var before = facts.Get(target.ChainFact);
        var rules = before.Rules.Select(IptablesLockout.Words).ToList();
        string script, change;
        var line = $"-A {target.Chain} {string.Join(' ', target.Rule)}";
        if (!wanted)
        {
            script = $"{command} -D {chain} {target.QuotedRule}";
            change = $"rule removed from {target.Table} {target.Chain}: {string.Join(' ', target.Rule)}";
        }
        else if (args.GetString("action") == "insert")
        {
            var number = args.GetString("rule_num");
            script = $"{command} -I {chain} {(number is null ? "" : Sh.Quote(number) + " ")}{target.QuotedRule}";
            change = $"rule inserted in {target.Table} {target.Chain}{(number is null ? "" : " at " + number)}: {string.Join(' ', target.Rule)}";
            var at = number is not null && int.TryParse(number, System.Globalization.CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n - 1, 0, rules.Count) : 0;
            rules.Insert(at, target.Rule);
        }
        else
        {
            script = $"{command} -A {chain} {target.QuotedRule}";
            change = $"rule appended to {target.Table} {target.Chain}: {string.Join(' ', target.Rule)}";
            rules.Add(target.Rule);
        }

        if (wanted && target.Guarded && IptablesRule.Target(args) is "DROP" or "REJECT"
            && Refusal(facts, rules, before.Policy ?? "ACCEPT", args, change) is { } refusal)
        {
            return new PlanFailure(refusal);
        }

        var risky = target.Table == "filter" && (wanted ? IptablesRule.Target(args) is "DROP" or "REJECT" : true);
        var header = $"--- {target.Binary} -t {target.Table} -S {target.Chain}\n+++ {target.Binary} -t {target.Table} -S {target.Chain}\n";
        return Finish(args, target, change, $"PATH=\"$PATH:/usr/sbin:/sbin\"\n{script}\n", risky) with
        {
            DiffSource = () => header + (wanted ? "+" : "-") + line + "\n",
            Predicted = new Dictionary<Fact, object> { [target.Check] = check with { Present = wanted } },
        };
    }

    private static TaskPlan Policy(ModuleArguments args, IFactSource facts, Target target, string policy)
    {
        var chain = facts.Get(target.ChainFact);
        if (chain.Policy is not { } current)
        {
            return new PlanFailure($"Can't detect current policy of {target.Table} {target.Chain}{(chain.Error.Length > 0 ? ": " + chain.Error : " (not a built-in chain)")}");
        }

        if (current == policy)
        {
            return new NoChange($"{target.Table} {target.Chain} policy is {policy}");
        }

        var change = $"{target.Table} {target.Chain} policy {current} → {policy}";
        if (target.Guarded && Refusal(facts, chain.Rules.Select(IptablesLockout.Words).ToList(), policy, args, change) is { } refusal)
        {
            return new PlanFailure(refusal);
        }

        var script = $"PATH=\"$PATH:/usr/sbin:/sbin\"\n{Sh.Command([target.Binary, "-t", target.Table, "-P", target.Chain!, policy])}\n";
        return Finish(args, target, change, script, target.Table == "filter" && policy != "ACCEPT") with
        {
            DiffSource = () => $"--- {target.Binary} -t {target.Table} -S {target.Chain}\n+++ {target.Binary} -t {target.Table} -S {target.Chain}\n--P {target.Chain} {current}\n+-P {target.Chain} {policy}\n",
        };
    }

    private static TaskPlan Flush(ModuleArguments args, IFactSource facts, Target target)
    {
        // Ansible reports a flush as changed whatever the chain held.
        var input = facts.Get(target.ChainFact);
        var what = target.Chain is null ? $"table {target.Table}" : $"{target.Table} {target.Chain}";
        if (target.Guarded && Refusal(facts, [], input.Policy ?? "ACCEPT", args, $"flush of {what}") is { } refusal)
        {
            return new PlanFailure(refusal);
        }

        var command = new List<string> { target.Binary, "-t", target.Table, "-F" };
        if (target.Chain is not null)
        {
            command.Add(target.Chain);
        }

        return Finish(args, target, $"{what} flushed", $"PATH=\"$PATH:/usr/sbin:/sbin\"\n{Sh.Command(command)}\n", target.Table == "filter");
    }

    /// <summary>The refusal when the INPUT chain would no longer admit the controller's connection (and allow_lockout is not set).</summary>
    private static string? Refusal(IFactSource facts, IReadOnlyList<IReadOnlyList<string>> rules, string policy, ModuleArguments args, string change)
    {
        if (args.GetBool("allow_lockout", false))
        {
            return null;
        }

        var access = facts.Get(new SshAccessFact());
        return IptablesLockout.Blocks(rules, policy, access) is { } why
            ? $"refused: after {change}, the INPUT chain would not admit a new SSH connection like Fleet's ({access.Describe()}): {why}. "
              + "Accept SSH first (a rule with jump: ACCEPT for the port) or set allow_lockout: true."
            : null;
    }

    private static Change Finish(ModuleArguments args, Target target, string change, string script, bool risky)
    {
        var confirm = args.GetInt("confirm_timeout") is { } seconds && seconds > 0 ? TimeSpan.FromSeconds(seconds) : Verification.DefaultConfirmTimeout;
        var saved = $"/var/lib/fleet/{target.Binary}-{target.Table}.rollback";
        var save = $"set -e\nPATH=\"$PATH:/usr/sbin:/sbin\"\nmkdir -p /var/lib/fleet\n{target.Binary}-save -t {Sh.Quote(target.Table)} > {saved}\n";
        var rollback = $"set -e\nPATH=\"$PATH:/usr/sbin:/sbin\"\n{target.Binary}-restore -T {Sh.Quote(target.Table)} < {saved}\n";
        var verify = risky && target.Table == "filter"
            ? new Verification("a new SSH connection after the iptables change", null, NewConnection: true, rollback) { Save = save, ConfirmTimeout = confirm }
            : null;
        return new Change([change], script, [Subject.Firewall]) { Verify = verify };
    }
}
