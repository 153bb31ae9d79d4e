using System.Text.RegularExpressions;
using Fleet.Cli;
using Fleet.Cli.Commands;
using Fleet.Core.Inputs;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Templating;
using Fleet.Tests;
using Spectre.Console.Cli;

namespace Fleet.Core.Tests.Docs;

/// <summary>
/// docs/ansible-differences.md stays true to the code: each row of its <c>Refused | Input | Instead</c> tables is refused by Fleet's
/// validator or command line naming the refused item, at a place; and every refusal the code keeps in a table (play and task
/// keywords, inventory variables, ansible-playbook options) and every module of Fleet's own is on the page.
/// </summary>
public sealed partial class AnsibleDifferencesPageTests : IDisposable
{
    private static readonly string PagePath = Path.Combine(Repository.Root, "docs", "ansible-differences.md");

    /// <summary>The collections whose modules Fleet implements.</summary>
    private static readonly string[] Collections = ["ansible.posix", "community.general", "community.crypto"];

    private const string GoodPlaybook = "- hosts: all\n  tasks:\n    - command: echo hi\n";

    private readonly TempFiles _files = new();

    /// <summary>One refused item of the page and the input that shows it, with the page's line for messages.</summary>
    public sealed record Refusal(string Name, string Input, int Line);

    public void Dispose() => _files.Dispose();

    /// <summary>Every refused item of the page's refusal tables; a row naming several items gives one each (NAME in its input replaced).</summary>
    public static IReadOnlyList<Refusal> Refusals()
    {
        var lines = File.ReadAllLines(PagePath);
        var refusals = new List<Refusal>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!RefusalHeader().IsMatch(lines[i]))
            {
                continue;
            }

