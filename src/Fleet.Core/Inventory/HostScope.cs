using Fleet.Core.Templating;

namespace Fleet.Core.Inventory;

/// <summary>
/// The variables of one host in one play, low to high precedence: facts, inventory (merged), play vars, extra vars (<c>--var</c>),
/// plus the magic variables <c>inventory_hostname</c>, <c>group_names</c> and <c>groups</c>.
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
        return VariableScope.Of(extraVars ?? new Dictionary<string, object?>(), playVars, host.Vars, facts ?? new Dictionary<string, object?>(), Magic(host, groups));
    }

    /// <summary>The magic variables of <paramref name="host"/>: <c>inventory_hostname</c>, <c>inventory_hostname_short</c>, <c>group_names</c>, <c>groups</c>.</summary>
    public static Dictionary<string, object?> Magic(InventoryHost host, IReadOnlyDictionary<string, object?>? groups)
    {
        ArgumentNullException.ThrowIfNull(host);
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["inventory_hostname"] = host.Name,
            ["inventory_hostname_short"] = host.Name.Split('.')[0],
            ["group_names"] = host.Groups.Where(g => g != "all").Order(StringComparer.Ordinal).Cast<object?>().ToList(),
            ["groups"] = groups ?? new Dictionary<string, object?>(),
        };
    }
}
