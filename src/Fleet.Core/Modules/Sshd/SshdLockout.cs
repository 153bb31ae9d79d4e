using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Fleet.Core.Facts;
using Fleet.Core.Modules.Ufw;

namespace Fleet.Core.Modules.Sshd;

/// <summary>
/// The sshd safety rail: settings that would refuse the login Fleet uses are refused before anything runs, with the reason —
/// AllowUsers/AllowGroups without the login user (or DenyUsers/DenyGroups with them), PubkeyAuthentication no when Fleet has no
/// password, PasswordAuthentication no when it has no key, PermitRootLogin refusing a root login with no other user holding a key and
/// sudo, and a Port the firewall would not let the controller reach. What it cannot see (a ListenAddress, a Match block) the fresh
/// connection after the change catches.
/// </summary>
public static class SshdLockout
{
    /// <summary>The settings' values after the change, keyword (lowercase) → values; what this task does not set keeps its effective value.</summary>
    /// <param name="desired">The task's settings, keyword → values.</param>
    /// <param name="effective">sshd -T before the change, or null when unknown.</param>
    /// <param name="oldText">The file the task rewrites, as it was (its values leave with it), or null.</param>
    /// <param name="mainText">sshd's main file: a Port or ListenAddress that sshd -T shows only as its default (none set) is gone once one is set.</param>
    public static Dictionary<string, IReadOnlyList<string>> Resulting(
        IReadOnlyDictionary<string, IReadOnlyList<string>> desired,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? effective,
        string? oldText,
        string? mainText = null)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (key, values) in effective ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            result[key] = values;
        }

        var old = OldValues(oldText);
        var main = OldValues(mainText);
        foreach (var (keyword, values) in desired)
        {
            var key = keyword.ToLowerInvariant();
            if (SshdConfigText.RepeatedKeywords.Contains(keyword))
            {
                // Repeated keywords add up across files: the values set elsewhere stay, those of the old version of this file go.
                var kept = result.TryGetValue(key, out var have) ? have.Where(v => !(old.TryGetValue(key, out var o) && o.Contains(v, StringComparer.OrdinalIgnoreCase))) : [];
                if (key is "port" or "listenaddress")
                {
                    // sshd -T prints the default (port 22) when nothing sets one; setting one replaces it.
                    kept = kept.Where(v => main.TryGetValue(key, out var m) && m.Contains(v, StringComparer.OrdinalIgnoreCase));
                }

                result[key] = [.. values.SelectMany(v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries)), .. kept.SelectMany(v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries))];
            }
            else
            {
                result[key] = values;
            }
        }

        return result;
    }

    private static Dictionary<string, List<string>> OldValues(string? text)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var raw in (text ?? "").Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split([' ', '\t', '='], 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2)
            {
                var key = parts[0].ToLowerInvariant();
                if (!values.TryGetValue(key, out var list))
                {
                    values[key] = list = [];
                }

                list.AddRange(parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }
        }

        return values;
    }

    /// <summary>Why the settings would lock the login out (null when they would not).</summary>
    /// <param name="desired">The task's settings, keyword → values.</param>
    /// <param name="resulting">The values after the change (<see cref="Resulting"/>).</param>
    /// <param name="access">The current connection and the login user's groups.</param>
    /// <param name="firewall">ufw's state (not installed or inactive: nothing filters).</param>
    /// <param name="context">The login user and how Fleet logs in.</param>
    public static string? Refusal(
        IReadOnlyDictionary<string, IReadOnlyList<string>> desired,
        IReadOnlyDictionary<string, IReadOnlyList<string>> resulting,
        SshAccess access,
        UfwState firewall,
        ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(resulting);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(firewall);
        ArgumentNullException.ThrowIfNull(context);
        var user = context.LoginUser;
        var from = access.Client is null ? "" : $" from {access.Client}";
        bool Sets(string keyword) => desired.Keys.Any(k => k.Equals(keyword, StringComparison.OrdinalIgnoreCase));
        IReadOnlyList<string> Values(string keyword) => resulting.GetValueOrDefault(keyword.ToLowerInvariant()) ?? [];
        string? Single(string keyword) => Values(keyword) is [var one, ..] ? one.ToLowerInvariant() : null;

        if (Sets("AllowUsers") && Values("AllowUsers") is { Count: > 0 } allow && !allow.Any(p => UserMatches(p, user, access.Client)))
        {
            return $"AllowUsers {string.Join(' ', allow)} would refuse {user}, the user Fleet logs in as{from}";
        }

        if (Sets("DenyUsers") && Values("DenyUsers").FirstOrDefault(p => UserMatches(p, user, access.Client)) is { } denied)
        {
            return $"DenyUsers {denied} would refuse {user}, the user Fleet logs in as{from}";
        }

        if (Sets("AllowGroups") && Values("AllowGroups") is { Count: > 0 } groups && !groups.Any(p => access.LoginGroups.Any(g => Wildcard(p, g))))
        {
            return $"AllowGroups {string.Join(' ', groups)} would refuse {user}, the user Fleet logs in as (groups: {string.Join(' ', access.LoginGroups)})";
        }

        if (Sets("DenyGroups") && Values("DenyGroups").FirstOrDefault(p => access.LoginGroups.Any(g => Wildcard(p, g))) is { } deniedGroup)
        {
            return $"DenyGroups {deniedGroup} would refuse {user}, the user Fleet logs in as (groups: {string.Join(' ', access.LoginGroups)})";
        }

        if (Sets("PubkeyAuthentication") && Single("PubkeyAuthentication") == "no" && !context.PasswordLogin)
        {
            return "PubkeyAuthentication no would refuse the key Fleet logs in with (and Fleet has no password for this host)";
        }

        if (Sets("PasswordAuthentication") && Single("PasswordAuthentication") == "no" && !context.KeyLogin)
        {
            return "PasswordAuthentication no would refuse the password Fleet logs in with (install a key first: authorized_key, and set identity_file)";
        }

        if (Sets("PermitRootLogin") && user == "root" && Single("PermitRootLogin") is { } root
            && (root == "no" || root == "forced-commands-only" || (root is "prohibit-password" or "without-password" && !context.KeyLogin))
            && access.KeyedSudoers.Count == 0)
        {
            return $"PermitRootLogin {root} would refuse root, the user Fleet logs in as{(context.KeyLogin ? "" : " (with a password)")}, and no other user holds a key and sudo to log in instead";
        }

        if (Sets("Port") && PortRefusal(Values("Port"), access, firewall) is { } port)
        {
            return port;
        }

        return null;
    }

    /// <summary>
    /// The port Fleet must use after the change when it sets <c>Port</c> without the one Fleet connects to (a port change done
    /// right): the first new port. Null when the port Fleet uses stays, or when Fleet reaches sshd through a translated port and
    /// cannot tell which port the controller would then use.
    /// </summary>
    public static int? MovedPort(IReadOnlyDictionary<string, IReadOnlyList<string>> desired, IReadOnlyDictionary<string, IReadOnlyList<string>> resulting, SshAccess access, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(resulting);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(context);
        if (!desired.Keys.Any(k => k.Equals("Port", StringComparison.OrdinalIgnoreCase)) || access.Port != context.LoginPort)
        {
            return null;
        }

        var ports = (resulting.GetValueOrDefault("port") ?? []).Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0).Where(n => n > 0).ToList();
        return ports.Count == 0 || ports.Contains(context.LoginPort) ? null : ports[0];
    }

    private static string? PortRefusal(IReadOnlyList<string> ports, SshAccess access, UfwState firewall)
    {
        var numbers = ports.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0).Where(n => n > 0).Distinct().ToList();
        foreach (var port in numbers.Where(n => !access.SshdPorts.Contains(n) && n != access.Port))
        {
            if (!firewall.Active)
            {
                continue;
            }

            if (access.Client is not { } client || access.Server is not { } server)
            {
                return $"Port {port}: Fleet cannot tell whether the firewall lets the controller reach it (no SSH_CONNECTION on the host)";
            }

            var verdict = UfwAdmission.Evaluate(firewall, client, server, port, access.ServerInterface);
            if (!verdict.Admitted)
            {
                return $"Port {port}: the firewall would not let the controller ({client}) reach it: {verdict.Reason}. "
                    + $"Allow it in ufw first (ufw: {{ rule: allow, port: \"{port.ToString(CultureInfo.InvariantCulture)}\", proto: tcp }}), then change the port";
            }
        }

        return null;
    }

    /// <summary>An AllowUsers/DenyUsers pattern against the user and (for <c>user@host</c>) the client's address or network.</summary>
    public static bool UserMatches(string pattern, string user, IPAddress? client)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(user);
        var at = pattern.IndexOf('@', StringComparison.Ordinal);
        if (at < 0)
        {
            return Wildcard(pattern, user);
        }

        if (!Wildcard(pattern[..at], user) || client is null)
        {
            return false;
        }

        var host = pattern[(at + 1)..];
        return host.Contains('/', StringComparison.Ordinal) ? UfwAdmission.Contains(host, client) : Wildcard(host, client.ToString());
    }

    /// <summary>sshd's <c>match_pattern</c>: <c>*</c> any text, <c>?</c> one character; the whole text must match.</summary>
    public static bool Wildcard(string pattern, string text)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(text);
        var regex = "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(text, regex, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
