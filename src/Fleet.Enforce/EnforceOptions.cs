using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace Fleet.Enforce;

/// <summary>
/// What <c>fleet enforce</c> does, bound from configuration: <c>appsettings.json</c> in the state directory, then <c>FLEET_</c>
/// environment variables, then the command line (each above the one before). Keys are the option names without dashes:
/// <c>Every</c>, <c>MaxChangedHosts</c>…; <c>Playbooks</c> is a list (<c>Playbooks:0</c>, <c>FLEET_PLAYBOOKS__0</c>).
/// </summary>
public sealed record EnforceOptions
{
    /// <summary>The inventory file or directory, re-read every cycle. Required.</summary>
    public required string Inventory { get; init; }

    /// <summary>The playbooks, run in order and re-read every cycle. At least one is required.</summary>
    public required IReadOnlyList<string> Playbooks { get; init; }

    /// <summary>
    /// Directories searched for roles after roles/ beside the playbook (colon-separated), or null for <c>ANSIBLE_ROLES_PATH</c>,
    /// else Ansible's default path. The default value is null.
    /// </summary>
    public string? RolesPath { get; init; }

    /// <summary>Time from one cycle's start to the next. The default value is 30 minutes.</summary>
    public TimeSpan Every { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>"check" (report drift) or "apply" (correct it). The default value is "check".</summary>
    public string Mode { get; init; } = "check";

    /// <summary>Up to this much random delay is added to each cycle's start. The default value is zero.</summary>
    public TimeSpan Splay { get; init; }

    /// <summary>Where reports, latest.json and the drift history go.</summary>
    public required string StateDir { get; init; }

    /// <summary>Address of the /metrics and /healthz endpoint, or null for none. The default value is 127.0.0.1:9464.</summary>
    public IPEndPoint? MetricsListen { get; init; } = new(IPAddress.Loopback, 9464);

    /// <summary>
    /// Apply mode: a cycle whose plan would change more hosts than this changes none and reports instead. The default value is
    /// null (no limit).
    /// </summary>
    public int? MaxChangedHosts { get; init; }

    /// <summary>Cycle reports kept in reports/; older ones are deleted. The default value is 100.</summary>
    public int KeepReports { get; init; } = 100;

    /// <summary>After SIGTERM, the running cycle may go on this long before it is interrupted. The default value is 30 seconds.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Stop after this many cycles (tests, benchmarks), or null to run until stopped. The default value is null.</summary>
    public int? Cycles { get; init; }

    /// <summary>Host pattern limiting every play, or null.</summary>
    public string? Limit { get; init; }

    /// <summary>Hosts worked on at once. The default value is 50.</summary>
    public int Forks { get; init; } = 50;

    /// <summary>Per-task timeout unless the task sets one, or null for none (as in Ansible). The default value is null.</summary>
    public TimeSpan? TaskTimeout { get; init; }

    /// <summary>known_hosts file, or null for the inventory's known_hosts variable, else ~/.ssh/known_hosts.</summary>
    public string? KnownHosts { get; init; }

    /// <summary>strict, accept-new or off. The default value is "strict": an unattended service records no new keys.</summary>
    public string HostKeyPolicy { get; init; } = "strict";

    /// <summary>pq or classic. The default value is "pq".</summary>
    public string SshKex { get; init; } = "pq";

    /// <summary>
    /// Vault password file or script (read once, when the service starts), or null for <c>ANSIBLE_VAULT_PASSWORD_FILE</c>, else
    /// none (vaulted input is then invalid). The default value is null.
    /// </summary>
    public string? VaultPasswordFile { get; init; }

    /// <summary>True for apply mode.</summary>
    public bool Apply => Mode == "apply";

    /// <summary>
    /// Reads and checks the options; every invalid value is named with its key, all at once. Playbooks named on the command line
    /// (<paramref name="commandLinePlaybooks"/>) replace the configured list instead of merging into it item by item.
    /// </summary>
    public static EnforceOptions From(IConfiguration configuration, string stateDir, IReadOnlyList<string>? commandLinePlaybooks = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var errors = new List<string>();
        var playbooks = commandLinePlaybooks is { Count: > 0 }
            ? [.. commandLinePlaybooks]
            : configuration.GetSection("Playbooks").GetChildren().Select(c => c.Value).OfType<string>().Where(p => p.Length > 0).ToList();
        if (playbooks.Count == 0 && configuration["Playbooks"] is { Length: > 0 } single)
        {
            playbooks.Add(single);
        }

        var inventory = configuration["Inventory"];
        if (string.IsNullOrWhiteSpace(inventory))
        {
            errors.Add("an inventory is required: -i FILE (or Inventory in appsettings.json, FLEET_INVENTORY)");
        }

        if (playbooks.Count == 0)
        {
            errors.Add("at least one playbook is required");
        }

        var mode = configuration["Mode"] ?? "check";
        if (mode is not ("check" or "apply"))
        {
            errors.Add($"Mode (--mode) must be check or apply, not '{mode}'");
        }

        var options = new EnforceOptions
        {
            Inventory = inventory ?? "",
            Playbooks = playbooks,
            StateDir = stateDir,
            Mode = mode,
            Every = Duration(configuration, "Every", TimeSpan.FromMinutes(30), errors, min: TimeSpan.FromMilliseconds(100)),
            Splay = Duration(configuration, "Splay", TimeSpan.Zero, errors, min: TimeSpan.Zero),
            ShutdownGrace = Duration(configuration, "ShutdownGrace", TimeSpan.FromSeconds(30), errors, min: TimeSpan.Zero),
            TaskTimeout = configuration["TaskTimeout"] is null ? null : Duration(configuration, "TaskTimeout", TimeSpan.Zero, errors, min: TimeSpan.FromSeconds(1)),
            MetricsListen = Listen(configuration["MetricsListen"], errors),
            MaxChangedHosts = Number(configuration, "MaxChangedHosts", null, errors, min: 0),
            KeepReports = Number(configuration, "KeepReports", 100, errors, min: 1) ?? 100,
            Cycles = Number(configuration, "Cycles", null, errors, min: 1),
            Forks = Number(configuration, "Forks", 50, errors, min: 1) ?? 50,
            Limit = configuration["Limit"] is { Length: > 0 } limit ? limit : null,
            RolesPath = configuration["RolesPath"] is { Length: > 0 } roles ? roles : null,
            KnownHosts = configuration["KnownHosts"] is { Length: > 0 } known ? known : null,
            HostKeyPolicy = configuration["HostKeyPolicy"] ?? "strict",
            SshKex = configuration["SshKex"] ?? "pq",
            VaultPasswordFile = configuration["VaultPasswordFile"] is { Length: > 0 } vault ? vault : null,
        };
        if (options.HostKeyPolicy is not ("strict" or "accept-new" or "off"))
        {
            errors.Add($"HostKeyPolicy (--host-key-policy) must be strict, accept-new or off, not '{options.HostKeyPolicy}'");
        }

        if (options.SshKex is not ("pq" or "classic"))
        {
            errors.Add($"SshKex (--ssh-kex) must be pq or classic, not '{options.SshKex}'");
        }

        if (options.MaxChangedHosts is not null && !options.Apply)
        {
            errors.Add("MaxChangedHosts (--max-changed-hosts) guards apply mode; check mode changes nothing");
        }

        if (options.Splay >= options.Every && options.Splay > TimeSpan.Zero)
        {
            errors.Add($"Splay (--splay) must be shorter than Every (--every): {configuration["Splay"]} is not shorter than {configuration["Every"] ?? "30m"}");
        }

        return errors.Count > 0 ? throw new FleetInputException(errors.Select(e => new InputError(null, e)).ToList()) : options;
    }

    /// <summary>
    /// A duration as people write it: <c>30m</c>, <c>5s</c>, <c>1h30m</c>, <c>250ms</c>, <c>2d</c>, a plain number of seconds, or
    /// .NET's <c>hh:mm:ss</c>; null when the text is none of these.
    /// </summary>
    public static TimeSpan? ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        if (text.Length == 0)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero ? span : null;
        }

