using System.Globalization;
using System.Net;
using Fleet.Core.Remote;

namespace Fleet.Core.Facts;

/// <summary>How the controller reaches the host right now: the way in that the firewall and sshd safety rails must keep open.</summary>
/// <param name="Client">The controller's address as the host sees it (<c>$SSH_CONNECTION</c>), or null when unknown.</param>
/// <param name="Server">The host's address the connection arrived at, or null.</param>
/// <param name="Port">The host's port the connection arrived at (what the firewall sees), or 0 when unknown.</param>
/// <param name="SshdPorts">The ports sshd listens on (<c>sshd -T</c>); empty when sshd -T could not run.</param>
/// <param name="Interfaces">The host's addresses: interface name and address.</param>
/// <param name="LoginGroups">The groups of the login user (<c>id -Gn</c>).</param>
/// <param name="KeyedSudoers">Users other than root in the sudo (or wheel) group with a non-empty authorized_keys.</param>
public sealed record SshAccess(
    IPAddress? Client,
    IPAddress? Server,
    int Port,
    IReadOnlyList<int> SshdPorts,
    IReadOnlyList<(string Interface, IPAddress Address)> Interfaces,
    IReadOnlyList<string> LoginGroups,
    IReadOnlyList<string> KeyedSudoers)
{
    /// <summary>The interface that holds <see cref="Server"/>, or null when unknown.</summary>
    public string? ServerInterface =>
        Server is null ? null : Interfaces.Where(i => i.Address.Equals(Server)).Select(i => i.Interface).FirstOrDefault();

    /// <summary>The connection in words: <c>10.0.0.5 → 10.0.0.1 port 22/tcp on eth0</c>.</summary>
    public string Describe() =>
        Client is null ? "(unknown: no SSH_CONNECTION on the host)"
            : $"{Client} → {Server} port {Port.ToString(CultureInfo.InvariantCulture)}/tcp{(ServerInterface is { } name ? " on " + name : "")}";
}

/// <summary>
/// Reads the current connection's endpoints from <c>$SSH_CONNECTION</c> (under sudo, which drops it, from the nearest ancestor
/// process that has it), sshd's ports from <c>sshd -T</c>, the host's addresses, the login user's groups and which sudoers hold a
/// key. The ufw and sshd modules read it to refuse a change that would shut the controller out.
/// </summary>
/// <param name="User">
/// The login user (the inventory's <c>user</c>), whose groups and the keyed sudoers are read too; null for the connection alone
/// (the firewall's check), which no task of the run changes.
/// </param>
public sealed record SshAccessFact(string? User = null) : Fact<SshAccess>
{
    /// <inheritdoc />
    public override string Description => User is null ? "the SSH connection" : $"the SSH connection and {User}'s accounts";

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => User is null
        ? []
        : [Subject.Tree("/etc/ssh"), Subject.Service("ssh"), Subject.User(null), Subject.Group(null), Subject.Tree("/home"), Subject.Tree("/root")];

    /// <inheritdoc />
    public override string Command => $$"""
        PATH="$PATH:/usr/sbin:/sbin"
        conn="${SSH_CONNECTION:-}"
        p=$PPID
        while [ -z "$conn" ] && [ -r "/proc/$p/environ" ] && [ "$p" -gt 1 ]; do
          conn=$(tr '\0' '\n' < "/proc/$p/environ" | sed -n 's/^SSH_CONNECTION=//p')
          p=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$p/status")
        done
        echo "connection $conn"
        [ -d /run/sshd ] && sshd -T 2>/dev/null | sed -n 's/^port /sshd-port /p'
        ip -o addr show 2>/dev/null | awk '{ sub(/\/.*/, "", $4); print "address", $2, $4 }'
        {{(User is null ? "" : AccountsScript(User))}}
        true
        """;

    /// <summary>The user's groups and the sudoers holding a key (what the sshd rail reads besides the connection).</summary>
    private static string AccountsScript(string user) => $$"""
        echo "groups $(id -Gn {{Sh.Quote(user)}} 2>/dev/null)"
        for u in $(getent group sudo wheel | cut -d: -f4 | tr ',' ' '); do
          h=$(getent passwd "$u" | cut -d: -f6)
          [ "$u" != root ] && [ -n "$h" ] && [ -s "$h/.ssh/authorized_keys" ] && echo "keyed-sudoer $u"
        done
        """;

    /// <inheritdoc />
    public override SshAccess Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        IPAddress? client = null, server = null;
        var port = 0;
        var sshdPorts = new List<int>();
        var interfaces = new List<(string, IPAddress)>();
        var groups = new List<string>();
        var sudoers = new List<string>();
        foreach (var raw in stdout.Split('\n'))
        {
            var words = raw.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (words)
            {
                case ["connection", var c, _, var s, var p]
                    when IPAddress.TryParse(c, out var ca) && IPAddress.TryParse(s, out var sa) && int.TryParse(p, CultureInfo.InvariantCulture, out var pn):
                    (client, server, port) = (Unmapped(ca), Unmapped(sa), pn);
                    break;
                case ["sshd-port", var p] when int.TryParse(p, CultureInfo.InvariantCulture, out var pn):
                    sshdPorts.Add(pn);
                    break;
                case ["address", var name, var a] when IPAddress.TryParse(a, out var address):
                    interfaces.Add((name.Split('@')[0], Unmapped(address)));
                    break;
                case ["groups", .. var names]:
                    groups.AddRange(names);
                    break;
                case ["keyed-sudoer", var user]:
                    sudoers.Add(user);
                    break;
            }
        }

        return new SshAccess(client, server, port, sshdPorts, interfaces, groups, sudoers.Distinct(StringComparer.Ordinal).ToList());
    }

    private static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
