using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Core.Execution;
using Fleet.Core.Playbooks;
using Fleet.Core.Templating;
using Fleet.Lab;

namespace Fleet.Integration.Tests.Templating;

/// <summary>
/// Fleet's loops and lookups against Ansible's: every case of <see cref="Cases"/> is a <c>with_X</c> loop (<c>debug: var=item</c>) or a
/// <c>lookup()</c>/<c>query()</c> (<c>debug: msg=…</c>) in one playbook run by ansible-playbook on the controller (JSON callback), and
/// Fleet's <see cref="Loops"/> and <see cref="Lookups"/> must give the same items, item by item; where Ansible fails, Fleet must too.
/// </summary>
public sealed class LookupDifferentialTests
{
    private const string Variables = """
        {
          "names": ["alpha", "beta"],
          "numbers": [1, 2, 3],
          "ports": {"http": 80, "https": 443, "ssh": 22},
          "nested": [["n1", ["n2"]], "n3"],
          "none_value": null,
          "users": [
            {"name": "alice", "authorized": ["a1.pub", "a2.pub"], "ssh": {"keys": ["ka"], "port": 22}},
            {"name": "bob", "authorized": [], "ssh": {"port": 2222}},
            {"name": "carol", "ssh": {"keys": ["kc1", "kc2"]}}
          ]
        }
        """;

    /// <summary>A loop (<c>with_X</c> and its JSON value) or a template (<c>msg</c>); <c>Unordered</c> where Ansible's order is the file system's.</summary>
    private sealed record Case(string Key, string Value, bool Unordered = false);

    private static readonly Case[] Cases =
    [
        new("with_items", """[1, [2, [3]], "a"]"""),
        new("with_items", "\"{{ nested }}\""),
        new("with_items", "[]"),
        new("with_items", "\"{{ none_value }}\""),
        new("with_list", "[[1, 2], 3]"),
        new("with_dict", "\"{{ ports }}\""),
        new("with_dict", "[1]"),
        new("with_indexed_items", """["a", ["b", "c"]]"""),
        new("with_together", """["{{ numbers }}", "{{ names }}"]"""),
        new("with_together", """[[1, 2], "x", [[3, 4]]]"""),
        new("with_nested", """["{{ names }}", [1, 2]]"""),
        new("with_nested", """[["a"], [[1, 2], 3], "z"]"""),
        new("with_sequence", "\"start=1 end=5\""),
        new("with_sequence", "\"count=4 start=0 stride=3 format=n%02d\""),
        new("with_sequence", "\"2-10/4:host%x\""),
        new("with_sequence", "\"start=0x0f end=0x11 format=%04x\""),
        new("with_sequence", "\"start=5 end=1 stride=-2\""),
        new("with_sequence", "\"count=0\""),
        new("with_sequence", "\"start=5 end=1\""),
        new("with_sequence", "\"end=3 step=1\""),
        new("with_subelements", """["{{ users }}", "authorized"]"""),
        new("with_subelements", """["{{ users }}", "authorized", {"skip_missing": true}]"""),
        new("with_subelements", """["{{ users }}", "ssh.keys", {"skip_missing": true}]"""),
        new("with_subelements", """["{{ users }}", "ssh.keys"]"""),
        new("with_community.general.flattened", """[1, [2, [3, null]], "x", [[[4]]], "{{ nested }}"]"""),
        new("with_flattened", """["a", ["b", "None", "c"], "d"]"""),
        new("with_first_found", """["missing.yml", "b.yml"]"""),
        new("with_first_found", """[{"files": ["missing.yml", "x.yml"], "paths": ["nope", "sub"]}]"""),
        new("with_first_found", """[{"files": "missing.yml,b.yml"}]"""),
        new("with_first_found", """[{"files": ["missing.yml"], "skip": true}]"""),
        new("with_first_found", """["missing.yml"]"""),
        new("with_first_found", """[{"files": ["{{ undefined_name }}.yml", "{{ names[1] }}.yml", "b.yml"]}]"""),
        new("with_first_found", """[{"files": ["{{ undefined_name }}.yml", "b.yml"], "skip": true}]"""),
        new("with_first_found", """["{{ undefined_name }}.yml", "{{ names[1] }}.yml", "b.yml"]"""),
        new("with_fileglob", """["*.conf"]""", Unordered: true),
        new("with_fileglob", """["sub/*.yml", "*.txt"]""", Unordered: true),
        new("msg", "{{ query('subelements', users, 'authorized', {'skip_missing': True}) }}"),
        new("msg", "{{ query('community.general.flattened', [1, [2, [3]]]) }}"),
        new("msg", "{{ lookup('items', ['a', 'b']) }}"),
        new("msg", "{{ lookup('items', [1, 2]) }}"),
        new("msg", "{{ lookup('dict', {'a': 1}) }}"),
        new("msg", "{{ lookup('ansible.builtin.dict', ports, wantlist=True) }}"),
        new("msg", "{{ q('sequence', 'count=3', 'start=7 end=8') }}"),
        new("msg", "{{ query('first_found', 'b.yml') }}"),
        new("msg", "{{ lookup('first_found', 'missing.yml', errors='ignore') | default('none', true) }}"),
        new("msg", "{{ query('fileglob', '*.conf') | sort }}"),
        new("msg", "{{ lookup('pipe', 'ls; echo') }}"),
        new("msg", "{{ query('lines', 'printf \"a\\nb\"') }}"),
        new("msg", "{{ query('nested', ['a', 'b'], [1, 2]) }}"),
        new("msg", "{{ query('together', [1, 2], ['x']) }}"),
        new("msg", "{{ query('indexed_items', ['a', 'b']) }}"),
        new("msg", "{{ lookup('vars', 'names') }}"),
        new("msg", "{{ lookup('file', 'b.yml') }}"),
        new("msg", "{{ lookup('env', 'FLEET_SURELY_UNSET_VARIABLE', default='d') }}"),
    ];

