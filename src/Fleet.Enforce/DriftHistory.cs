using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fleet.Enforce;

/// <summary>What the service remembers of one host across cycles and restarts.</summary>
public sealed record HostHistory
{
    /// <summary>Start of the latest drift streak (consecutive cycles that found drift), or null if it never drifted.</summary>
    public DateTimeOffset? FirstDriftSeen { get; init; }

    /// <summary>The last cycle that found drift, or null.</summary>
    public DateTimeOffset? LastDriftSeen { get; init; }

    /// <summary>True while the streak lasts: the host's latest reached cycle found drift (JSON <c>driftStreak</c>; <c>drifting</c> there means drifted and not corrected).</summary>
    public bool Drifting { get; init; }

    /// <summary>Cycles that found drift on this host, in all.</summary>
    public long DriftCycles { get; init; }

    /// <summary>The last cycle that corrected drift, or null.</summary>
    public DateTimeOffset? LastRepaired { get; init; }

    /// <summary>The last cycle that reached the host and left it in the desired state (ok or repaired), or null.</summary>
    public DateTimeOffset? LastSuccess { get; init; }

    /// <summary>Status in the latest cycle that targeted the host.</summary>
    public CycleHostStatus LastStatus { get; init; }
}

/// <summary>Per-host drift history (state dir <c>hosts.json</c>): when drift was first and last seen, last repair, last success.</summary>
public sealed class DriftHistory
{
    private readonly Dictionary<string, HostHistory> _hosts = new(StringComparer.Ordinal);

    /// <summary>Every host seen, by name.</summary>
    public IReadOnlyDictionary<string, HostHistory> Hosts => _hosts;

    /// <summary>Takes a finished cycle into account. A cycle that could not reach a host leaves its streak as it was.</summary>
    public void Record(CycleReport cycle)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        var at = cycle.StartedAt;
        foreach (var host in cycle.Hosts)
        {
            var old = _hosts.GetValueOrDefault(host.Name) ?? new HostHistory();
            var drift = host.Status is CycleHostStatus.Drifted or CycleHostStatus.Repaired;
            var reached = host.Status is not (CycleHostStatus.Unreachable or CycleHostStatus.Failed);
            _hosts[host.Name] = old with
            {
                FirstDriftSeen = drift && !old.Drifting ? at : old.FirstDriftSeen,
                LastDriftSeen = drift ? at : old.LastDriftSeen,
                Drifting = reached ? drift : old.Drifting,
                DriftCycles = old.DriftCycles + (drift ? 1 : 0),
                LastRepaired = host.Status == CycleHostStatus.Repaired ? at : old.LastRepaired,
                LastSuccess = host.Status is CycleHostStatus.Ok or CycleHostStatus.Repaired ? at : old.LastSuccess,
                LastStatus = host.Status,
            };
        }
    }

    /// <summary>The history as JSON (<c>hosts.json</c>).</summary>
    public string ToJson()
    {
        var hosts = new JsonObject();
        foreach (var (name, h) in _hosts.OrderBy(h => h.Key, HostNameOrder.Instance))
        {
            hosts[name] = new JsonObject
            {
                ["firstDriftSeen"] = Time(h.FirstDriftSeen),
                ["lastDriftSeen"] = Time(h.LastDriftSeen),
                ["drifting"] = h.LastStatus == CycleHostStatus.Drifted,
                ["driftStreak"] = h.Drifting,
                ["driftCycles"] = h.DriftCycles,
                ["lastRepaired"] = Time(h.LastRepaired),
                ["lastSuccess"] = Time(h.LastSuccess),
                ["lastStatus"] = EnforceState.Name(h.LastStatus),
            };
        }

        return new JsonObject { ["schema"] = "fleet-enforce-hosts/1", ["hosts"] = hosts }.ToJsonString(EnforceState.Indented) + "\n";
    }

    /// <summary>Reads <c>hosts.json</c> as written by <see cref="ToJson"/>; a missing or unreadable file is an empty history.</summary>
    public static DriftHistory Parse(string? json)
    {
        var history = new DriftHistory();
        if (string.IsNullOrWhiteSpace(json))
        {
            return history;
        }

        try
        {
            if (JsonNode.Parse(json)?["hosts"] is not JsonObject hosts)
            {
                return history;
            }

            foreach (var (name, node) in hosts)
            {
                if (node is not JsonObject h)
                {
                    continue;
                }

                history._hosts[name] = new HostHistory
                {
                    FirstDriftSeen = ReadTime(h["firstDriftSeen"]),
                    LastDriftSeen = ReadTime(h["lastDriftSeen"]),
                    Drifting = h["driftStreak"]?.GetValue<bool>() ?? false,
                    DriftCycles = h["driftCycles"]?.GetValue<long>() ?? 0,
                    LastRepaired = ReadTime(h["lastRepaired"]),
                    LastSuccess = ReadTime(h["lastSuccess"]),
                    LastStatus = Enum.TryParse<CycleHostStatus>(h["lastStatus"]?.GetValue<string>(), ignoreCase: true, out var s) ? s : CycleHostStatus.Ok,
                };
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // A damaged history must not stop the service: it starts a new one (the cycle reports are still there).
            return new DriftHistory();
        }

        return history;
    }

    private static JsonNode? Time(DateTimeOffset? at) => at is { } t ? JsonValue.Create(EnforceState.Time(t)) : null;

    private static DateTimeOffset? ReadTime(JsonNode? node) =>
        node?.GetValue<string>() is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal) : null;
}
