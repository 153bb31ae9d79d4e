using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Execution.Actions;

/// <summary><c>fail</c>: fails the task with its message; sets nothing.</summary>
internal sealed class FailAction : TaskAction
{
    public override ActionSpec Spec => ActionSpec.Fail;

    public override TaskResult Run(ActionCall call) =>
        call.Done(TaskOutcome.Failed, ActionCall.Display(call.Value("msg") ?? "Failed as requested from task"), ModuleResult.NoData);
}
