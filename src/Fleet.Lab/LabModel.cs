namespace Fleet.Lab;

/// <summary>Options of <c>fleet lab up</c>.</summary>
public sealed record LabUpOptions
{
    /// <summary>Number of hosts. The default value is 3.</summary>
    public int Hosts { get; init; } = 3;

    /// <summary>The lab directory (inventory, key, known_hosts, per-host layers). The default value is /var/tmp/fleet-lab.</summary>
    public string Dir { get; init; } = "/var/tmp/fleet-lab";

    /// <summary>
    /// Round trip added in front of hosts by a delaying TCP proxy (half each way), or zero for none. The default value is zero.
    /// </summary>
    public TimeSpan Rtt { get; init; }

    /// <summary>The hosts behind the <see cref="Rtt"/> proxy (lab-02 …), or null for every host. The default value is null.</summary>
    public IReadOnlyList<string>? RttHosts { get; init; }
}

/// <summary>One lab host.</summary>
/// <param name="Name">Host name (lab-01 …), also its hostname.</param>
/// <param name="Address">Its address on the lab bridge.</param>
/// <param name="Port">SSH port.</param>
/// <param name="InitPid">The machine's PID of the host's first process (tini).</param>
/// <param name="ProxyPort">
/// When the host is behind the lab's delaying proxy (<c>lab up --rtt</c>): the proxy's port on the bridge address, which the
/// inventory names instead of the host's own address; 0 when the inventory reaches the host directly.
/// </param>
public sealed record LabHost(string Name, string Address, int Port, int InitPid, int ProxyPort = 0);

/// <summary>A running lab: where its files are and its hosts.</summary>
/// <param name="Dir">Lab directory.</param>
/// <param name="InventoryPath">lab-inventory.yml.</param>
/// <param name="PrivateKeyPath">Root's private key for every host.</param>
/// <param name="PublicKeyPath">Its public half.</param>
/// <param name="KnownHostsPath">known_hosts with every host's keys.</param>
/// <param name="Hosts">The hosts.</param>
/// <param name="Index">Lab number k: addresses 10.213.k.0/24, bridge flab{k}.</param>
public sealed record LabInfo(string Dir, string InventoryPath, string PrivateKeyPath, string PublicKeyPath, string KnownHostsPath, IReadOnlyList<LabHost> Hosts, int Index = 0);

/// <summary>The lab cannot be created or used (not root, not Linux, a tool missing, a host not starting).</summary>
public sealed class LabException : Exception
{
    /// <summary>Creates the exception with a user-facing reason.</summary>
    public LabException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public LabException() { }

    /// <summary>Creates the exception.</summary>
    public LabException(string message, Exception inner) : base(message, inner) { }
}
