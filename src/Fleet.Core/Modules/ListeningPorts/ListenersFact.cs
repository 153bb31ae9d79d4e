using System.Globalization;
using System.Text.RegularExpressions;
using Fleet.Core.Facts;

namespace Fleet.Core.Modules.ListeningPorts;

/// <summary>A socket listening for connections (TCP) or datagrams (UDP).</summary>
/// <param name="Proto">tcp or udp.</param>
/// <param name="Address">The local address as ss shows it (0.0.0.0, ::, *, 127.0.0.1, 127.0.0.53%lo).</param>
/// <param name="Port">The local port.</param>
/// <param name="Process">The process names (comma-separated) or null when ss cannot tell (not root).</param>
public sealed record Listener(string Proto, string Address, int Port, string? Process);

/// <summary>The host's listeners, or null when <c>ss</c> is missing.</summary>
/// <param name="Listeners">Every listening socket, in ss's order.</param>
public sealed record ListenersState(IReadOnlyList<Listener>? Listeners);

/// <summary>
/// Reads the listening TCP and UDP sockets with one <c>ss -Hlntup</c>. Its <c>users:(("name",pid=…))</c> column already names the
/// processes (as root), so no <c>ps</c> call is needed; without root that column is empty and no <c>ps</c> could map sockets either.
/// </summary>
public sealed partial record ListenersFact : Fact<ListenersState>
{
    /// <inheritdoc />
    public override string Description => "listening sockets";

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Ports];

    /// <inheritdoc />
    public override string Command => """
        PATH="$PATH:/usr/sbin:/sbin"
        command -v ss >/dev/null 2>&1 || { echo noss; exit 0; }
        echo ok
        ss -Hlntup
        """;

    /// <inheritdoc />
    public override ListenersState Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = stdout.Split('\n');
        if (lines[0].Trim() != "ok")
        {
            return new ListenersState(null);
        }

        var listeners = new List<Listener>();
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split((char[]?)null, 7, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || fields[0] is not ("tcp" or "udp"))
            {
                continue;
            }

            var local = fields[4];
            var colon = local.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(local[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                continue;
            }

            var address = local[..colon].Trim('[', ']');
            var names = fields.Length > 6 ? ProcessName().Matches(fields[6]).Select(m => m.Groups[1].Value).Distinct().ToList() : [];
            listeners.Add(new Listener(fields[0], address, port, names.Count == 0 ? null : string.Join(',', names)));
        }

        return new ListenersState(listeners);
    }

    [GeneratedRegex("\\(\"([^\"]*)\",pid=", RegexOptions.CultureInvariant)]
    private static partial Regex ProcessName();
}
