using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution.Actions;

/// <summary><c>include_role</c>: a role read when the task runs, its tasks and its handlers.</summary>
internal sealed class IncludeRoleAction : IncludeAction
{
    public override ActionSpec Spec => ActionSpec.IncludeRole;

    /// <summary>Ansible's recap does not count an include_role.</summary>
    public override int RecapCount => 0;

    public override (IReadOnlyList<TaskDefinition> Tasks, IReadOnlyList<TaskDefinition> Handlers) Load(TaskDefinition include, IVariableLookup scope, Play play, ModuleCatalog catalog)
    {
        var files = new RoleReader.RoleFiles(Arg(include, scope, "tasks_from", "main"), Arg(include, scope, "vars_from", "main"), Arg(include, scope, "defaults_from", "main"), Arg(include, scope, "handlers_from", "main"));
        var (role, handlers) = PlaybookLoader.LoadIncludedRole(include, Arg(include, scope, "name", ""), files, play, catalog);
        return ([role], handlers);
    }
}
