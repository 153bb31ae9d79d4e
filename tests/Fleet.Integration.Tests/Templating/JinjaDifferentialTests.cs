using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Core.Templating;
using Fleet.Lab;

namespace Fleet.Integration.Tests.Templating;

/// <summary>
/// Fleet's Jinja engine against Jinja itself: every template of <see cref="JinjaCorpus"/> is rendered by Debian's python3-jinja2
/// (configured as Ansible configures it, with Ansible's filter and test plugins, see jinja_oracle.py) and by Fleet, and the two
/// outputs must be equal byte for byte; where Jinja refuses a template, Fleet must refuse it too.
/// </summary>
public sealed class JinjaDifferentialTests
{
    [LabFact]
    public async Task Corpus_RendersLikeJinja_ByteForByte()
    {
        await MachinePackages.EnsureAsync(MachinePackages.Oracles, Environment.UserName == "root", _ => { }, CancellationToken.None);
        var directory = Directory.CreateTempSubdirectory("fleet-jinja-");
        try
        {
            var corpus = new JsonObject
            {
                ["vars"] = JsonNode.Parse(JinjaCorpus.Variables),
                ["cases"] = new JsonArray(JinjaCorpus.Cases.Select(c => (JsonNode)new JsonObject
                {
                    ["name"] = c.Name,
                    ["template"] = c.Template,
                    ["options"] = new JsonObject { ["trim_blocks"] = c.Options.TrimBlocks, ["lstrip_blocks"] = c.Options.LstripBlocks },
                    ["searchpath"] = c.Files is null ? null : WriteFiles(directory.FullName, c.Files),
                }).ToArray()),
            };
            var input = Path.Combine(directory.FullName, "corpus.json");
            var output = Path.Combine(directory.FullName, "jinja.json");
            await File.WriteAllTextAsync(input, corpus.ToJsonString());

            var (exit, _, stderr) = await MachineProcess.RunAsync("/usr/bin/python3", Path.Combine(AppContext.BaseDirectory, "jinja_oracle.py"), input, output);
            Assert.True(exit == 0, $"the Jinja oracle failed: {stderr}");

            var expected = JsonNode.Parse(await File.ReadAllTextAsync(output))!.AsArray();
            var variables = VariableScope.Of((IReadOnlyDictionary<string, object?>)FromJson(JsonNode.Parse(JinjaCorpus.Variables))!);
            var differences = new List<string>();
            foreach (var (testCase, jinja) in JinjaCorpus.Cases.Zip(expected))
            {
                var (fleet, fleetError) = RenderWithFleet(testCase, variables, directory.FullName);
                if (jinja!["error"] is { } error)
                {
                    if (fleetError is null)
                    {
                        differences.Add($"{testCase.Name}: Jinja refuses ({error}) but Fleet renders {Show(fleet)}");
                    }
                }
                else if (fleetError is not null)
                {
                    differences.Add($"{testCase.Name}: Jinja renders {Show(jinja["output"]!.GetValue<string>())} but Fleet refuses: {fleetError}");
                }
                else if (fleet != jinja["output"]!.GetValue<string>())
                {
                    differences.Add($"{testCase.Name}:\n  jinja: {Show(jinja["output"]!.GetValue<string>())}\n  fleet: {Show(fleet)}");
                }
            }

            Assert.True(JinjaCorpus.Cases.Count >= 150, "the corpus covers every construct and filter");
            Assert.True(differences.Count == 0, $"{differences.Count} of {JinjaCorpus.Cases.Count} templates differ from Jinja:\n" + string.Join("\n", differences));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The other templates of the corpus, in one directory under <paramref name="root"/> (the search path).</summary>
    private static string WriteFiles(string root, IReadOnlyDictionary<string, string> files)
    {
        var directory = Path.Combine(root, "templates");
        foreach (var (name, text) in files)
        {
            var path = Path.Combine(directory, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }

        return directory;
    }

    private static (string? Output, string? Error) RenderWithFleet(JinjaCorpus.Case testCase, VariableScope variables, string root)
    {
        try
        {
            return (testCase.Files is null
                ? Template.RenderFile(testCase.Template, testCase.Name, variables, testCase.Options)
                : Template.RenderFile(testCase.Template, testCase.Name, variables, testCase.Options, [WriteFiles(root, testCase.Files)]), null);
        }
        catch (FleetInputException ex)
        {
            return (null, ex.Message);
        }
    }

    private static string Show(string? text) => JsonSerializer.Serialize(text);

    /// <summary>JSON as Fleet's variables hold values: text, long, double, bool, null, lists and ordered maps.</summary>
    internal static object? FromJson(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => FromJson(p.Value), StringComparer.Ordinal),
        JsonArray a => a.Select(FromJson).ToList(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        JsonValue v when v.TryGetValue<long>(out var n) => n,
        JsonValue v => v.GetValue<double>(),
        _ => throw new ArgumentException($"unexpected JSON {node}"),
    };
}
