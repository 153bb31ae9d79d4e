using System.Xml.Linq;
using Fleet.Tests;

namespace Fleet.Core.Tests.Architecture;

/// <summary>
/// The projects stand in one order: Fleet.Core at the bottom references no other Fleet project; Fleet.Ssh and Fleet.Lab use
/// only Core; Fleet.Enforce uses Core and Ssh; the CLI (assembly <c>fleet</c>) is on top and may use them all.
/// </summary>
public sealed class ProjectReferenceTests
{
    /// <summary>Each project and the Fleet projects it may reference.</summary>
    private static readonly Dictionary<string, string[]> MayReference = new(StringComparer.Ordinal)
    {
        ["Fleet.Core"] = [],
        ["Fleet.Ssh"] = ["Fleet.Core"],
        ["Fleet.Lab"] = ["Fleet.Core"],
        ["Fleet.Enforce"] = ["Fleet.Core", "Fleet.Ssh"],
        ["Fleet.Cli"] = ["Fleet.Core", "Fleet.Ssh", "Fleet.Lab", "Fleet.Enforce"],
    };

    /// <summary>The assembly each project builds.</summary>
    private static readonly Dictionary<string, string> AssemblyOf = new(StringComparer.Ordinal)
    {
        ["Fleet.Core"] = "Fleet.Core", ["Fleet.Ssh"] = "Fleet.Ssh", ["Fleet.Lab"] = "Fleet.Lab", ["Fleet.Enforce"] = "Fleet.Enforce", ["Fleet.Cli"] = "fleet",
    };

    [Fact]
    public void EveryProject_IsInTheOrder()
    {
        var projects = Directory.EnumerateDirectories(Path.Combine(Repository.Root, "src")).Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(MayReference.Keys.Order(StringComparer.Ordinal), projects);
    }

    [Fact]
    public void EveryProjectFile_ReferencesOnlyProjectsBelowIt()
    {
        var wrong = new List<string>();
        foreach (var (project, allowed) in MayReference)
        {
            var file = XDocument.Load(Path.Combine(Repository.Root, "src", project, project + ".csproj"));
            var referenced = file.Descendants("ProjectReference").Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')));
            wrong.AddRange(referenced.Where(r => !allowed.Contains(r)).Select(r => $"{project} references {r}"));
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public void EveryBuiltAssembly_ReferencesOnlyAssembliesBelowIt()
    {
        // The test's own output path (bin/Release/net10.0/) is where each project built its assembly in the same build.
        var output = Path.GetRelativePath(Path.Combine(Repository.Root, "tests", "Fleet.Core.Tests"), AppContext.BaseDirectory);
        var fleet = AssemblyOf.Values.ToHashSet(StringComparer.Ordinal);
        var wrong = new List<string>();
        foreach (var (project, allowed) in MayReference)
        {
            var path = Path.Combine(Repository.Root, "src", project, output, AssemblyOf[project] + ".dll");
            Assert.True(File.Exists(path), $"{path} is not built: build Fleet.sln before the tests");
            using var assembly = Assemblies.Read(path);
            var allowedAssemblies = allowed.Select(a => AssemblyOf[a]).ToHashSet(StringComparer.Ordinal);
            wrong.AddRange(assembly.MainModule.AssemblyReferences.Select(r => r.Name).Where(n => fleet.Contains(n) && !allowedAssemblies.Contains(n)).Select(n => $"{project} references {n}"));
        }

        Assert.Empty(wrong);
    }
}
