using System.Globalization;
using Fleet.Core.Facts;

namespace Fleet.Core.Modules.ListeningPorts;

/// <summary>
/// <c>listening_ports</c> (Fleet's own): reports every listening TCP/UDP socket (<c>ports</c> in the result) and, with <c>allowed</c>,
/// warns about (or fails on) any other. It only reads: never a change, so check and apply report the same.
/// </summary>
public sealed class ListeningPortsModule : Module
{
    /// <inheritdoc />
    public override string Name => "listening_ports";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("allowed", ParameterType.StringList, "Expected listeners: ports (any protocol) or port/proto, e.g. [22/tcp, 123/udp]. The default is none: report only, never warn."),
        new("unexpected", ParameterType.String, "What a listener outside allowed does: warn (ok with a warning) or fail. The default value is warn.", Choices: ["warn", "fail"]),
        new("allow_sshd", ParameterType.Bool, "sshd's own listeners are expected, on whatever port it really listens (the way in stays allowed after a Port change). The default value is true."),
        new("allow_loopback", ParameterType.Bool, "Listeners bound only to loopback (127.0.0.0/8, ::1) are expected: nothing outside the host reaches them. The default value is true."),
    ];

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context) => [new ListenersFact()];

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.Get(new ListenersFact()).Listeners is not { } listeners)
        {
            return new PlanFailure("ss is not installed (package iproute2)");
        }

        var allowedList = args.GetList("allowed");
        var allowed = new List<(int Port, string? Proto)>();
        foreach (var entry in allowedList ?? [])
        {
            if (ParseAllowed(entry) is not { } parsed)
            {
                return new PlanFailure($"allowed: '{entry}' is not a port or port/proto (e.g. 22 or 22/tcp or 123/udp)");
            }

            allowed.Add(parsed);
        }

        var data = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["ports"] = listeners.Select(l => (object?)new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["proto"] = l.Proto,
                ["address"] = l.Address,
                ["port"] = (long)l.Port,
                ["process"] = l.Process,
            }).ToList(),
        };
        var summary = string.Join(", ", listeners.Select(l => $"{l.Port}/{l.Proto}").Distinct());
        if (allowedList is null)
        {
            return new NoChange($"{listeners.Count} listening sockets: {(summary.Length == 0 ? "none" : summary)}") { Data = data };
        }

        var allowSshd = args.GetBool("allow_sshd") ?? true;
        var allowLoopback = args.GetBool("allow_loopback") ?? true;
        var unexpected = listeners
            .Where(l => !allowed.Any(a => a.Port == l.Port && (a.Proto is null || a.Proto == l.Proto)))
            .Where(l => !(allowSshd && l.Process == "sshd"))
            .Where(l => !(allowLoopback && IsLoopback(l.Address)))
            .GroupBy(l => (l.Port, l.Proto))
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key.Port}/{g.Key.Proto} on {string.Join(", ", g.Select(l => l.Address).Distinct())} ({string.Join(",", g.Select(l => l.Process ?? "process unknown").Distinct())})"))
            .ToList();
        data["unexpected"] = unexpected.Select(u => (object?)u).ToList();
        if (unexpected.Count == 0)
        {
            return new NoChange($"only allowed listeners: {(summary.Length == 0 ? "none" : summary)}") { Data = data };
        }

        var warnings = unexpected.Select(u => "unexpected listener " + u).ToList();
        return args.GetString("unexpected") == "fail"
            ? new PlanFailure($"unexpected listeners: {string.Join("; ", unexpected)}") { Data = data }
            : new NoChange($"{unexpected.Count} unexpected listeners") { Data = data, Warnings = warnings };
    }

    /// <summary>True for an address only the host itself reaches: 127.0.0.0/8 or ::1 (ss may write an interface suffix, 127.0.0.53%lo).</summary>
    internal static bool IsLoopback(string address)
    {
        var bare = address.Trim('[', ']').Split('%')[0];
        return System.Net.IPAddress.TryParse(bare, out var ip) && System.Net.IPAddress.IsLoopback(ip);
    }

    /// <summary>"22" → (22, any), "22/tcp" → (22, tcp); null when invalid.</summary>
    public static (int Port, string? Proto)? ParseAllowed(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var parts = entry.Trim().Split('/');
        if (parts.Length > 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 0 or > 65535)
        {
            return null;
        }

        var proto = parts.Length == 2 ? parts[1].Trim().ToLowerInvariant() : null;
        return proto is null or "tcp" or "udp" ? (port, proto) : null;
    }
}
