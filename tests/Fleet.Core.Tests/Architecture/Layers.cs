namespace Fleet.Core.Tests.Architecture;

/// <summary>
/// Fleet.Core's layers, bottom to top: a namespace may use its own layer and the layers below it. The root namespace
/// <c>Fleet.Core</c> (the Primitives folder) is the bottom. Inside Modules, a module (<c>Fleet.Core.Modules.X</c>) may use the
/// Modules root, the shared modules and the lower layers, but no other module unless an edge below says why; the Modules root
/// may use every module, because it is where they are registered (BuiltInModules).
/// </summary>
internal static class Layers
{
    /// <summary>The assembly's root namespace, the Primitives layer.</summary>
    public const string Root = "Fleet.Core";

    /// <summary>The layer whose sub-namespaces are modules that must not use each other.</summary>
    public const string Modules = "Modules";

    /// <summary>Bottom to top; "" is the root namespace itself (folder Primitives).</summary>
    public static readonly IReadOnlyList<string> Order =
        ["", "Vault", "Remote", "Results", "Templating", "Yaml", "Inventory", "Facts", Modules, "Playbooks", "Reports", "Execution", "Inputs"];

    /// <summary>Modules every module may use: Files holds the file writer and diff (FileChange, TextDiff, FileMode, TextEditModule).</summary>
    public static readonly IReadOnlySet<string> SharedModules = new HashSet<string>(StringComparer.Ordinal) { "Files" };

    /// <summary>The only uses between two modules, one way each: sshd's lockout check reads the firewall's state as ufw reads it.</summary>
    public static readonly IReadOnlySet<(string From, string To)> ModuleUses = new HashSet<(string, string)> { ("Sshd", "Ufw") };

    /// <summary>Where a namespace sits; null when it is outside Fleet.Core (the runtime, packages) or in Fleet.Core but in no layer.</summary>
    public static Place? Of(string ns)
    {
        if (ns == Root)
        {
            return new Place(0, "", null);
        }

        if (!ns.StartsWith(Root + ".", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = ns[(Root.Length + 1)..].Split('.');
        var rank = IndexOf(parts[0]);
        if (rank <= 0)
        {
            return null;
        }

        return new Place(rank, parts[0], parts[0] == Modules && parts.Length > 1 ? parts[1] : null);
    }

    /// <summary>Whether a namespace is Fleet.Core's (in a layer or not), so that a namespace in no layer is noticed.</summary>
    public static bool IsFleetCore(string ns) => ns == Root || ns.StartsWith(Root + ".", StringComparison.Ordinal);

    /// <summary>Whether code at <paramref name="from"/> may use a type at <paramref name="to"/>.</summary>
    public static bool MayUse(Place from, Place to) =>
        to.Rank < from.Rank
        || (to.Rank == from.Rank
            && (to.Module is null || from.Module is null || to.Module == from.Module || SharedModules.Contains(to.Module) || ModuleUses.Contains((from.Module, to.Module))));

    private static int IndexOf(string layer)
    {
        for (var i = 0; i < Order.Count; i++)
        {
            if (Order[i] == layer)
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>A namespace's layer: its rank (0 = Primitives), its name ("" for Primitives) and, in Modules, the module.</summary>
internal readonly record struct Place(int Rank, string Layer, string? Module)
{
    /// <inheritdoc />
    public override string ToString() => (Layer.Length == 0 ? "Primitives" : Layer) + (Module is null ? "" : "." + Module);
}