    [LabFact]
    public async Task Lookups_GiveTheItemsAnsibleGives()
    {
        await MachinePackages.EnsureAsync(MachinePackages.Oracles, Environment.UserName == "root", _ => { }, CancellationToken.None);
        var directory = Directory.CreateTempSubdirectory("fleet-lookups-");
        try
        {
            var dir = directory.FullName;
            foreach (var file in new[] { "files/a.conf", "files/b.conf", "files/.hidden.conf", "files/b.yml", "files/sub/x.yml", "files/sub/y.yml", "c.txt", "c.conf" })
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(dir, file))!);
                await File.WriteAllTextAsync(Path.Combine(dir, file), file + "\n");
            }

            var ansible = await RunAnsibleAsync(dir);
            var scope = VariableScope.Of((IReadOnlyDictionary<string, object?>)JinjaDifferentialTests.FromJson(JsonNode.Parse(Variables))!, new Dictionary<string, object?> { ["playbook_dir"] = dir });
            var differences = new List<string>();
            foreach (var (testCase, expected) in Cases.Zip(ansible))
            {
                var (fleet, fleetError) = RunFleet(testCase, scope, dir);
                var label = $"{testCase.Key}: {testCase.Value}";
                if (expected.Error is { } error)
                {
                    if (fleetError is null)
                    {
                        differences.Add($"{label}: Ansible fails ({error}) but Fleet gives {fleet}");
                    }
                }
                else if (fleetError is not null)
                {
                    differences.Add($"{label}: Ansible gives {expected.Value} but Fleet fails: {fleetError}");
                }
                else if (Canonical(fleet, testCase.Unordered) != Canonical(expected.Value, testCase.Unordered))
                {
                    differences.Add($"{label}:\n  ansible: {Canonical(expected.Value, testCase.Unordered)}\n  fleet:   {Canonical(fleet, testCase.Unordered)}");
                }
            }

            Assert.True(differences.Count == 0, $"{differences.Count} of {Cases.Length} lookups differ from Ansible:\n" + string.Join("\n", differences));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Each case's items (a loop's <c>item</c>s, or the <c>msg</c>) or its error, from one ansible-playbook run on localhost.</summary>
    private static async Task<List<(JsonNode? Value, string? Error)>> RunAnsibleAsync(string dir)
    {
        var tasks = new JsonArray(Cases.Select((c, i) =>
        {
            var task = new JsonObject { ["name"] = $"case {i}", ["ignore_errors"] = true };
            if (c.Key == "msg")
            {
                task["debug"] = new JsonObject { ["msg"] = c.Value };
            }
            else
            {
                task["debug"] = new JsonObject { ["var"] = "item" };
                task[c.Key] = JsonNode.Parse(c.Value);
            }

            return (JsonNode)task;
        }).ToArray());
        var play = new JsonObject
        {
            ["hosts"] = "localhost",
            ["connection"] = "local",
            ["gather_facts"] = false,
            ["vars"] = JsonNode.Parse(Variables),
            ["tasks"] = tasks,
        };
        var playbook = Path.Combine(dir, "lookups.yml");
        // JSON is YAML; the leading comment makes Ansible read it as YAML, as a playbook file (its JSON loader leaves the tasks no search path).
        await File.WriteAllTextAsync(playbook, "# lookups\n" + new JsonArray(play).ToJsonString());
        var start = new ProcessStartInfo("ansible-playbook", ["-i", "localhost,", playbook])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dir,
        };
        start.Environment["ANSIBLE_STDOUT_CALLBACK"] = "ansible.posix.json";
        start.Environment["ANSIBLE_NOCOLOR"] = "1";
        start.Environment["ANSIBLE_LOCALHOST_WARNING"] = "0";
        start.Environment["ANSIBLE_RETRY_FILES_ENABLED"] = "0";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = await stdout;
        Assert.True(output.TrimStart().StartsWith('{'), $"ansible-playbook gave no JSON (exit {process.ExitCode}): {output}\n{await stderr}");

        var results = new List<(JsonNode?, string?)>();
        foreach (var task in JsonNode.Parse(output)!["plays"]![0]!["tasks"]!.AsArray())
        {
            var host = task!["hosts"]!["localhost"]!;
            if (host["results"] is JsonArray items)
            {
                results.Add((new JsonArray(items.Select(r => r!["item"]?.DeepClone()).ToArray()), null));
            }
            else if (host["failed"]?.GetValue<bool>() == true)
            {
                results.Add((null, host["msg"]?.ToString() ?? "failed"));
            }
            else
            {
                results.Add((host["msg"]?.DeepClone(), null));
            }
        }

        Assert.Equal(Cases.Length, results.Count);
        return results;
    }

    private static (JsonNode? Value, string? Error) RunFleet(Case testCase, VariableScope scope, string dir)
    {
        var at = new SourceLocation("lookups.yml", 1, 1);
        try
        {
            if (testCase.Key == "msg")
            {
                return (ToJson(Template.Render(testCase.Value, scope, at)), null);
            }

            var loop = new LoopSpec(testCase.Key[5..], JinjaDifferentialTests.FromJson(JsonNode.Parse(testCase.Value)), "item", null, null, at);
            return (ToJson(Loops.Items(loop, scope, [Path.Combine(dir, "files"), dir])), null);
        }
        catch (FleetInputException ex)
        {
            return (null, ex.Message);
        }
    }

    /// <summary>Fleet's value as JSON: lists and tuples as arrays, mappings as objects.</summary>
    private static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        IReadOnlyDictionary<string, object?> map => new JsonObject(map.Select(kv => KeyValuePair.Create(kv.Key, ToJson(kv.Value)))),
        IReadOnlyList<object?> list => new JsonArray(list.Select(ToJson).ToArray()),
        string s => JsonValue.Create(s),
        long n => JsonValue.Create(n),
        double d => JsonValue.Create(d),
        bool b => JsonValue.Create(b),
        _ => JsonValue.Create(Values.ToText(value)),
    };

    /// <summary>JSON text with every object's keys sorted (Ansible's callback sorts them), a list's items sorted when the order is the file system's.</summary>
    private static string Canonical(JsonNode? node, bool unordered)
    {
        static JsonNode? Sorted(JsonNode? n) => n switch
        {
            JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
            JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
            _ => n?.DeepClone(),
        };

        var sorted = Sorted(node);
        if (unordered && sorted is JsonArray array)
        {
            sorted = new JsonArray(array.Select(x => x?.ToJsonString()).Order(StringComparer.Ordinal).Select(x => x is null ? null : JsonNode.Parse(x)).ToArray());
        }

        return sorted?.ToJsonString() ?? "null";
    }
}
