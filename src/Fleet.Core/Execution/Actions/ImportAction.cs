using Fleet.Core.Playbooks;

namespace Fleet.Core.Execution.Actions;

/// <summary><c>import_tasks</c> and <c>import_role</c>: read into the play when the playbook loads, so they never run; listed for their specs.</summary>
internal sealed class ImportAction(ActionSpec spec) : EngineAction
{
    public override ActionSpec Spec { get; } = spec;
}
