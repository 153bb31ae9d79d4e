using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Fleet.Core.Templating;
using Fleet.Core.Yaml;

namespace Fleet.Core.Execution.Actions;

/// <summary><c>include_vars</c>: reads variables from a YAML file (or every file of a directory) for the rest of the run, each by its name or all under <c>name</c>.</summary>
internal sealed class IncludeVarsAction : TaskAction
{
    public override ActionSpec Spec => ActionSpec.IncludeVars;

    /// <summary>A loop over files looks in the role's vars/ first.</summary>
    public override string LoopFolder => "vars";

    /// <summary>Its facts are variables already.</summary>
    public override bool KeepsReturnedFacts(TaskDefinition task) => false;

    public override TaskResult Run(ActionCall call)
    {
        var task = call.Task;
        var files = new List<string>();
        var searched = TaskFiles.SearchDirectories(call.Run.Play, task, "vars");
        if (call.Value("file") is { } fileValue)
        {
            var file = Values.ToText(fileValue);
            var found = Path.IsPathRooted(file) ? (File.Exists(file) ? file : null) : searched.Select(d => Path.Combine(d, file)).FirstOrDefault(File.Exists);
            files.Add(found ?? throw new FleetInputException(task.Args.Location, $"include_vars: file not found: {file} (looked in {string.Join(", ", Path.IsPathRooted(file) ? [file] : searched)})"));
        }
        else if (call.Value("dir") is { } dirValue)
        {
            var dir = Values.ToText(dirValue);
            var found = Path.IsPathRooted(dir) ? dir : searched.Select(d => Path.Combine(d, dir)).FirstOrDefault(Directory.Exists);
            if (found is null || !Directory.Exists(found))
            {
                throw new FleetInputException(task.Args.Location, $"include_vars: directory not found: {dir}");
            }

            var extensions = call.Value("extensions") is IReadOnlyList<object?> ext ? ext.Select(Values.ToText).ToList() : ["yaml", "yml", "json"];
            var matching = call.Value("files_matching") is { } pattern ? new global::System.Text.RegularExpressions.Regex(Values.ToText(pattern)) : null;
            var ignore = call.Value("ignore_files") is IReadOnlyList<object?> ig ? ig.Select(Values.ToText).ToHashSet(StringComparer.Ordinal) : [];
            var depth = call.Value("depth") is { } d && long.TryParse(Values.ToText(d), global::System.Globalization.CultureInfo.InvariantCulture, out var n) ? (int)n : 0;
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

        var name = call.Value("name") is { } n2 ? Values.ToText(n2) : null;
        call.Variables.Include(loaded, name);
        var facts = name is null ? loaded : new Dictionary<string, object?>(StringComparer.Ordinal) { [name] = loaded };
        return TaskResults.Outcome(call.Run.Play, task, TaskOutcome.Ok, message: $"read {string.Join(", ", files.Select(Path.GetFileName))}", plan: new Modules.NoChange("") { Data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["ansible_facts"] = facts, ["ansible_included_var_files"] = files.Cast<object?>().ToList() } });
    }
}
