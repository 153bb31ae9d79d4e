using Fleet.Core.Playbooks;

namespace Fleet.Core.Execution;

/// <summary>Where a task's controller files (loop file lookups, include_vars, included task files) are looked up.</summary>
internal static class TaskFiles
{
    /// <summary>Its role's <paramref name="folder"/>/ and the role, the task file's directory and its <paramref name="folder"/>/, the playbook's.</summary>
    public static IReadOnlyList<string> SearchDirectories(Play play, TaskDefinition task, string folder) =>
        TaskFolders.SearchDirectories(play, task, folder);
}
