using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Ufw;

/// <summary>ufw's configuration as its own files hold it, and whether its chains are loaded.</summary>
/// <param name="Installed">The <c>ufw</c> command exists.</param>
/// <param name="Enabled"><c>ENABLED=yes</c> in <c>/etc/ufw/ufw.conf</c>.</param>
/// <param name="Loaded">ufw's chains are in the running firewall (<c>ufw-user-input</c>); null when that cannot be read (not root).</param>
/// <param name="LogLevel"><c>LOGLEVEL</c>: off, low, medium, high or full.</param>
/// <param name="Incoming">Default incoming policy: allow, deny or reject.</param>
/// <param name="Outgoing">Default outgoing policy.</param>
/// <param name="Routed">Default routed policy.</param>
/// <param name="Ipv6"><c>IPV6=yes</c> in <c>/etc/default/ufw</c>: rules for anywhere also go to <c>user6.rules</c>.</param>
/// <param name="Rules">The rules in order, IPv4 first then IPv6 (ufw's numbering).</param>
/// <param name="Unreadable">A rules file that exists but could not be read (no become), or null.</param>
/// <param name="AppPorts">Application profiles (<c>/etc/ufw/applications.d</c>): name → its <c>ports=</c> value (<c>22/tcp</c>, <c>80,443/tcp|53/udp</c>).</param>
public sealed record UfwState(
    bool Installed,
    bool Enabled,
    bool? Loaded,
    string LogLevel,
    string Incoming,
    string Outgoing,
    string Routed,
    bool Ipv6,
    IReadOnlyList<UfwRule> Rules,
    string? Unreadable = null,
    IReadOnlyDictionary<string, string>? AppPorts = null)
{
    /// <summary>ufw is not installed.</summary>
    public static UfwState NotInstalled { get; } = new(false, false, null, "off", "deny", "allow", "deny", true, []);

    /// <summary>The firewall is on: enabled in ufw.conf and (when that can be read) its chains loaded.</summary>
    public bool Active => Enabled && Loaded != false;

    /// <summary>The state as text, one setting or rule a line, for diffs of the rule set.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        text.Append("status: ").Append(Active ? "active" : "inactive").Append('\n');
        text.Append("logging: ").Append(LogLevel).Append('\n');
        text.Append("default: ").Append(Incoming).Append(" (incoming), ").Append(Outgoing).Append(" (outgoing), ").Append(Routed).Append(" (routed)\n");
        foreach (var rule in Rules)
        {
            text.Append(rule.Describe()).Append('\n');
        }

        return text.ToString();
    }
}

/// <summary>
/// Reads ufw's own state files in one go instead of running <c>ufw status</c> (a Python start and six iptables calls):
/// <c>/etc/ufw/ufw.conf</c> (ENABLED, LOGLEVEL), <c>/etc/default/ufw</c> (default policies, IPV6), the <c>### tuple ###</c>
/// lines of <c>/etc/ufw/user.rules</c> and <c>user6.rules</c>, and one <c>iptables -L ufw-user-input</c> to tell whether
/// the firewall is loaded. Every ufw task reads this same fact, so check mode can plan each on the previous one's prediction.
/// </summary>
public sealed record UfwStateFact : Fact<UfwState>
{
    /// <summary>ufw's configuration file (ENABLED, LOGLEVEL).</summary>
    public const string ConfPath = "/etc/ufw/ufw.conf";

    /// <summary>ufw's defaults file (policies, IPV6, IPT_SYSCTL).</summary>
    public const string DefaultsPath = "/etc/default/ufw";

