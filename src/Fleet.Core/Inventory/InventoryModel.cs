
namespace Fleet.Core.Inventory;

/// <summary>A host of the inventory with its merged variables.</summary>
public sealed class InventoryHost
{
    internal InventoryHost(string name, IReadOnlyDictionary<string, object?> vars, IReadOnlyDictionary<string, SourceLocation> varLocations, IReadOnlyList<string> groups, SourceLocation location)
    {
        Name = name;
        Vars = vars;
        VarLocations = varLocations;
        Groups = groups;
        Location = location;
    }

    /// <summary>Inventory name.</summary>
    public string Name { get; }

    /// <summary>Variables merged all → parent groups → child groups → host; connection aliases (ansible_*) under Fleet's names.</summary>
    public IReadOnlyDictionary<string, object?> Vars { get; }

    /// <summary>Where each variable's value was written.</summary>
    public IReadOnlyDictionary<string, SourceLocation> VarLocations { get; }

    /// <summary>
    /// The name a variable of <see cref="Vars"/> was written under when that is an Ansible alias of Fleet's name
    /// (<c>address</c> ← <c>ansible_host</c>), so the inventory can be shown as written, as <c>ansible-inventory --host</c> does.
    /// The default value is empty.
    /// </summary>
    public IReadOnlyDictionary<string, string> WrittenNames { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Every group containing the host, ancestors and "all" included.</summary>
    public IReadOnlyList<string> Groups { get; }

    /// <summary>Where the host was first declared.</summary>
    public SourceLocation Location { get; }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>A group of the inventory.</summary>
/// <param name="Name">Group name.</param>
/// <param name="Hosts">Hosts declared directly in it.</param>
/// <param name="Children">Child group names.</param>
/// <param name="Vars">The group's own variables.</param>
public sealed record InventoryGroup(string Name, IReadOnlyList<string> Hosts, IReadOnlyList<string> Children, IReadOnlyDictionary<string, object?> Vars);
