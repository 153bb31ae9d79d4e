using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Fleet.Core.Facts;

namespace Fleet.Core.Modules.Ufw;

/// <summary>Whether a firewall state lets a new SSH connection in, and the rule (or default policy) that decides it.</summary>
/// <param name="Admitted">A new connection like the current one would be accepted.</param>
/// <param name="Reason">Why, naming the deciding rule or policy.</param>
/// <param name="Rule">The user rule that decides, or null when the default policy (or an inactive firewall) does.</param>
public sealed record UfwVerdict(bool Admitted, string Reason, UfwRule? Rule = null);

/// <summary>
/// ufw's evaluation of a new incoming TCP connection, as its chains do it: an inactive firewall admits everything; a connection over
/// loopback is accepted by ufw's before rules; otherwise the user rules of the connection's address family in order, the first match
/// deciding (allow and limit accept — limit only refuses the 7th connection within 30 s —, deny drops, reject refuses), and the default
/// incoming policy last. A rule that may or may not match (a source port, an application whose ports are unknown, an interface that
/// cannot be told) counts against the connection: a deny that may match blocks, an allow that may match does not admit.
/// </summary>
public static class UfwAdmission
{
    /// <summary>Linux's default ephemeral port range (<c>net.ipv4.ip_local_port_range</c>): a new connection's source port is in it.</summary>
    private const int EphemeralLow = 32768;
    private const int EphemeralHigh = 60999;

    private enum Match
    {
        No,
        Maybe,
        Yes,
    }

    /// <summary>Evaluates <paramref name="state"/> for a new connection from <paramref name="client"/> to <paramref name="server"/>:<paramref name="port"/>/tcp.</summary>
    /// <param name="state">The firewall state (usually as a plan predicts it after the task).</param>
    /// <param name="client">The controller's address as the host sees it.</param>
    /// <param name="server">The host's address the connection arrives at.</param>
    /// <param name="port">The host's TCP port.</param>
    /// <param name="interfaceName">The interface the connection arrives on, or null when unknown.</param>
    public static UfwVerdict Evaluate(UfwState state, IPAddress client, IPAddress server, int port, string? interfaceName)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(server);
        if (!state.Active)
        {
            return new(true, "the firewall is not active");
        }

        if (IPAddress.IsLoopback(client) || interfaceName == "lo")
        {
            return new(true, "ufw's before rules accept loopback");
        }

        var v6 = client.AddressFamily == AddressFamily.InterNetworkV6;
        if (v6 && !state.Ipv6)
        {
            return new(false, $"the connection is IPv6 and IPv6 is off in {UfwStateFact.DefaultsPath} (IPV6=no): ufw drops it");
        }

        var number = 0;
        foreach (var rule in state.Rules)
        {
            number++;
            if (rule.V6 != v6 || rule.Route || rule.Direction != "in")
            {
                continue;
            }

            var match = Matches(rule, state, client, server, port, interfaceName);
            var accepts = rule.Action is "allow" or "limit";
            var name = $"rule {number.ToString(CultureInfo.InvariantCulture)} '{rule.Describe()}'";
            switch (match)
            {
                case Match.Yes when accepts:
                    return new(true, $"{name} admits it", rule);
                case Match.Yes:
                    return new(false, $"{name} would block it", rule);
                case Match.Maybe when !accepts:
                    return new(false, $"{name} may block it (Fleet cannot tell whether it matches: {Uncertainty(rule, state, interfaceName)})", rule);
            }
        }

