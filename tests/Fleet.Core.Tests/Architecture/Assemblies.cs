using Mono.Cecil;

namespace Fleet.Core.Tests.Architecture;

/// <summary>Reads built assemblies for the architecture tests, resolving the runtime's and the tests' own assemblies (attribute arguments need them).</summary>
internal static class Assemblies
{
    /// <summary>The assembly at <paramref name="path"/>.</summary>
    public static AssemblyDefinition Read(string path) => AssemblyDefinition.ReadAssembly(path, Parameters());

    /// <summary>The assembly in <paramref name="image"/>, as a test builds it.</summary>
    public static AssemblyDefinition Read(Stream image) => AssemblyDefinition.ReadAssembly(image, Parameters());

    private static ReaderParameters Parameters()
    {
        var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(AppContext.BaseDirectory);
        resolver.AddSearchDirectory(Path.GetDirectoryName(typeof(object).Assembly.Location)!);
        return new ReaderParameters { AssemblyResolver = resolver };
    }
}