            for (i += 2; i < lines.Length && lines[i].StartsWith('|'); i++)
            {
                var cells = lines[i].Split('|');
                var input = CodeSpan().Match(cells[2]).Groups[1].Value;
                foreach (Match name in CodeSpan().Matches(cells[1]))
                {
                    refusals.Add(new Refusal(name.Groups[1].Value, input.Replace("NAME", name.Groups[1].Value, StringComparison.Ordinal), i + 1));
                }
            }
        }

        return refusals;
    }

    public static TheoryData<string> RefusalInputs()
    {
        var data = new TheoryData<string>();
        foreach (var refusal in Refusals())
        {
            data.Add(refusal.Input);
        }

        return data;
    }

    [Fact]
    public void Page_HasRefusalRows()
    {
        Assert.True(Refusals().Count > 50, "the page's refusal tables were not found (a header | Refused | Input | Instead |)");
    }

    [Theory]
    [MemberData(nameof(RefusalInputs))]
    public void ListedRefusal_IsRefusedNamingIt(string input)
    {
        var refusal = Refusals().First(r => r.Input == input);

        var errors = Refuse(refusal.Input);

        Assert.True(errors.Count > 0, $"docs/ansible-differences.md:{refusal.Line}: Fleet accepts {refusal.Input}");
        // An inventory variable's error may name the keyword it sets (become_method for ansible_become_method).
        var named = new[] { refusal.Name, refusal.Name.StartsWith("ansible_", StringComparison.Ordinal) ? refusal.Name["ansible_".Length..] : refusal.Name };
        Assert.True(errors.Any(e => named.Any(n => e.Contains(n, StringComparison.Ordinal))), $"docs/ansible-differences.md:{refusal.Line}: no error names {refusal.Name}:\n{string.Join("\n", errors)}");
    }

    [Fact]
    public void EveryRefusalTableOfTheCode_IsOnThePage()
    {
        var listed = Refusals().Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var known = new Dictionary<string, IEnumerable<string>>
        {
            ["play keyword"] = PlayReader.Refused.Keys,
            ["task keyword"] = TaskReader.Refused.Keys,
            ["inventory variable"] = ConnectionVariables.Refused.Keys,
            ["ansible-playbook option"] = UnknownNames.AnsibleOnly.Keys,
        };

        var missing = known.SelectMany(kind => kind.Value.Where(name => !listed.Contains(name)).Select(name => $"{kind.Key} {name}")).ToList();

        Assert.True(missing.Count == 0, "docs/ansible-differences.md does not list: " + string.Join(", ", missing));
    }

    [Fact]
    public void RefusedFiltersAndTests_AreExactlyFleetsTable()
    {
        Assert.Equal(RefusedPlugins.Filters.Keys.Order(StringComparer.Ordinal), FirstColumnNames("Refused filter"));
        Assert.Equal(RefusedPlugins.Tests.Keys.Order(StringComparer.Ordinal), FirstColumnNames("Refused test"));
    }

    /// <summary>Every code span of the first column of the table headed <paramref name="header"/>, sorted.</summary>
    private static List<string> FirstColumnNames(string header)
    {
        var lines = File.ReadAllLines(PagePath);
        var start = Array.FindIndex(lines, l => l.StartsWith($"| {header} |", StringComparison.Ordinal));
        Assert.True(start >= 0, $"no table headed '{header}' in docs/ansible-differences.md");
        return lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|')).SelectMany(l => CodeSpan().Matches(l.Split('|')[1])).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public void AnsibleEnvironmentVariablesTheCodeReads_AreNamedOnThePage()
    {
        // The page says which of Ansible's environment variables Fleet reads: every one the code reads must be among them.
        var read = Directory.EnumerateFiles(Path.Combine(Repository.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => AnsibleVariable().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
        var page = File.ReadAllText(PagePath);

        Assert.NotEmpty(read);
        Assert.All(read, name => Assert.True(page.Contains($"`{name}`", StringComparison.Ordinal), $"docs/ansible-differences.md does not say Fleet reads {name}"));
    }

    [GeneratedRegex("\"(ANSIBLE_[A-Z_]+)\"")]
    private static partial Regex AnsibleVariable();

    [Fact]
    public void FleetOnlyModules_AreExactlyThoseAnsibleLacks()
    {
        var fleetOnly = BuiltInModules.All().Select(m => m.Name).Where(name => AnsibleModuleNames.Resolve(name, Collections) is null).Order(StringComparer.Ordinal);

        Assert.Equal(fleetOnly, TableColumn("Fleet-only module").Select(row => row[0]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ShortNamesAnsibleDoesNotResolve_AreListed()
    {
        var shortOnly = BuiltInModules.All().Select(m => m.Name)
            .Where(name => AnsibleModuleNames.Resolve(name, []) is null && AnsibleModuleNames.Resolve(name, Collections) is not null)
            .Select(name => $"{name} {AnsibleModuleNames.Resolve(name, Collections)}").Order(StringComparer.Ordinal);

        Assert.Equal(shortOnly, TableColumn("Short name").Select(row => $"{row[0]} {row[1]}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void FleetOnlyParameters_AreParametersOfTheirModules()
    {
        var modules = BuiltInModules.All().ToDictionary(m => m.Name, StringComparer.Ordinal);
        var rows = TableColumn("Fleet-only parameter");

        Assert.NotEmpty(rows);
        Assert.All(rows, row => Assert.True(modules.TryGetValue(row[1], out var module) && module.Parameters.Any(p => p.Name == row[0]), $"{row[1]} has no parameter {row[0]}"));
    }

    [Fact]
    public void AnsiblePlaybookOptionsListedAsTaken_AreOptionsOfFleetApply()
    {
        var lines = File.ReadAllLines(PagePath);
        var start = Array.FindIndex(lines, l => l.StartsWith("| ansible-playbook option |", StringComparison.Ordinal));
        var options = lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|')).SelectMany(l => CodeSpan().Matches(l.Split('|')[1])).Select(m => m.Groups[1].Value).ToList();

        Assert.True(options.Count > 20, "the page's table of ansible-playbook options was not found");
        // Without its playbook argument the parser stops at that after reading the option, and nothing runs.
        Assert.All(options, option => Assert.DoesNotContain(RefuseCommandLine(["apply", option]), m => m.StartsWith("Unknown option", StringComparison.Ordinal) || m.Contains("ansible-playbook's", StringComparison.Ordinal)));
    }

    /// <summary>The error messages Fleet gives for a page input; empty when it accepts it.</summary>
    private List<string> Refuse(string input)
    {
        if (input.StartsWith("fleet ", StringComparison.Ordinal))
        {
            return RefuseCommandLine(input["fleet ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }

        // A role for the include and import rows to find.
        _files.Write("roles/r/tasks/main.yml", "- debug: { msg: hi }\n");
        var options = input.StartsWith("playbook: ", StringComparison.Ordinal)
            ? new RunInputsOptions { InventoryOptional = true, Playbooks = [_files.Write("pb.yml", input["playbook: ".Length..])], CheckTargets = false }
            : input.StartsWith("inventory: ", StringComparison.Ordinal)
                ? new RunInputsOptions { Inventory = _files.Write("inv.yml", input["inventory: ".Length..]), Playbooks = [_files.Write("pb.yml", GoodPlaybook)], CheckTargets = false }
                : throw new InvalidOperationException($"an input is 'playbook: ', 'inventory: ' or 'fleet ': {input}");
        try
        {
            RunInputs.Load(options);
            return [];
        }
        catch (FleetInputException ex)
        {
            // Each error must be located in the file it concerns.
            Assert.All(ex.Errors, e => Assert.StartsWith(_files.Dir, e.Location?.File ?? "", StringComparison.Ordinal));
            return ex.Errors.Select(e => e.Message).ToList();
        }
    }

    /// <summary>What fleet's own parser and its explanation of unknown options say to <paramref name="args"/>.</summary>
    private static List<string> RefuseCommandLine(string[] args)
    {
        Exception? refused = null;
        var app = new CommandApp();
        app.Configure(config =>
        {
            Program.Configure(config);
            config.SetExceptionHandler((ex, _) =>
            {
                refused = ex;
                return 1;
            });
        });

        app.Run(args);
        return refused is null ? [] : [UnknownNames.Explain(refused, args).Message];
    }

    /// <summary>The code-span cells of each row of the page's table whose first header is <paramref name="header"/>.</summary>
    private static List<string[]> TableColumn(string header)
    {
        var lines = File.ReadAllLines(PagePath);
        var start = Array.FindIndex(lines, l => l.StartsWith($"| {header} |", StringComparison.Ordinal));
        Assert.True(start >= 0, $"no table headed '{header}' in docs/ansible-differences.md");
        return lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Split('|')[1..^1].Select(c => CodeSpan().Match(c) is { Success: true } m ? m.Groups[1].Value : c.Trim()).ToArray())
            .ToList();
    }

    [GeneratedRegex(@"^\| Refused \| Input \| Instead \|$")]
    private static partial Regex RefusalHeader();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();
}
