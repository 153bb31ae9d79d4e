namespace Fleet.Core.Modules;

/// <summary>The list of shipped modules; a new module is added here.</summary>
internal static class BuiltInModules
{
    public static IEnumerable<Module> All() => [];
}
