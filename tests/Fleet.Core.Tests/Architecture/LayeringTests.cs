using System.Text.RegularExpressions;
using Fleet.Tests;

namespace Fleet.Core.Tests.Architecture;

/// <summary>Fleet.Core's folders stand in one order: a folder may use only folders below it, so no two import each other.</summary>
public sealed partial class LayeringTests
{
    // Bottom to top. Primitives (namespace Fleet.Core) sit under everything and are not listed.
    private static readonly string[] Layers =
        ["Remote", "Results", "Templating", "Yaml", "Inventory", "Facts", "Modules", "Playbooks", "Reports", "Execution"];

    [Fact]
    public void EveryFolder_UsesOnlyFoldersBelowIt()
    {
        var core = Path.Combine(Repository.Root, "src", "Fleet.Core");
        var violations = new List<string>();
        foreach (var file in Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/") && !f.Contains("/bin/")))
        {
            var folder = Path.GetRelativePath(core, file).Split('/')[0];
            var rank = Array.IndexOf(Layers, folder);
            if (rank < 0)
            {
                Assert.True(folder is "Primitives" || !folder.Contains('.'), $"{file}: folder {folder} is in no layer");
                continue;
            }

            foreach (Match used in FleetNamespace().Matches(File.ReadAllText(file)))
            {
                var target = used.Groups[1].Value;
                if (target != folder && Array.IndexOf(Layers, target) > rank)
                {
                    violations.Add($"{Path.GetRelativePath(core, file)} uses {target}");
                }
            }
        }

        Assert.Empty(violations);
    }

    [GeneratedRegex(@"\bFleet\.Core\.([A-Z][A-Za-z]+)\b")]
    private static partial Regex FleetNamespace();
}
