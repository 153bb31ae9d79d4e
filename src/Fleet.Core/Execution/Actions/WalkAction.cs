using Fleet.Core.Playbooks;

namespace Fleet.Core.Execution.Actions;

/// <summary>An engine action that steers the walk of the play (it is not looped, registered or reported unless skipped).</summary>
internal abstract class WalkAction : EngineAction
{
    /// <summary>Runs the task on the walk; its conditions already held.</summary>
    public abstract Task RunAsync(TaskDefinition task, IPlayWalk walk, CancellationToken cancellationToken);
}
