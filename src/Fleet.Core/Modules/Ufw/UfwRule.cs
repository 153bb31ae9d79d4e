using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fleet.Core.Modules.Ufw;

/// <summary>
/// One ufw rule as ufw stores it in the <c>### tuple ###</c> lines of <c>/etc/ufw/user.rules</c> (IPv4) and <c>user6.rules</c>
/// (IPv6): addresses normalised (<c>0.0.0.0/0</c> or <c>::/0</c> for anywhere), ports <c>any</c> or sorted, the comment as text.
/// A rule's identity is everything but <see cref="Action"/>, <see cref="Log"/> and <see cref="Comment"/>, as in ufw's own
/// <c>UFWRule.match</c>: adding a rule whose identity exists replaces that rule in place.
/// </summary>
/// <param name="Action">allow, deny, reject or limit.</param>
/// <param name="Log">Empty, <c>log</c> or <c>log-all</c>.</param>
/// <param name="Route">A routed (FORWARD) rule.</param>
/// <param name="Protocol">any, tcp, udp, …</param>
/// <param name="ToPort">Destination port(s): <c>any</c>, <c>22</c>, <c>80,443</c>, <c>6000:6010</c>.</param>
/// <param name="ToIp">Destination address in ufw's normal form.</param>
/// <param name="FromPort">Source port(s).</param>
/// <param name="FromIp">Source address in ufw's normal form.</param>
/// <param name="ToApp">Destination application profile name, or empty.</param>
/// <param name="FromApp">Source application profile name, or empty.</param>
/// <param name="Direction">in or out.</param>
/// <param name="InterfaceIn">Input interface, or empty.</param>
/// <param name="InterfaceOut">Output interface, or empty.</param>
/// <param name="Comment">The comment as text (ufw stores it hex-encoded), or empty.</param>
/// <param name="V6">The rule is in <c>user6.rules</c>.</param>
public sealed record UfwRule(
    string Action,
    string Log,
    bool Route,
    string Protocol,
    string ToPort,
    string ToIp,
    string FromPort,
    string FromIp,
    string ToApp,
    string FromApp,
    string Direction,
    string InterfaceIn,
    string InterfaceOut,
    string Comment,
    bool V6)
{
    /// <summary>Anywhere, for IPv4 or IPv6.</summary>
    public static string Anywhere(bool v6) => v6 ? "::/0" : "0.0.0.0/0";

    /// <summary>
    /// True when both rules are the same rule for ufw (same traffic, any action): an application rule is identified by its
    /// application, addresses, direction and interfaces (its ports come from the profile).
    /// </summary>
    public bool SameTarget(UfwRule other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var common = Route == other.Route && V6 == other.V6 && ToIp == other.ToIp && FromIp == other.FromIp
            && ToApp == other.ToApp && FromApp == other.FromApp && Direction == other.Direction
            && InterfaceIn == other.InterfaceIn && InterfaceOut == other.InterfaceOut;
        if (!common)
        {
            return false;
        }

        var toPortMatters = ToApp.Length == 0;
        var fromPortMatters = FromApp.Length == 0;
        return (!toPortMatters || ToPort == other.ToPort)
            && (!fromPortMatters || FromPort == other.FromPort)
            && (ToApp.Length > 0 || FromApp.Length > 0 || Protocol == other.Protocol);
    }

    /// <summary>The rule in ufw's own command syntax, for reports and diffs: <c>allow in proto tcp from any to any port 22</c>.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        if (Route)
        {
            text.Append("route ");
        }

        text.Append(Action);
        if (InterfaceIn.Length > 0 && InterfaceOut.Length > 0)
        {
            text.Append(" in on ").Append(InterfaceIn).Append(" out on ").Append(InterfaceOut);
        }
        else
        {
            text.Append(' ').Append(Direction);
            var iface = InterfaceIn.Length > 0 ? InterfaceIn : InterfaceOut;
            if (iface.Length > 0)
            {
                text.Append(" on ").Append(iface);
            }
        }

        if (Log.Length > 0)
        {
            text.Append(' ').Append(Log);
        }

        if (Protocol != "any" && ToApp.Length == 0 && FromApp.Length == 0)
        {
            text.Append(" proto ").Append(Protocol);
        }

        text.Append(" from ").Append(FromIp == Anywhere(V6) ? "any" : FromIp);
        AppendPort(text, FromPort, FromApp);
        text.Append(" to ").Append(ToIp == Anywhere(V6) ? "any" : ToIp);
        AppendPort(text, ToPort, ToApp);
        if (Comment.Length > 0)
        {
            text.Append(" comment '").Append(Comment).Append('\'');
        }

        return V6 ? text.Append(" (v6)").ToString() : text.ToString();
    }

    private static void AppendPort(StringBuilder text, string port, string app)
    {
        if (app.Length > 0)
        {
            text.Append(" app '").Append(app).Append('\'');
        }
        else if (port != "any")
        {
            text.Append(" port ").Append(port);
        }
    }

    /// <summary>
    /// Parses one <c>### tuple ###</c> line as ufw's <c>_read_rules</c> does:
    /// <c>ACTION PROTO DPORT DST SPORT SRC [DAPP SAPP] DIRECTION[_IFACE] [comment=HEX]</c>, where ACTION may be
    /// <c>route:allow_log</c>. Null for a line ufw itself would skip as malformed.
    /// </summary>
    public static UfwRule? ParseTuple(string line, bool v6)
    {
        ArgumentNullException.ThrowIfNull(line);
        const string prefix = "### tuple ###";
        if (!line.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var body = line[prefix.Length..];
        var comment = "";
        var commentAt = body.IndexOf(" comment=", StringComparison.Ordinal);
        if (commentAt >= 0)
        {
            comment = HexDecode(body[(commentAt + " comment=".Length)..].Trim());
            body = body[..commentAt];
        }

        var fields = body.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is < 6 or > 9)
        {
            return null;
        }

        // Old formats had 6 or 8 fields and only incoming rules.
        var direction = "in";
        string interfaceIn = "", interfaceOut = "";
        if (fields.Length is 7 or 9)
        {
            var last = fields[^1];
            direction = last.Split('_')[0];
            if (last.Contains('_', StringComparison.Ordinal))
            {
                var bang = last.Split('!');
                if (bang.Length == 2 && bang[0].StartsWith("in_", StringComparison.Ordinal) && bang[1].StartsWith("out_", StringComparison.Ordinal))
                {
                    interfaceIn = bang[0][3..];
                    interfaceOut = bang[1][4..];
                }
                else if (last.StartsWith("in_", StringComparison.Ordinal))
                {
                    interfaceIn = last[3..];
                }
                else if (last.StartsWith("out_", StringComparison.Ordinal))
                {
                    interfaceOut = last[4..];
                }
                else
                {
                    return null;
                }
            }

            if (direction is not ("in" or "out"))
            {
                return null;
            }
        }

        var action = fields[0];
        var route = false;
        if (action.Contains(':', StringComparison.Ordinal))
        {
            route = true;
            action = action.Split(':')[1];
        }

        var actionParts = action.ToLowerInvariant().Split('_');
        var verb = actionParts[0] is "allow" or "reject" or "limit" ? actionParts[0] : "deny";
        var log = actionParts.Length > 1 ? actionParts[1] : "";
        var toApp = fields.Length >= 8 && fields[6] != "-" ? fields[6].Replace("%20", " ", StringComparison.Ordinal) : "";
        var fromApp = fields.Length >= 8 && fields[7] != "-" ? fields[7].Replace("%20", " ", StringComparison.Ordinal) : "";
        return new UfwRule(verb, log, route, fields[1], fields[2], fields[3], fields[4], fields[5], toApp, fromApp, direction, interfaceIn, interfaceOut, comment, v6);
    }

    /// <summary>ufw's hex comment back to text; the raw text when it is not hex.</summary>
    public static string HexDecode(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        try
        {
            return Encoding.UTF8.GetString(Convert.FromHexString(hex));
        }
        catch (FormatException)
        {
            return hex;
        }
    }

    /// <summary>
    /// An address as ufw normalises it (<c>ufw.util.normalize_address</c>): <c>any</c> → anywhere, host masks dropped, a dotted
    /// IPv4 mask as a prefix length, an IPv4 network's host bits cleared, IPv6 in its canonical short lower-case form.
    /// Null when the text is not an address of that family.
    /// </summary>
    public static string? NormalizeAddress(string text, bool v6)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim().ToLowerInvariant();
        if (text is "any" or "" || text == Anywhere(v6))
        {
            return Anywhere(v6);
        }

        var parts = text.Split('/');
        if (parts.Length > 2 || !IPAddress.TryParse(parts[0], out var address)
            || address.AddressFamily != (v6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork)
            || (!v6 && parts[0].Count(c => c == '.') != 3))
        {
            return null;
        }

        var canonical = address.ToString();
        if (parts.Length == 1)
        {
            return canonical;
        }

        var mask = parts[1];
        if (v6)
        {
            return !int.TryParse(mask, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length > 128 ? null
                : length == 128 ? canonical : $"{canonical}/{length.ToString(CultureInfo.InvariantCulture)}";
        }

        int prefix;
        if (mask.Contains('.', StringComparison.Ordinal))
        {
            if (!IPAddress.TryParse(mask, out var dotted) || dotted.AddressFamily != AddressFamily.InterNetwork)
            {
                return null;
            }

            var bits = ToUInt(dotted);
            var ones = System.Numerics.BitOperations.PopCount(bits);
            var contiguous = ones == 0 ? bits == 0 : bits == uint.MaxValue << (32 - ones);
            if (!contiguous)
            {
                // ufw keeps a non-contiguous mask as written.
                return $"{canonical}/{dotted}";
            }

            prefix = ones;
        }
        else if (!int.TryParse(mask, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > 32)
        {
            return null;
        }

        if (prefix == 32)
        {
            return canonical;
        }

        var network = prefix == 0 ? 0u : ToUInt(address) & (uint.MaxValue << (32 - prefix));
        var networkText = new IPAddress([(byte)(network >> 24), (byte)(network >> 16), (byte)(network >> 8), (byte)network]).ToString();
        return $"{networkText}/{prefix.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>The address family an address text asks for: true for IPv6, false for IPv4, null for anywhere.</summary>
    public static bool? FamilyOf(string? text) =>
        text is null || text.Trim().ToLowerInvariant() is "any" or "" ? null : text.Contains(':', StringComparison.Ordinal);

    private static uint ToUInt(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
    }

    /// <summary>Sorts a comma-separated port list as ufw does (<c>human_sort</c>: numbers by value, text case-insensitively).</summary>
    public static string SortPorts(string ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        if (ports == "any")
        {
            return ports;
        }

        var list = ports.Split(',').ToList();
        list.Sort(HumanCompare);
        return string.Join(',', list);
    }

    private static int HumanCompare(string a, string b)
    {
        var x = Chunks(a);
        var y = Chunks(b);
        for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
        {
            var (xNumber, xText) = x[i];
            var (yNumber, yText) = y[i];
            var order = xNumber is { } m && yNumber is { } n ? m.CompareTo(n)
                : xNumber is not null ? -1
                : yNumber is not null ? 1
                : string.Compare(xText, yText, StringComparison.OrdinalIgnoreCase);
            if (order != 0)
            {
                return order;
            }
        }

        return x.Count.CompareTo(y.Count);
    }

    private static List<(long? Number, string Text)> Chunks(string text)
    {
        var chunks = new List<(long?, string)>();
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            var digits = char.IsAsciiDigit(text[i]);
            while (i < text.Length && char.IsAsciiDigit(text[i]) == digits)
            {
                i++;
            }

            var chunk = text[start..i];
            chunks.Add(digits ? (long.Parse(chunk, CultureInfo.InvariantCulture), chunk) : (null, chunk));
        }

        return chunks;
    }
}
