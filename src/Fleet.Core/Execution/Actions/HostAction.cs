using Fleet.Core.Results;

namespace Fleet.Core.Execution.Actions;

/// <summary>
/// An engine action that drives its host's connection itself (<c>reboot</c>): it runs as a task, per loop item, with the commands
/// and reconnections its <see cref="IHostLink"/> allows, where a module only plans a script for the engine to run.
/// </summary>
internal abstract class HostAction : EngineAction
{
    /// <summary>Runs for one item; a <see cref="FleetInputException"/> fails the task with its message.</summary>
    public abstract Task<TaskResult> RunAsync(ActionCall call, IHostLink host, CancellationToken cancellationToken);
}
