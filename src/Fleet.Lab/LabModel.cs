namespace Fleet.Lab;

/// <summary>Options of <c>fleet lab up</c>.</summary>
public sealed record LabUpOptions
{
    /// <summary>Number of hosts. The default value is 3.</summary>
    public int Hosts { get; init; } = 3;

    /// <summary>The lab directory (inventory, key, known_hosts, per-host layers). The default value is /var/tmp/fleet-lab.</summary>
    public string Dir { get; init; } = "/var/tmp/fleet-lab";
}

/// <summary>One lab host.</summary>
/// <param name="Name">Host name (lab-01 …), also its hostname.</param>
/// <param name="Address">Its address on the lab bridge.</param>
/// <param name="Port">SSH port.</param>
/// <param name="InitPid">The machine's PID of the host's first process (tini).</param>
public sealed record LabHost(string Name, string Address, int Port, int InitPid);

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