        var total = TimeSpan.Zero;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            if (start == unitStart || unitStart == i ||
                !double.TryParse(text.AsSpan(start, unitStart - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                return null;
            }

            TimeSpan? part = text[unitStart..i] switch
            {
                "ms" => TimeSpan.FromMilliseconds(value),
                "s" => TimeSpan.FromSeconds(value),
                "m" => TimeSpan.FromMinutes(value),
                "h" => TimeSpan.FromHours(value),
                "d" => TimeSpan.FromDays(value),
                _ => null,
            };
            if (part is null)
            {
                return null;
            }

            total += part.Value;
        }

        return total;
    }

    /// <summary>
    /// The metrics address: <c>host:port</c>, <c>[v6]:port</c>, or <c>off</c> (no endpoint). An address that is not loopback is
    /// accepted only when written out: the default binds 127.0.0.1.
    /// </summary>
    public static IPEndPoint? ParseListen(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text is "off" or "none" or "")
        {
            return null;
        }

        if (IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port is > 0 and <= 65535 && text.Contains(':', StringComparison.Ordinal) && !text.EndsWith(']'))
        {
            return endpoint;
        }

        var colon = text.LastIndexOf(':');
        if (colon > 0 && text[..colon] == "localhost" && int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535)
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        throw new FormatException($"expected HOST:PORT with an IP address (127.0.0.1:9464, [::1]:9464) or off, not '{text}'");
    }

    private static IPEndPoint? Listen(string? text, List<string> errors)
    {
        if (text is null)
        {
            return new IPEndPoint(IPAddress.Loopback, 9464);
        }

        try
        {
            return ParseListen(text);
        }
        catch (FormatException ex)
        {
            errors.Add("MetricsListen (--metrics-listen): " + ex.Message);
            return null;
        }
    }

    private static TimeSpan Duration(IConfiguration configuration, string key, TimeSpan fallback, List<string> errors, TimeSpan min)
    {
        if (configuration[key] is not { } text)
        {
            return fallback;
        }

        if (ParseDuration(text) is { } value && value >= min)
        {
            return value;
        }

        errors.Add($"{key} must be a duration like 30m, 5s, 1h30m or 250ms{(min > TimeSpan.Zero ? $" of at least {min.TotalSeconds:0.###} s" : "")}, not '{text}'");
        return fallback;
    }

    private static int? Number(IConfiguration configuration, string key, int? fallback, List<string> errors, int min)
    {
        if (configuration[key] is not { } text)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min)
        {
            return value;
        }

        errors.Add($"{key} must be a whole number of at least {min}, not '{text}'");
        return fallback;
    }
}
