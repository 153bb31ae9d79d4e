using Fleet.Tests;
using Mono.Cecil;

namespace Fleet.Core.Tests.Architecture;

/// <summary>Fleet.Core's folders stand in one order, checked on the built assembly's type references: a folder uses only itself and folders below it.</summary>
public sealed class LayeringTests
{
    [Fact]
    public void EveryType_UsesOnlyItsLayerAndLayersBelow()
    {
        using var core = ReadCore();

        var uses = LayeringRule.WrongWayUses(core.MainModule);

        Assert.True(uses.Count == 0, $"{uses.Count} wrong-way uses:\n{string.Join('\n', uses)}");
    }

    [Fact]
    public void EveryNamespace_IsInALayer()
    {
        using var core = ReadCore();

        Assert.Empty(LayeringRule.NamespacesInNoLayer(core.MainModule));
    }

    [Fact]
    public void EveryFolder_IsItsFilesNamespace()
    {
        // The rule reads namespaces; this keeps them the folders, so a file cannot sit in one layer's folder and another's namespace.
        var core = Path.Combine(Repository.Root, "src", "Fleet.Core");
        var misplaced = new List<string>();
        foreach (var file in Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories))
        {
            var folder = Path.GetRelativePath(core, Path.GetDirectoryName(file)!);
            if (folder.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj")
            {
                continue;
            }

            var expected = folder is "Primitives" ? Layers.Root : Layers.Root + "." + folder.Replace(Path.DirectorySeparatorChar, '.');
            var declared = File.ReadLines(file).Where(l => l.StartsWith("namespace ", StringComparison.Ordinal)).Select(l => l["namespace ".Length..].TrimEnd(';', ' ', '{'));
            misplaced.AddRange(declared.Where(ns => ns != expected).Select(ns => $"{Path.GetRelativePath(core, file)}: namespace {ns}, folder says {expected}"));
        }

        Assert.Empty(misplaced);
    }

    [Fact]
    public void Layers_AreTheFolders()
    {
        var folders = Directory.EnumerateDirectories(Path.Combine(Repository.Root, "src", "Fleet.Core"))
            .Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).Select(f => f is "Primitives" ? "" : f!).Order(StringComparer.Ordinal);

        Assert.Equal(Layers.Order.Order(StringComparer.Ordinal), folders);
    }

    private static AssemblyDefinition ReadCore() => Assemblies.Read(typeof(Shard).Assembly.Location);
}
