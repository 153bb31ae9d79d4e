using System.Net;
using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Iptables;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>iptables planned from fixed facts: Ansible's rule words, -C idempotency, policy, flush, and the SSH guard.</summary>
public sealed class IptablesModuleTests
{
    private static readonly SshAccess Connection = new(IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.10"), 22, [22], [("eth0", IPAddress.Parse("10.0.0.10"))], [], []);

    private static readonly ModuleContext Context = new("h", false, "/");

    /// <summary>Facts as a host would report them: whether -C finds the rule, and the chain's policy and rules.</summary>
    private static FactCache Facts(ModuleArguments args, bool present, string policy = "ACCEPT", params string[] rules)
    {
        var cache = new FactCache();
        foreach (var fact in new IptablesModule().Facts(args, Context))
        {
            cache.Set(fact, fact switch
            {
                IptablesCheckFact => new IptablesCheck(present, present ? "" : "iptables: Bad rule (does a matching rule exist in that chain?)."),
                IptablesChainFact c => new IptablesChain(true, policy, rules.Select(r => $"-A {c.Chain} {r}").ToList(), ""),
                SshAccessFact => Connection,
                _ => throw new InvalidOperationException(fact.ToString()),
            });
        }

        return cache;
    }

    private static TaskPlan Plan(bool present, ModuleArguments args, string policy = "ACCEPT", params string[] rules) =>
        new IptablesModule().Plan(args, Facts(args, present, policy, rules), Context);

    [Fact]
    public void Rule_WordsInAnsiblesOrder_ForTheResultAndForIptablesC()
    {
        var args = Args(("chain", "INPUT"), ("protocol", "tcp"), ("source", "!10.1.0.0/16"), ("destination_port", "8080"), ("ctstate", (IReadOnlyList<string>)["NEW", "ESTABLISHED"]),
            ("jump", "ACCEPT"), ("comment", "web"), ("in_interface", "eth0"), ("limit", "5/sec"), ("match", (IReadOnlyList<string>)["tcp"]));

        var plan = Assert.IsType<Change>(Plan(false, args));

        Assert.Equal("-p tcp ! -s 10.1.0.0/16 -m tcp -j ACCEPT -i eth0 --destination-port 8080 -m conntrack --ctstate NEW,ESTABLISHED -m limit --limit 5/sec -m comment --comment web", plan.Data["rule"]);
        Assert.Contains("iptables -t filter -A INPUT -p tcp '!' -s 10.1.0.0/16 -m tcp -j ACCEPT -i eth0 --destination-port 8080", plan.Script, StringComparison.Ordinal);
        Assert.Null(plan.Verify); // an ACCEPT cannot shut anyone out
        var check = Assert.Single(new IptablesModule().Facts(args, Context).OfType<IptablesCheckFact>());
        Assert.StartsWith("PATH=", check.Command, StringComparison.Ordinal);
        Assert.Contains("iptables -t filter -C INPUT -p tcp '!' -s", check.Command, StringComparison.Ordinal);
    }

    [Fact]
    public void Rule_PresentWhenCFindsIt_IsNoChange_AbsentWhenItDoesNot()
    {
        var args = Args(("chain", "INPUT"), ("protocol", "tcp"), ("destination_port", "8080"), ("jump", "DROP"));

        Assert.IsType<NoChange>(Plan(true, args));
        Assert.IsType<NoChange>(Plan(false, Args(("chain", "INPUT"), ("protocol", "tcp"), ("destination_port", "8080"), ("jump", "DROP"), ("state", "absent"))));
    }

    [Fact]
    public void Rule_Removal_DeletesWithTheSameWords_AndIsVerifiedWithAFreshConnection()
    {
        var plan = Assert.IsType<Change>(Plan(true, Args(("chain", "INPUT"), ("protocol", "tcp"), ("destination_port", "22"), ("jump", "ACCEPT"), ("state", "absent"))));

        Assert.Contains("iptables -t filter -D INPUT -p tcp -j ACCEPT --destination-port 22", plan.Script, StringComparison.Ordinal);
        Assert.True(plan.Verify!.NewConnection);
        Assert.Contains("iptables-restore -T filter", plan.Verify.Rollback, StringComparison.Ordinal);
        Assert.Contains("iptables-save -t filter", plan.Verify.Save, StringComparison.Ordinal);
        Assert.Contains("--A INPUT -p tcp -j ACCEPT --destination-port 22", plan.Diff, StringComparison.Ordinal);
    }

    [Fact]
    public void Insert_AtRuleNum_AndIpv6UsesIp6tablesAndIcmpv6()
    {
        var plan = Assert.IsType<Change>(Plan(false, Args(("chain", "INPUT"), ("action", "insert"), ("rule_num", "3"), ("ip_version", "ipv6"), ("protocol", "ipv6-icmp"), ("icmp_type", "128"), ("jump", "ACCEPT"))));

        Assert.Contains("ip6tables -t filter -I INPUT 3 -p ipv6-icmp -j ACCEPT --icmpv6-type 128", plan.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void DropCoveringTheSshConnection_IsRefused_UnlessAllowLockout()
    {
        var drop = Args(("chain", "INPUT"), ("protocol", "tcp"), ("destination_port", "22"), ("jump", "DROP"));

        var refused = Assert.IsType<PlanFailure>(Plan(false, drop));
        var allowed = Plan(false, Args(("chain", "INPUT"), ("protocol", "tcp"), ("destination_port", "22"), ("jump", "DROP"), ("allow_lockout", true)));

        Assert.Contains("10.0.0.1 → 10.0.0.10 port 22/tcp", refused.Message, StringComparison.Ordinal);
        Assert.Contains("would block it", refused.Message, StringComparison.Ordinal);
        Assert.True(Assert.IsType<Change>(allowed).Verify!.NewConnection);
    }

    [Theory]
    [InlineData("destination_port", "8080")] // another port
    [InlineData("source", "192.168.0.0/16")] // another network
    [InlineData("protocol", "udp")]
    [InlineData("in_interface", "eth1")]
    public void DropNotCoveringTheConnection_IsAllowed_WithAFreshConnectionCheck(string key, string value)
    {
        var plan = Assert.IsType<Change>(Plan(false, Args(("chain", "INPUT"), (key, value), ("jump", "DROP"))));

        Assert.True(plan.Verify!.NewConnection);
        Assert.Equal(TimeSpan.FromSeconds(60), plan.Verify.ConfirmTimeout);
    }

    [Fact]
    public void DropAllAppendedAfterAnSshAccept_IsAllowed_InsertedBeforeIt_IsRefused()
    {
        string[] rules = ["-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT", "-p tcp -m tcp --dport 22 -j ACCEPT"];

        Assert.IsType<Change>(Plan(false, Args(("chain", "INPUT"), ("jump", "DROP")), "ACCEPT", rules));
        Assert.IsType<PlanFailure>(Plan(false, Args(("chain", "INPUT"), ("jump", "DROP"), ("action", "insert")), "ACCEPT", rules));
        Assert.IsType<PlanFailure>(Plan(false, Args(("chain", "INPUT"), ("reject_with", "tcp-reset"), ("action", "insert")), "ACCEPT", rules));
    }

    [Fact]
    public void PolicyDrop_RefusedWithoutAnSshAccept_AllowedWithOne_NoChangeWhenEqual()
    {
        var drop = Args(("chain", "INPUT"), ("policy", "DROP"));

        Assert.Contains("policy DROP", Assert.IsType<PlanFailure>(Plan(false, drop, "ACCEPT", "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT")).Message, StringComparison.Ordinal);
        var change = Assert.IsType<Change>(Plan(false, drop, "ACCEPT", "-p tcp -m multiport --dports 80,20:30 -j ACCEPT"));
        Assert.Contains("iptables -t filter -P INPUT DROP", change.Script, StringComparison.Ordinal);
        Assert.Contains("+-P INPUT DROP", change.Diff, StringComparison.Ordinal);
        Assert.IsType<NoChange>(Plan(false, drop, "DROP"));
    }

    [Fact]
    public void Flush_AlwaysChanges_AndIsRefusedWhenThePolicyDrops()
    {
        Assert.IsType<Change>(Plan(false, Args(("chain", "FORWARD"), ("flush", true))));
        Assert.IsType<PlanFailure>(Plan(false, Args(("chain", "INPUT"), ("flush", true)), "DROP", "-p tcp --dport 22 -j ACCEPT"));
        Assert.Contains("iptables -t nat -F", Assert.IsType<Change>(Plan(false, Args(("table", "nat"), ("flush", true)))).Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Ansible_sOwnErrors_NoChainAndLogOptionsWithAnotherTarget()
    {
        Assert.Equal("Either chain or flush parameter must be specified.", Assert.IsType<PlanFailure>(Plan(false, Args(("protocol", "tcp"), ("jump", "ACCEPT")))).Message);
        Assert.Equal("Logging options can only be used with the LOG jump target.", Assert.IsType<PlanFailure>(Plan(false, Args(("chain", "INPUT"), ("jump", "DROP"), ("log_prefix", "x")))).Message);
        Assert.Contains("-j LOG --log-prefix 'dropped: '", Assert.IsType<Change>(Plan(false, Args(("chain", "OUTPUT"), ("log_prefix", "dropped: ")))).Script, StringComparison.Ordinal);
        Assert.Equal(["parameters are mutually exclusive: flush|policy"], new IptablesModule().CheckCombination(new HashSet<string> { "flush", "policy" }));
    }

    [Fact]
    public void ShellInjection_InEveryStringParameter_IsQuotedWordForWord()
    {
        const string evil = "x';touch /tmp/fleet-ipt-pwned;'$(touch /tmp/fleet-ipt-pwned)`id`";
        var args = Args(("chain", evil), ("table", "filter"), ("protocol", evil), ("source", evil), ("destination", evil), ("match", (IReadOnlyList<string>)[evil]),
            ("jump", "LOG"), ("goto", evil), ("in_interface", evil), ("out_interface", evil), ("source_port", evil), ("destination_port", evil),
            ("destination_ports", (IReadOnlyList<string>)[evil]), ("ctstate", (IReadOnlyList<string>)[evil]), ("comment", evil), ("limit", evil), ("limit_burst", evil),
            ("reject_with", evil), ("icmp_type", evil), ("log_prefix", evil), ("wait", evil), ("rule_num", evil), ("action", "insert"));

        var plan = Assert.IsType<Change>(Plan(false, args));
        var check = new IptablesModule().Facts(args, Context).OfType<IptablesCheckFact>().Single();

        // sh parses each into words: the evil value stays one word (echo prints it back), nothing runs.
        var words = Sh(plan.Script.Replace("iptables -t", "printf '%s\\n' iptables -t", StringComparison.Ordinal)).Stdout.Split('\n');
        Assert.Equal(20, words.Count(w => w == evil)); // chain, rule_num, wait and the 17 rule parameters, each one word
        Assert.Contains(Fleet.Core.Remote.Sh.Quote(evil), check.Command, StringComparison.Ordinal);
        Assert.False(File.Exists("/tmp/fleet-ipt-pwned"));
    }
}
