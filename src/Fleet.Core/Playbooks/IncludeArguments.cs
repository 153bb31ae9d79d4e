using Fleet.Core.Yaml;

namespace Fleet.Core.Playbooks;

/// <summary>What Ansible refuses in an include or import task when the playbook loads: a parameter the action does not take.</summary>
internal static class IncludeArguments
{
    private static readonly HashSet<string> Includes = new(StringComparer.Ordinal) { "import_tasks", "include_tasks", "import_role", "include_role" };

    /// <summary>An error at each parameter of <paramref name="task"/> (an include or import) that its action does not take.</summary>
    public static void CheckNames(NodeReader r, TaskDefinition task)
    {
        if (!Includes.Contains(task.Module) || ActionSpec.Find(task.Module) is not { } action)
        {
            return;
        }

        var names = action.Parameters.Select(p => p.Name).ToList();
        foreach (var (key, value) in task.Args.Entries.Where(e => !names.Contains(e.Key, StringComparer.Ordinal)))
        {
            r.Errors.Add(new InputError(value.Location, $"{task.Module}: unknown parameter '{key}'{YamlFile.DidYouMean(key, names)} (it takes {string.Join(", ", names)})"));
        }
    }
}
