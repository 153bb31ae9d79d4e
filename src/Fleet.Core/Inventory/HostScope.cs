using Fleet.Core.Templating;

namespace Fleet.Core.Inventory;

/// <summary>
/// The variables of one host outside a task (connection variables), low to high precedence as in Ansible: inventory (merged),
/// the host's magic variables, facts, play vars, extra vars, <c>groups</c>.
/// </summary>
public static class HostScope
{
    /// <summary>The scope of <paramref name="host"/>; <paramref name="groups"/> maps each group to its host names, for the <c>groups</c> variable.</summary>
    public static VariableScope For(
        InventoryHost host,
        IReadOnlyDictionary<string, object?> playVars,
        IReadOnlyDictionary<string, object?>? facts,
        IReadOnlyDictionary<string, object?>? extraVars,
        IReadOnlyDictionary<string, object?>? groups = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        return VariableScope.Of(
            new Dictionary<string, object?>(StringComparer.Ordinal) { ["groups"] = groups ?? new Dictionary<string, object?>() },
            extraVars ?? new Dictionary<string, object?>(),
            playVars,
            facts ?? new Dictionary<string, object?>(),
            HostMagic(host),
            host.Vars);
    }

    /// <summary>A task's <c>ansible_connection</c> where no variable sets it (Ansible's play context gives it; hostvars do not show it): ssh.</summary>
    public static IReadOnlyDictionary<string, object?> ConnectionFallback { get; } =
        new Dictionary<string, object?>(StringComparer.Ordinal) { ["ansible_connection"] = "ssh" };

    /// <summary>
    /// The host's own magic variables, <c>inventory_hostname</c>, <c>inventory_hostname_short</c>, <c>group_names</c>: Ansible ranks
    /// them with the inventory's host vars (above them), below facts, play vars and extra vars.
    /// </summary>
    public static Dictionary<string, object?> HostMagic(InventoryHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["inventory_hostname"] = host.Name,
            ["inventory_hostname_short"] = host.Name.Split('.')[0],
            ["group_names"] = host.Groups.Where(g => g != "all").Order(StringComparer.Ordinal).Cast<object?>().ToList(),
        };
    }

    /// <summary>The magic variables of <paramref name="host"/>: <c>inventory_hostname</c>, <c>inventory_hostname_short</c>, <c>group_names</c>, <c>groups</c>.</summary>
    public static Dictionary<string, object?> Magic(InventoryHost host, IReadOnlyDictionary<string, object?>? groups)
    {
        var magic = HostMagic(host);
        magic["groups"] = groups ?? new Dictionary<string, object?>();
        return magic;
    }
}
