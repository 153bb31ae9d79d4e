using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Fleet.Core.Templating;
using Fleet.Core.Yaml;
using static Fleet.Core.Execution.TaskResults;

namespace Fleet.Core.Execution;

/// <summary>The engine actions: they read and set this host's variables and never contact the host.</summary>
internal sealed partial class TaskRunner
{
    private TaskResult RunAction(PlayRun run, TaskDefinition task, IVariableLookup scope)
    {
        var play = run.Play;
        var args = task.Args.Entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        object? Value(string name) => args.TryGetValue(name, out var arg) ? ArgToValue(arg, scope) : null;
        TaskResult Done(TaskOutcome status, string? message, IReadOnlyDictionary<string, object?> data) =>
            Outcome(play, task, status, message: message, plan: new Modules.NoChange(message ?? "") { Data = data });
        switch (task.Module)
        {
            case "debug":
                if (args.ContainsKey("var"))
                {
                    var expression = Values.ToText(Value("var"));
                    object? value;
                    try
                    {
                        value = ExpressionParser.Parse(expression, task.Location).Value(scope);
                    }
                    catch (UndefinedVariableException)
                    {
                        value = "VARIABLE IS NOT DEFINED!";
                    }

                    return Done(TaskOutcome.Ok, $"{expression}: {Display(value)}", new Dictionary<string, object?>(StringComparer.Ordinal) { [expression] = value });
                }

                var msg = args.ContainsKey("msg") ? Value("msg") : "Hello world!";
                return Done(TaskOutcome.Ok, Display(msg), new Dictionary<string, object?>(StringComparer.Ordinal) { ["msg"] = msg });
            case "assert":
                var that = Value("that") switch
                {
                    IReadOnlyList<object?> list => list.Select(Values.ToText).ToList(),
                    var one => [Values.ToText(one)],
                };
                foreach (var condition in that)
                {
                    var parsed = ExpressionParser.Parse(condition, args["that"].Location);
                    if (!Conditions.Evaluate(parsed, scope))
                    {
                        var failMsg = Value("fail_msg") ?? Value("msg") ?? "Assertion failed";
                        return Done(TaskOutcome.Failed, Display(failMsg), new Dictionary<string, object?>(StringComparer.Ordinal) { ["assertion"] = condition, ["evaluated_to"] = false });
                    }
                }

                return Done(TaskOutcome.Ok, Display(Value("success_msg") ?? "All assertions passed"), ModuleResult.NoData);
            case "fail":
                return Done(TaskOutcome.Failed, Display(Value("msg") ?? "Failed as requested from task"), ModuleResult.NoData);
            case "set_fact":
                var facts = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (name, arg) in args.Where(a => a.Key != "cacheable"))
                {
                    if (!TaskReader.IsIdentifier(name))
                    {
                        throw new FleetInputException(arg.Location, $"set_fact: '{name}' is not a variable name");
                    }

                    // As Ansible's set_fact does: text that reads as a boolean becomes one.
                    var value = ArgToValue(arg, scope);
                    facts[name] = value is string text && text.ToLowerInvariant() is "yes" or "no" or "true" or "false" ? Values.ToBool(text) : value;
                }

                _variables.SetFacts(facts);

                return Done(TaskOutcome.Ok, null, new Dictionary<string, object?>(StringComparer.Ordinal) { ["ansible_facts"] = facts });
            case "include_vars":
                return IncludeVars(run, task, Value);
            default:
                throw new FleetInputException(task.Location, $"{task.Module} cannot run here");
        }
    }

    private TaskResult IncludeVars(PlayRun run, TaskDefinition task, Func<string, object?> value)
    {
        var files = new List<string>();
        var searched = TaskFiles.SearchDirectories(run.Play, task, "vars");
        if (value("file") is { } fileValue)
        {
            var file = Values.ToText(fileValue);
            var found = Path.IsPathRooted(file) ? (File.Exists(file) ? file : null) : searched.Select(d => Path.Combine(d, file)).FirstOrDefault(File.Exists);
            files.Add(found ?? throw new FleetInputException(task.Args.Location, $"include_vars: file not found: {file} (looked in {string.Join(", ", Path.IsPathRooted(file) ? [file] : searched)})"));
        }
        else if (value("dir") is { } dirValue)
        {
            var dir = Values.ToText(dirValue);
            var found = Path.IsPathRooted(dir) ? dir : searched.Select(d => Path.Combine(d, dir)).FirstOrDefault(Directory.Exists);
            if (found is null || !Directory.Exists(found))
            {
                throw new FleetInputException(task.Args.Location, $"include_vars: directory not found: {dir}");
            }

            var extensions = value("extensions") is IReadOnlyList<object?> ext ? ext.Select(Values.ToText).ToList() : ["yaml", "yml", "json"];
            var matching = value("files_matching") is { } pattern ? new global::System.Text.RegularExpressions.Regex(Values.ToText(pattern)) : null;
            var ignore = value("ignore_files") is IReadOnlyList<object?> ig ? ig.Select(Values.ToText).ToHashSet(StringComparer.Ordinal) : [];
            var depth = value("depth") is { } d && long.TryParse(Values.ToText(d), global::System.Globalization.CultureInfo.InvariantCulture, out var n) ? (int)n : 0;
            files.AddRange(Directory.EnumerateFiles(found, "*", SearchOption.AllDirectories)
                .Where(f => depth == 0 || Path.GetRelativePath(found, f).Count(c => c == '/') < depth)
                .Where(f => extensions.Contains(Path.GetExtension(f).TrimStart('.')) && !ignore.Contains(Path.GetFileName(f)) && (matching is null || matching.IsMatch(Path.GetFileName(f))))
                .Order(StringComparer.Ordinal));
        }
        else
        {
            throw new FleetInputException(task.Args.Location, "include_vars takes file or dir");
        }

        var loaded = new Dictionary<string, object?>(StringComparer.Ordinal);
        var errors = new List<InputError>();
        foreach (var file in files)
        {
            if (YamlFile.LoadVariables(file, "vars file", errors, task.Location) is { } mapping)
            {
                foreach (var (k, v) in (IReadOnlyDictionary<string, object?>)YamlFile.ToValue(mapping)!)
                {
                    loaded[k] = v;
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new FleetInputException(errors);
        }

        var name = value("name") is { } n2 ? Values.ToText(n2) : null;
        _variables.Include(loaded, name);

        var facts = name is null ? loaded : new Dictionary<string, object?>(StringComparer.Ordinal) { [name] = loaded };
        return Outcome(run.Play, task, TaskOutcome.Ok, message: $"read {string.Join(", ", files.Select(Path.GetFileName))}", plan: new Modules.NoChange("") { Data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["ansible_facts"] = facts, ["ansible_included_var_files"] = files.Cast<object?>().ToList() } });
    }

    /// <summary>An argument's value for an engine action: YAML types for plain scalars, templates rendered (keeping types).</summary>
    private static object? ArgToValue(ArgValue arg, IVariableLookup scope) => arg switch
    {
        ScalarArg { Value: { } text } s when Template.HasTemplate(text) => Template.Render(text, scope, s.Location),
        ScalarArg { Quoted: true } s => s.Value ?? "",
        ScalarArg s => YamlFile.Scalar(s.Value),
        ListArg list => list.Items.Select(i => ArgToValue(i, scope)).ToList(),
        MapArg map => map.Entries.ToDictionary(e => e.Key, e => ArgToValue(e.Value, scope), StringComparer.Ordinal),
        _ => null,
    };

    /// <summary>A value as debug shows it: text as is, anything else as JSON.</summary>
    private static string Display(object? value) => value switch
    {
        string s => s,
        null => "null",
        IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> => Reports.JsonValues.ToJson(value),
        _ => Values.ToText(value),
    };
}
