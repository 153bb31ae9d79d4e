using System.Text.Json.Nodes;
using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.IniFile;

namespace Fleet.Core.Tests.Modules.IniFile;

/// <summary>
/// The ini_file case table (ini_file_cases.json): a file's text (null: no file) and the task's arguments, with what Ansible's
/// community.general.ini_file 6.6.2 did to it (changed, failed, the file's bytes afterwards), recorded by ini_file_oracle.py.
/// </summary>
public static class IniFileCases
{
    /// <summary>The table's file name, beside the test assembly.</summary>
    public const string FileName = "ini_file_cases.json";

    /// <summary>The cases as stored.</summary>
    public static JsonArray Load(string? path = null) =>
        JsonNode.Parse(File.ReadAllText(path ?? Path.Combine(AppContext.BaseDirectory, FileName)))!.AsArray();

    /// <summary>What Fleet's planner does with one case: (changed, failed, the file's text afterwards or null).</summary>
    public static (bool Changed, bool Failed, string? Output) RunFleet(JsonNode testCase)
    {
        ArgumentNullException.ThrowIfNull(testCase);
        const string path = "/etc/fleet-test/file.ini";
        var input = testCase["input"]?.GetValue<string>();
        var values = new Dictionary<string, object?>(StringComparer.Ordinal) { ["path"] = path };
        foreach (var (key, value) in testCase["args"]!.AsObject())
        {
            values[key] = value switch
            {
                JsonArray list => list.Select(v => v!.GetValue<string>()).ToList(),
                JsonValue v when v.TryGetValue<bool>(out var b) => b,
                _ => value!.GetValue<string>(),
            };
        }

        var facts = new FactCache();
        var state = input is null ? FileState.Missing : new FileState(FileType.File, "0644", "root", "root", input.Length, null, System.Text.Encoding.UTF8.GetBytes(input));
        facts.Set(new FileFact(path, WithContent: true), state);
        facts.Set(new PathExistsFact("/etc/fleet-test"), true);
        var plan = new IniFileModule().Plan(new ModuleArguments(values), facts, new ModuleContext("local", false, "/tmp"));
        return plan switch
        {
            PlanFailure => (false, true, input),
            NoChange => (false, false, input),
            Change change => (true, false, ((FileState)change.Predicted![new FileFact(path, WithContent: true)]).Text),
            _ => throw new InvalidOperationException(plan.GetType().Name),
        };
    }

    /// <summary>How Fleet differs from the expected outcome of one case, or null when it does not.</summary>
    public static string? Difference(JsonNode testCase, JsonNode expected)
    {
        ArgumentNullException.ThrowIfNull(testCase);
        ArgumentNullException.ThrowIfNull(expected);
        var (changed, failed, output) = RunFleet(testCase);
        var wantFailed = expected["failed"]!.GetValue<bool>();
        var wantChanged = expected["changed"]!.GetValue<bool>();
        var wantOutput = expected["output"]?.GetValue<string>();
        return failed != wantFailed || (!failed && (changed != wantChanged || output != wantOutput))
            ? $"{testCase["name"]}: Ansible changed={wantChanged} failed={wantFailed} {Show(wantOutput)}; Fleet changed={changed} failed={failed} {Show(output)}"
            : null;
    }

    private static string Show(string? text) => text is null ? "(no file)" : System.Text.Json.JsonSerializer.Serialize(text);
}
