using Fleet.Core.Playbooks;

namespace Fleet.Core.Execution.Actions;

/// <summary>
/// <c>meta</c>: <c>flush_handlers</c>, <c>end_host</c>, <c>end_play</c>, <c>end_batch</c>, <c>reset_connection</c>, <c>clear_facts</c>; <c>noop</c>,
/// <c>role_complete</c> (Ansible acts only on its own implicit one) and <c>clear_host_errors</c> (a failed host's walk has stopped
/// before it) change nothing here.
/// </summary>
internal sealed class MetaAction : WalkAction
{
    public override ActionSpec Spec => ActionSpec.Meta;

    public override async Task RunAsync(TaskDefinition task, IPlayWalk walk, CancellationToken cancellationToken)
    {
        switch ((task.Args["free_form"] as ScalarArg)?.Value)
        {
            case "flush_handlers":
                await walk.FlushHandlersAsync(cancellationToken).ConfigureAwait(false);
                break;
            case "end_host":
                walk.EndHost();
                break;
            case "end_play":
                walk.EndPlay();
                break;
            case "end_batch":
                walk.EndBatch();
                break;
            case "clear_facts":
                walk.ClearFacts();
                break;
            case "reset_connection":
                await walk.ResetConnectionAsync(cancellationToken).ConfigureAwait(false);
                break;
        }
    }
}
