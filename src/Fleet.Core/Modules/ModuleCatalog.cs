namespace Fleet.Core.Modules;

/// <summary>The modules Fleet ships, by name.</summary>
public sealed class ModuleCatalog : IModuleCatalog
{
    private readonly Dictionary<string, Module> _modules;

    /// <summary>Creates a catalog of the given modules.</summary>
    public ModuleCatalog(IEnumerable<Module> modules) =>
        _modules = modules.ToDictionary(m => m.Name, StringComparer.Ordinal);

    /// <summary>Every module Fleet ships.</summary>
    public static ModuleCatalog Default { get; } = new(BuiltInModules.All());

    /// <inheritdoc />
    public IEnumerable<string> Names => _modules.Keys.Order(StringComparer.Ordinal);

    /// <inheritdoc />
    public IModuleSpec? Find(string name) => Get(name);

    /// <summary>The module with this name, or null.</summary>
    public Module? Get(string name) => _modules.GetValueOrDefault(name);
}
