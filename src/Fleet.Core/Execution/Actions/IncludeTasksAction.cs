using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution.Actions;

/// <summary><c>include_tasks</c>: a task file read when the task runs (its name may use host variables).</summary>
internal sealed class IncludeTasksAction : IncludeAction
{
    public override ActionSpec Spec => ActionSpec.IncludeTasks;

    /// <summary>Ansible's recap counts an include_tasks once per included file.</summary>
    public override int RecapCount => 1;

    public override (IReadOnlyList<TaskDefinition> Tasks, IReadOnlyList<TaskDefinition> Handlers) Load(TaskDefinition include, IVariableLookup scope, Play play, ModuleCatalog catalog) =>
        (PlaybookLoader.LoadIncludedTasks(include, Arg(include, scope, "file", ""), play, catalog), []);
}
