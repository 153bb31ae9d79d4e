namespace Fleet.Core.Playbooks;

/// <summary>Where a task's controller files (loop file lookups, include_vars, included task files) are looked up, for the load and the run alike.</summary>
public static class TaskFolders
{
    /// <summary>Its role's <paramref name="folder"/>/ and the role, the task file's directory and its <paramref name="folder"/>/, the playbook's.</summary>
    public static IReadOnlyList<string> SearchDirectories(Play play, TaskDefinition task, string folder)
    {
        ArgumentNullException.ThrowIfNull(play);
        ArgumentNullException.ThrowIfNull(task);
        var places = new List<string>();
        if (task.Keywords.Role is { } role)
        {
            places.Add(Path.Combine(role.Directory, folder));
            places.Add(role.Directory);
        }

        if (task.Keywords.Directory is { } directory)
        {
            places.Add(Path.Combine(directory, folder));
            places.Add(directory);
        }

        places.Add(Path.Combine(play.Directory, folder));
        places.Add(play.Directory);
        return places.Distinct().ToList();
    }
}
