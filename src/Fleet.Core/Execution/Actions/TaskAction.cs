using Fleet.Core.Results;

namespace Fleet.Core.Execution.Actions;

/// <summary>An engine action that runs as a task: for each loop item, with its conditions; its result is reported and may be registered.</summary>
internal abstract class TaskAction : EngineAction
{
    /// <summary>Runs for one item; a <see cref="FleetInputException"/> fails the task with its message.</summary>
    public abstract TaskResult Run(ActionCall call);
}
