using Fleet.Core.Yaml;

namespace Fleet.Core.Playbooks;

/// <summary>
/// What is refused in an include or import task when the playbook loads: a parameter the action does not take (as Ansible), and
/// a value Fleet does not run as Ansible does (the action's own value checks: these tasks become blocks before validation).
/// </summary>
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

        r.Errors.AddRange(action.CheckValues?.Invoke(task.Args) ?? []);
    }
}
