using System.Globalization;
using System.Net;
using Fleet.Core.Facts;

namespace Fleet.Core.Modules.Iptables;

/// <summary>
/// Whether an INPUT chain of the filter table admits a new SSH connection like the controller's: the rules in order (in
/// <c>iptables -S</c> words, which is also how a task's rule is built), the first that surely matches deciding (ACCEPT admits,
/// DROP and REJECT block), a DROP or REJECT that may match counting as blocking, and the chain's policy last. A match Fleet cannot
/// evaluate (an unknown module, a rate limit, a host name) counts as "may match". Other targets (LOG, user chains) are passed over.
/// </summary>
public static class IptablesLockout
{
    private enum Match
    {
        No,
        Maybe,
        Yes,
    }

    /// <summary>The reason a new connection would be refused, or null when it would be admitted (or the connection is unknown).</summary>
    /// <param name="rules">The chain's rules in order, each as its words (without <c>-A CHAIN</c>).</param>
    /// <param name="policy">The chain's policy.</param>
    /// <param name="access">The current connection.</param>
    public static string? Blocks(IReadOnlyList<IReadOnlyList<string>> rules, string policy, SshAccess access)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(access);
        if (access.Client is null || access.Server is null || IPAddress.IsLoopback(access.Client))
        {
            return null;
        }

        for (var i = 0; i < rules.Count; i++)
        {
            var (match, target) = Evaluate(rules[i], access);
            var name = $"rule {(i + 1).ToString(CultureInfo.InvariantCulture)} '{string.Join(' ', rules[i])}'";
            switch (target)
            {
                case "ACCEPT" when match == Match.Yes:
                    return null;
                case "DROP" or "REJECT" when match == Match.Yes:
                    return $"{name} would block it";
                case "DROP" or "REJECT" when match == Match.Maybe:
                    return $"{name} may block it (Fleet cannot tell whether it matches)";
            }
        }

        return policy is "DROP" or "QUEUE" ? $"the chain's policy {policy} would drop it (no earlier rule surely accepts it)" : null;
    }

    /// <summary>Splits an <c>iptables -S</c> line into words, honouring its double quotes (comments), without <c>-A CHAIN</c>.</summary>
    public static IReadOnlyList<string> Words(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        var any = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\\' && quoted && i + 1 < line.Length)
            {
                current.Append(line[++i]);
            }
            else if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (any || current.Length > 0)
                {
                    words.Add(current.ToString());
                }

                current.Clear();
                any = false;
            }
            else
            {
                current.Append(c);
            }
        }

        if (any || current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words is ["-A", _, .. var rest] ? rest : words;
    }

    private static (Match Match, string? Target) Evaluate(IReadOnlyList<string> words, SshAccess access)
    {
        var result = Match.Yes;
        string? target = null;
        var negate = false;
        void And(Match m) => result = (Match)Math.Min((int)result, (int)(negate ? Negate(m) : m));
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            var value = i + 1 < words.Count ? words[i + 1] : "";
            switch (word)
            {
                case "!":
                    negate = true;
                    continue;
                case "-j" or "--jump":
                    target = value;
                    i++;
                    break;
                case "-g" or "--goto" or "-w" or "--wait" or "--comment" or "--log-prefix" or "--log-level" or "--reject-with":
                    i++;
                    break;
                case "-m" or "--match":
                    And(value is "tcp" or "multiport" or "conntrack" or "state" or "comment" or "icmp" or "udp" ? Match.Yes : Match.Maybe);
                    i++;
                    break;
                case "-p" or "--protocol":
                    And(value.ToLowerInvariant() is "tcp" or "6" or "all" or "0" ? Match.Yes : Match.No);
                    i++;
                    break;
                case "-s" or "--source":
                    And(Contains(value, access.Client!));
                    i++;
                    break;
                case "-d" or "--destination":
                    And(Contains(value, access.Server!));
                    i++;
                    break;
                case "-i" or "--in-interface":
                    And(access.ServerInterface is not { } name ? Match.Maybe
                        : value.EndsWith('+') ? (name.StartsWith(value[..^1], StringComparison.Ordinal) ? Match.Yes : Match.No)
                        : value == name ? Match.Yes : Match.No);
                    i++;
                    break;
                case "-o" or "--out-interface":
                    And(Match.No);
                    i++;
                    break;
                case "--dport" or "--destination-port" or "--dports" or "--destination-ports":
                    And(value.Split(',').Any(p => InRange(p, access.Port)) ? Match.Yes : Match.No);
                    i++;
                    break;
                case "--ctstate" or "--state":
                    And(value.Split(',').Contains("NEW", StringComparer.OrdinalIgnoreCase) ? Match.Yes : Match.No);
                    i++;
                    break;
                case "--syn":
                    And(Match.Yes);
                    break;
                case "--icmp-type" or "--icmpv6-type":
                    And(Match.No);
                    i++;
                    break;
                default:
                    // A source port, a rate limit, an option of an unknown match: Fleet cannot tell.
                    And(Match.Maybe);
                    if (word.StartsWith('-') && i + 1 < words.Count && !words[i + 1].StartsWith('-'))
                    {
                        i++;
                    }

                    break;
            }

            negate = false;
        }

        return (result, target);
    }

    private static Match Negate(Match m) => m switch { Match.Yes => Match.No, Match.No => Match.Yes, _ => Match.Maybe };

    private static bool InRange(string port, int value)
    {
        var parts = port.Split(':');
        bool Parse(string s, out int n) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out n);
        return parts switch
        {
            [var one] => Parse(one, out var n) && n == value,
            [var low, var high] => (low.Length == 0 || (Parse(low, out var l) && l <= value)) && (high.Length == 0 || (Parse(high, out var h) && value <= h)),
            _ => false,
        };
    }

    private static Match Contains(string network, IPAddress address)
    {
        var parts = network.Split('/');
        if (!IPAddress.TryParse(parts[0], out var net))
        {
            return Match.Maybe;
        }

        if (net.AddressFamily != address.AddressFamily)
        {
            return Match.No;
        }

        var bits = net.GetAddressBytes().Length * 8;
        if (parts.Length == 2)
        {
            if (int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                bits = length;
            }
            else if (IPAddress.TryParse(parts[1], out var mask))
            {
                bits = mask.GetAddressBytes().Sum(b => System.Numerics.BitOperations.PopCount(b));
            }
            else
            {
                return Match.Maybe;
            }
        }

        var a = net.GetAddressBytes();
        var b = address.GetAddressBytes();
        for (var i = 0; i < bits; i++)
        {
            var bit = 0x80 >> (i % 8);
            if ((a[i / 8] & bit) != (b[i / 8] & bit))
            {
                return Match.No;
            }
        }

        return Match.Yes;
    }
}
