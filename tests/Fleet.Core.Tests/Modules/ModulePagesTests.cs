using System.Text.RegularExpressions;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Tests;

namespace Fleet.Core.Tests.Modules;

/// <summary>
/// docs/modules keeps a page for every module and engine action Fleet runs, and each page stays true to the code: it names
/// every parameter the module accepts, and its parameter tables name no parameter the module does not accept.
/// </summary>
public sealed partial class ModulePagesTests
{
    private static readonly string Pages = Path.Combine(Repository.Root, "docs", "modules");

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var name in Specs().Keys.Order(StringComparer.Ordinal))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryModule_HasAPageNamingEachOfItsParameters(string name)
    {
        var page = PageOf(name);
        Assert.True(page is not null, $"no page under docs/modules has '{name}' in its title");
        var text = File.ReadAllText(page);
        var missing = Specs()[name].Parameters.Select(p => p.Name).Where(p => !text.Contains($"`{p}`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"{Path.GetFileName(page)} does not name {name}'s parameters {string.Join(", ", missing)}");
    }

    [Fact]
    public void ParameterTables_NameOnlyParametersTheirModulesAccept()
    {
        var specs = Specs();
        var wrong = new List<string>();
        foreach (var page in Directory.EnumerateFiles(Pages, "*.md"))
        {
            var lines = File.ReadAllLines(page);
            var covered = specs.Where(s => Title(lines).Contains(s.Key)).SelectMany(s => s.Value.Parameters).ToList();
            var accepted = covered.SelectMany(p => (p.Aliases ?? []).Prepend(p.Name)).ToHashSet(StringComparer.Ordinal);
            foreach (var row in ParameterRows(lines))
            {
                wrong.AddRange(CellNames().Matches(row.Split('|')[1]).Select(m => m.Groups[1].Value).Where(n => !accepted.Contains(n)).Select(n => $"{Path.GetFileName(page)}: {n}"));
            }
        }

        Assert.True(wrong.Count == 0, "parameter tables name parameters the modules do not accept: " + string.Join("; ", wrong));
    }

    private static Dictionary<string, IModuleSpec> Specs()
    {
        var specs = BuiltInModules.All().ToDictionary(m => m.Name, m => (IModuleSpec)m, StringComparer.Ordinal);
        foreach (var action in ActionSpec.All.Values)
        {
            specs[action.Name] = action;
        }

        return specs;
    }

    private static string? PageOf(string name) =>
        Directory.EnumerateFiles(Pages, "*.md").FirstOrDefault(p => Title(File.ReadAllLines(p)).Contains(name));

    /// <summary>The words of a page's first heading: the modules it documents.</summary>
    private static HashSet<string> Title(string[] lines) =>
        TitleWords().Matches(lines.FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal)) ?? "").Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>The rows of every table whose first header cell is "parameter".</summary>
    private static IEnumerable<string> ParameterRows(string[] lines)
    {
        var inTable = false;
        foreach (var line in lines)
        {
            if (!line.StartsWith('|'))
            {
                inTable = false;
            }
            else if (line.StartsWith("| parameter", StringComparison.Ordinal))
            {
                inTable = true;
            }
            else if (inTable && !line.StartsWith("|--", StringComparison.Ordinal) && !line.StartsWith("|:-", StringComparison.Ordinal))
            {
                yield return line;
            }
        }
    }

    [GeneratedRegex(@"[a-z_][a-z0-9_]*")]
    private static partial Regex TitleWords();

    [GeneratedRegex(@"`([a-z_][a-z0-9_]*)`")]
    private static partial Regex CellNames();
}
