using System.Globalization;
using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Iptables;

/// <summary>Whether <c>iptables -C</c> finds a rule, and what it said when it did not.</summary>
/// <param name="Present">-C exited 0.</param>
/// <param name="Error">iptables' message when -C failed (a missing chain, a bad rule), or empty.</param>
public sealed record IptablesCheck(bool Present, string Error);

/// <summary>
/// Runs <c>iptables -t TABLE -C CHAIN RULE</c> for one rule, as Ansible's module does to decide whether the rule is there. A loop's
/// rules are one fact each, all read in the task's one batched round trip.
/// </summary>
/// <param name="Binary">iptables or ip6tables.</param>
/// <param name="Table">The table.</param>
/// <param name="Chain">The chain.</param>
/// <param name="Rule">The rule's words, already quoted for sh (a string, so that equal rules are one fact).</param>
public sealed record IptablesCheckFact(string Binary, string Table, string Chain, string Rule) : Fact<IptablesCheck>
{
    /// <inheritdoc />
    public override string Description => $"{Binary} -t {Table} -C {Chain} {Rule}";

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Firewall];

    /// <inheritdoc />
    public override string Command =>
        $"PATH=\"$PATH:/usr/sbin:/sbin\"\nerr=$({Binary} -t {Sh.Quote(Table)} -C {Sh.Quote(Chain)} {Rule} 2>&1 >/dev/null)\necho \"rc $?\"\nprintf '%s\\n' \"$err\"";

    /// <inheritdoc />
    public override IptablesCheck Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = stdout.Split('\n');
        if (!lines[0].StartsWith("rc ", StringComparison.Ordinal))
        {
            throw new FormatException($"unexpected output of iptables -C: {lines[0]}");
        }

        return new IptablesCheck(lines[0] == "rc 0", string.Join('\n', lines.Skip(1)).Trim());
    }
}

/// <summary>A chain as <c>iptables -S CHAIN</c> prints it: its policy (built-in chains) and its rules.</summary>
/// <param name="Exists">The chain exists in the table.</param>
/// <param name="Policy">ACCEPT, DROP… for a built-in chain, else null.</param>
/// <param name="Rules">The <c>-A CHAIN …</c> lines, in order.</param>
/// <param name="Error">iptables' message when the chain could not be read, or empty.</param>
public sealed record IptablesChain(bool Exists, string? Policy, IReadOnlyList<string> Rules, string Error);

/// <summary>Reads one chain with <c>iptables -t TABLE -S CHAIN</c>: the policy the <c>policy</c> parameter compares, the rules a diff and the SSH guard read.</summary>
/// <param name="Binary">iptables or ip6tables.</param>
/// <param name="Table">The table.</param>
/// <param name="Chain">The chain.</param>
public sealed record IptablesChainFact(string Binary, string Table, string Chain) : Fact<IptablesChain>
{
    /// <inheritdoc />
    public override string Description => $"{Binary} -t {Table} -S {Chain}";

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Firewall];

    /// <inheritdoc />
    public override string Command =>
        $"PATH=\"$PATH:/usr/sbin:/sbin\"\nout=$({Binary} -t {Sh.Quote(Table)} -S {Sh.Quote(Chain)} 2>&1)\necho \"rc $?\"\nprintf '%s\\n' \"$out\"";

    /// <inheritdoc />
    public override IptablesChain Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = stdout.Split('\n');
        if (!lines[0].StartsWith("rc ", StringComparison.Ordinal))
        {
            throw new FormatException($"unexpected output of iptables -S: {lines[0]}");
        }

        var body = lines.Skip(1).Where(l => l.Length > 0).ToList();
        if (lines[0] != "rc 0")
        {
            return new IptablesChain(false, null, [], string.Join('\n', body).Trim());
        }

        var policy = body.Select(l => l.Split(' ')).FirstOrDefault(w => w is ["-P", _, _] && w[1] == Chain)?[2];
        var prefix = string.Create(CultureInfo.InvariantCulture, $"-A {Chain} ");
        return new IptablesChain(true, policy, body.Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).ToList(), "");
    }
}