        return state.Incoming == "allow"
            ? new(true, "the default incoming policy allow admits it")
            : new(false, $"no rule admits it and the default incoming policy {state.Incoming} would block it");
    }

    private static Match Matches(UfwRule rule, UfwState state, IPAddress client, IPAddress server, int port, string? interfaceName)
    {
        if (rule.Protocol is not ("any" or "tcp") || !Contains(rule.FromIp, client) || !Contains(rule.ToIp, server))
        {
            return Match.No;
        }

        var result = Match.Yes;
        if (rule.InterfaceIn.Length > 0)
        {
            if (interfaceName is null)
            {
                result = Match.Maybe;
            }
            else if (!InterfaceMatches(rule.InterfaceIn, interfaceName))
            {
                return Match.No;
            }
        }

        var to = rule.ToApp.Length > 0 ? AppMatch(state, rule.ToApp, port) : PortMatch(rule.ToPort, port);
        var from = rule.FromApp.Length > 0 ? Match.Maybe : SourcePortMatch(rule.FromPort);
        return (Match)Math.Min((int)result, Math.Min((int)to, (int)from));
    }

    private static string Uncertainty(UfwRule rule, UfwState state, string? interfaceName) =>
        rule.InterfaceIn.Length > 0 && interfaceName is null ? $"the interface of the connection is unknown, the rule is on {rule.InterfaceIn}"
        : rule.ToApp.Length > 0 && state.AppPorts?.ContainsKey(rule.ToApp) != true ? $"application profile '{rule.ToApp}' is not on the host"
        : "a source port or application decides, and a new connection's source port is random";

    /// <summary>ufw's interface names may end in a <c>+</c> wildcard (iptables' own).</summary>
    private static bool InterfaceMatches(string pattern, string name) =>
        pattern.EndsWith('+') ? name.StartsWith(pattern[..^1], StringComparison.Ordinal) : pattern == name;

    private static Match PortMatch(string ports, int port)
    {
        if (ports == "any")
        {
            return Match.Yes;
        }

        foreach (var part in ports.Split(','))
        {
            var bounds = part.Split(':');
            if (!int.TryParse(bounds[0], CultureInfo.InvariantCulture, out var low))
            {
                return Match.Maybe;
            }

            var high = bounds.Length > 1 && int.TryParse(bounds[1], CultureInfo.InvariantCulture, out var h) ? h : low;
            if (port >= low && port <= high)
            {
                return Match.Yes;
            }
        }

        return Match.No;
    }

    /// <summary>A source-port rule matches a new connection only when it covers the whole ephemeral range; partly, it may.</summary>
    private static Match SourcePortMatch(string ports)
    {
        if (ports == "any")
        {
            return Match.Yes;
        }

        var covered = new List<(int Low, int High)>();
        foreach (var part in ports.Split(','))
        {
            var bounds = part.Split(':');
            if (!int.TryParse(bounds[0], CultureInfo.InvariantCulture, out var low))
            {
                return Match.Maybe;
            }

            covered.Add((low, bounds.Length > 1 && int.TryParse(bounds[1], CultureInfo.InvariantCulture, out var h) ? h : low));
        }

        if (covered.Any(c => c.Low <= EphemeralLow && c.High >= EphemeralHigh))
        {
            return Match.Yes;
        }

        return covered.Any(c => c.High >= EphemeralLow && c.Low <= EphemeralHigh) ? Match.Maybe : Match.No;
    }

    /// <summary>An application rule's ports from its profile (<c>22/tcp</c>, <c>80,443/tcp|53/udp</c>); unknown profiles may match.</summary>
    private static Match AppMatch(UfwState state, string app, int port)
    {
        if (state.AppPorts?.TryGetValue(app, out var spec) != true || spec is null)
        {
            return Match.Maybe;
        }

        foreach (var entry in spec.Split('|'))
        {
            var parts = entry.Split('/');
            if (parts.Length > 1 && parts[1] != "tcp")
            {
                continue;
            }

            if (PortMatch(parts[0], port) != Match.No)
            {
                return PortMatch(parts[0], port);
            }
        }

        return Match.No;
    }

    /// <summary>Whether an address in ufw's normal form (<c>10.0.0.0/8</c>, <c>10.0.0.1</c>, <c>::/0</c>, <c>10.0.0.0/255.0.255.0</c>) holds <paramref name="address"/>.</summary>
    public static bool Contains(string network, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(address);
        var parts = network.Split('/');
        if (!IPAddress.TryParse(parts[0], out var net) || net.AddressFamily != address.AddressFamily)
        {
            return false;
        }

        var a = address.GetAddressBytes();
        var n = net.GetAddressBytes();
        byte[] mask;
        if (parts.Length == 1)
        {
            mask = Enumerable.Repeat((byte)0xff, a.Length).ToArray();
        }
        else if (IPAddress.TryParse(parts[1], out var dotted) && parts[1].Contains('.', StringComparison.Ordinal))
        {
            mask = dotted.GetAddressBytes();
        }
        else if (int.TryParse(parts[1], CultureInfo.InvariantCulture, out var prefix))
        {
            mask = new byte[a.Length];
            for (var i = 0; i < a.Length; i++)
            {
                var bits = Math.Clamp(prefix - (i * 8), 0, 8);
                mask[i] = (byte)(0xff << (8 - bits));
            }
        }
        else
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if ((a[i] & mask[i]) != (n[i] & mask[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The refusal for a plan whose resulting firewall would not admit the controller's connection, or null when it would (or
    /// <paramref name="allowLockout"/> is set). A connection Fleet cannot see is refused too: the rail must not fail open.
    /// </summary>
    public static string? Refusal(UfwState after, SshAccess access, bool allowLockout, string what)
    {
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(access);
        if (allowLockout || !after.Active)
        {
            return null;
        }

        if (access.Client is not { } client || access.Server is not { } server)
        {
            return $"refused: {what} turns on filtering, and Fleet cannot tell where this SSH connection comes from (no SSH_CONNECTION on the host); "
                + "set allow_lockout: true to do it anyway (dangerous: it may lock you out)";
        }

        var verdict = Evaluate(after, client, server, access.Port, access.ServerInterface);
        return verdict.Admitted
            ? null
            : $"refused: {what} would lock Fleet out: for this SSH connection ({access.Describe()}) {verdict.Reason}. "
                + $"Allow it first (ufw: {{ rule: allow, port: \"{access.Port.ToString(CultureInfo.InvariantCulture)}\", proto: tcp }}), "
                + "or set allow_lockout: true (dangerous: it may lock you out)";
    }
}
