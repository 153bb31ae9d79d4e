namespace Fleet.Core;

/// <summary>How host keys are checked against the known_hosts file.</summary>
public enum HostKeyPolicy
{
    /// <summary>Only keys already in known_hosts are accepted.</summary>
    Strict,
    /// <summary>Unknown hosts' keys are recorded (safe under parallel connects); a changed key is refused. The default.</summary>
    AcceptNew,
    /// <summary>Every key is accepted and nothing is recorded (lab and throwaway hosts only).</summary>
    Off,
}

/// <summary>The names of <see cref="HostKeyPolicy"/> as the command line and the inventory's <c>host_key_policy</c> write them.</summary>
public static class HostKeyPolicyNames
{
    /// <summary>The policy named <paramref name="name"/> (strict, accept-new or off), or null for another word.</summary>
    public static HostKeyPolicy? Parse(string? name) => name switch
    {
        "strict" => HostKeyPolicy.Strict,
        "accept-new" => HostKeyPolicy.AcceptNew,
        "off" => HostKeyPolicy.Off,
        _ => null,
    };

    /// <summary>
    /// OpenSSH's <c>StrictHostKeyChecking</c> value (case-insensitive, as ssh reads it) as Fleet's policy name: yes/true → strict,
    /// ask → strict (Fleet asks nothing mid-run, and ssh without a terminal refuses an unknown key the same way), accept-new →
    /// accept-new, no/false/off → off; null for another word.
    /// </summary>
    public static string? FromStrictHostKeyChecking(string value) => value.ToLowerInvariant() switch
    {
        "yes" or "true" or "ask" => "strict",
        "accept-new" => "accept-new",
        "no" or "false" or "off" => "off",
        _ => null,
    };
}
