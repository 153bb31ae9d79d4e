namespace Fleet.Core.Playbooks;

/// <summary>Which tasks <c>--tags</c> and <c>--skip-tags</c> select, with Ansible's special tags <c>always</c> and <c>never</c>.</summary>
public static class TagSelection
{
    /// <summary>True when a task with <paramref name="taskTags"/> runs under <paramref name="only"/> (empty for all) and <paramref name="skip"/>.</summary>
    public static bool Selects(IReadOnlyCollection<string> taskTags, IReadOnlyCollection<string> only, IReadOnlyCollection<string> skip)
    {
        ArgumentNullException.ThrowIfNull(taskTags);
        ArgumentNullException.ThrowIfNull(only);
        ArgumentNullException.ThrowIfNull(skip);
        if (taskTags.Any(skip.Contains))
        {
            return false;
        }

        // "always" runs unless skipped by name; "never" runs only when one of its tags is asked for.
        if (taskTags.Contains("never"))
        {
            return taskTags.Any(only.Contains);
        }

        return only.Count == 0 || taskTags.Contains("always") || taskTags.Any(only.Contains);
    }
}
