namespace Fleet.Core.Modules.Iptables;

/// <summary>
/// The words of an iptables rule as Ansible's <c>iptables</c> module builds them (<c>construct_rule</c>), in the same order, so that
/// <c>iptables -C</c> finds the rule Ansible would have added and the result's <c>rule</c> reads the same.
/// </summary>
public static class IptablesRule
{
    /// <summary>The rule's words (without table, action and chain); empty when the task names no match and no target.</summary>
    public static List<string> Build(ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var rule = new List<string>();
        var match = args.GetList("match") ?? [];
        var v6 = args.GetString("ip_version") == "ipv6";
        var jump = Jump(args);
        if (args.GetString("wait") is { } wait)
        {
            rule.AddRange(["-w", wait]);
        }

        Param(rule, args.GetString("protocol"), "-p");
        Param(rule, args.GetString("source"), "-s");
        Param(rule, args.GetString("destination"), "-d");
        foreach (var m in match)
        {
            Param(rule, m, "-m");
        }

        Param(rule, jump, "-j");
        Param(rule, args.GetString("log_prefix"), "--log-prefix");
        Param(rule, args.GetString("log_level"), "--log-level");
        if (args.GetList("destination_ports") is { Count: > 0 } ports)
        {
            rule.AddRange(["-m", "multiport", "--dports", string.Join(',', ports)]);
        }

        Param(rule, args.GetString("goto"), "-g");
        Param(rule, args.GetString("in_interface"), "-i");
        Param(rule, args.GetString("out_interface"), "-o");
        Param(rule, args.GetString("source_port"), "--source-port");
        Param(rule, args.GetString("destination_port"), "--destination-port");
        switch (args.GetString("syn"))
        {
            case "match":
                rule.Add("--syn");
                break;
            case "negate":
                rule.AddRange(["!", "--syn"]);
                break;
        }

        if (args.GetList("ctstate") is { Count: > 0 } states)
        {
            if (match.Contains("conntrack"))
            {
                rule.AddRange(["--ctstate", string.Join(',', states)]);
            }
            else if (match.Contains("state"))
            {
                rule.AddRange(["--state", string.Join(',', states)]);
            }
            else
            {
                rule.AddRange(["-m", "conntrack", "--ctstate", string.Join(',', states)]);
            }
        }

        var limit = args.GetString("limit");
        var burst = args.GetString("limit_burst");
        if (limit is not null || burst is not null)
        {
            rule.AddRange(["-m", "limit"]);
        }

        Param(rule, limit, "--limit");
        Param(rule, burst, "--limit-burst");
        if (args.GetString("jump") is null && args.GetString("reject_with") is not null)
        {
            rule.AddRange(["-j", "REJECT"]);
        }

        Param(rule, args.GetString("reject_with"), "--reject-with");
        Param(rule, args.GetString("icmp_type"), v6 ? "--icmpv6-type" : "--icmp-type");
        if (args.GetString("comment") is { } comment)
        {
            rule.AddRange(["-m", "comment", "--comment", comment]);
        }

        return rule;
    }

    /// <summary>The target: <c>jump</c>, or LOG when only logging options are given (as Ansible).</summary>
    public static string? Jump(ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var jump = args.GetString("jump");
        return jump is null && (args.GetString("log_prefix") is not null || args.GetString("log_level") is not null) ? "LOG" : jump;
    }

    /// <summary>The target the rule ends in for packets it matches (<c>jump</c>, REJECT implied by <c>reject_with</c>), or null.</summary>
    public static string? Target(ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return Jump(args) ?? (args.GetString("reject_with") is not null ? "REJECT" : null);
    }

    /// <summary>Ansible's negation: a value starting with '!' becomes <c>! FLAG rest</c>.</summary>
    private static void Param(List<string> rule, string? value, string flag)
    {
        if (value is null)
        {
            return;
        }

        if (value.StartsWith('!'))
        {
            rule.AddRange(["!", flag, value[1..]]);
        }
        else
        {
            rule.AddRange([flag, value]);
        }
    }
}