    /// <inheritdoc />
    public override string Description => "ufw";

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Firewall, Subject.Tree("/etc/ufw"), Subject.Path(DefaultsPath)];

    /// <inheritdoc />
    public override string Command => $$"""
        PATH="$PATH:/usr/sbin:/sbin"
        command -v ufw >/dev/null 2>&1 || { echo '@@absent'; exit 0; }
        echo '@@conf'; grep -E '^[A-Z_0-9]+=' {{ConfPath}}
        echo '@@defaults'; grep -E '^[A-Z_0-9]+=' {{DefaultsPath}}
        for f in user user6; do
          echo "@@$f"
          if [ -r /etc/ufw/$f.rules ]; then grep '^### tuple ###' /etc/ufw/$f.rules; elif [ -e /etc/ufw/$f.rules ]; then echo '@@unreadable'; fi
        done
        echo '@@loaded'
        if [ "$(id -u)" != 0 ]; then echo unknown; elif iptables -w 5 -n -L ufw-user-input >/dev/null 2>&1; then echo yes; else echo no; fi
        echo '@@apps'
        for f in /etc/ufw/applications.d/*; do [ -r "$f" ] && grep -E '^\[|^ports=' "$f"; done
        true
        """;

    /// <inheritdoc />
    public override UfwState Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        if (stdout.Contains("@@absent", StringComparison.Ordinal))
        {
            return UfwState.NotInstalled;
        }

        var section = "";
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        var rules4 = new List<UfwRule>();
        var rules6 = new List<UfwRule>();
        string? unreadable = null;
        bool? loaded = null;
        var apps = new Dictionary<string, string>(StringComparer.Ordinal);
        string? app = null;
        foreach (var raw in stdout.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("@@", StringComparison.Ordinal) && line != "@@unreadable")
            {
                section = line[2..];
                continue;
            }

            switch (section)
            {
                case "conf" or "defaults" when line.Split('=', 2) is [var key, var value]:
                    settings[key] = value.Trim().Trim('"', '\'');
                    break;
                case "user" or "user6" when line == "@@unreadable":
                    unreadable = $"/etc/ufw/{section}.rules";
                    break;
                case "user" or "user6" when UfwRule.ParseTuple(line, section == "user6") is { } rule:
                    (section == "user6" ? rules6 : rules4).Add(rule);
                    break;
                case "loaded" when line.Trim().Length > 0:
                    loaded = line.Trim() switch { "yes" => true, "no" => false, _ => null };
                    break;
                case "apps" when line.StartsWith('[') && line.EndsWith(']'):
                    app = line[1..^1];
                    break;
                case "apps" when app is not null && line.StartsWith("ports=", StringComparison.Ordinal):
                    apps[app] = line["ports=".Length..].Trim();
                    break;
            }
        }

        string Policy(string key, string fallback) =>
            settings.GetValueOrDefault(key)?.ToUpperInvariant() switch { "ACCEPT" => "allow", "REJECT" => "reject", "DROP" => "deny", _ => fallback };

        return new UfwState(
            Installed: true,
            Enabled: string.Equals(settings.GetValueOrDefault("ENABLED"), "yes", StringComparison.OrdinalIgnoreCase),
            Loaded: loaded,
            LogLevel: settings.GetValueOrDefault("LOGLEVEL") is { Length: > 0 } level ? level.ToLowerInvariant() : "off",
            Incoming: Policy("DEFAULT_INPUT_POLICY", "deny"),
            Outgoing: Policy("DEFAULT_OUTPUT_POLICY", "allow"),
            Routed: Policy("DEFAULT_FORWARD_POLICY", "deny"),
            Ipv6: !string.Equals(settings.GetValueOrDefault("IPV6"), "no", StringComparison.OrdinalIgnoreCase),
            Rules: [.. rules4, .. rules6],
            Unreadable: unreadable,
            AppPorts: apps);
    }
}

/// <summary>
/// Port numbers and protocols of service names from the host's <c>/etc/services</c> (ufw resolves <c>port: ssh</c> there), in
/// one <c>awk</c> for all names of a task.
/// </summary>
/// <param name="Names">The service names, comma-separated (a string keeps the record's equality by value).</param>
public sealed record ServicePortsFact(string Names) : Fact<IReadOnlyList<(string Name, string Port, string Protocol)>>
{
    /// <inheritdoc />
    public override string Description => "/etc/services";

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Path("/etc/services")];

    /// <inheritdoc />
    public override string Command =>
        "awk -v names=" + Sh.Quote(" " + Names.Replace(',', ' ') + " ") +
        " '{ for (i = 1; i <= NF; i++) { if ($i ~ /^#/) break; if (i != 2 && index(names, \" \" $i \" \")) print $i, $2 } }' /etc/services";

    /// <inheritdoc />
    public override IReadOnlyList<(string Name, string Port, string Protocol)> Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var entries = new List<(string, string, string)>();
        foreach (var line in stdout.Split('\n'))
        {
            if (line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var name, var portProto] && portProto.Split('/') is [var port, var proto])
            {
                entries.Add((name, port, proto));
            }
        }

        return entries;
    }
}
