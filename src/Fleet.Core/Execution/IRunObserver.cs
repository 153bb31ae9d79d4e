using Fleet.Core.Results;

namespace Fleet.Core.Execution;

/// <summary>Receives run events as they happen; called from many host workers at once, so implementations must be thread-safe.</summary>
public interface IRunObserver
{
    /// <summary>The run is about to visit this many hosts (before any starts).</summary>
    void RunStarted(int hosts) { }

    /// <summary>A host's worker started (connecting).</summary>
    void HostStarted(string host);

    /// <summary>A task started on a host.</summary>
    void TaskStarted(string host, string play, string task);

    /// <summary>A task finished on a host.</summary>
    void TaskFinished(string host, TaskResult result);

    /// <summary>A host finished (all plays, or it failed / was unreachable).</summary>
    void HostFinished(HostResult result);

    /// <summary>A bug in Fleet failed a task or a host (reported there); the exception carries the stack trace for the log.</summary>
    void InternalError(string host, Exception exception) { }
}

/// <summary>An observer that ignores every event.</summary>
public sealed class NullRunObserver : IRunObserver
{
    /// <summary>The shared instance.</summary>
    public static NullRunObserver Instance { get; } = new();

    /// <inheritdoc />
    public void HostStarted(string host) { }

    /// <inheritdoc />
    public void TaskStarted(string host, string play, string task) { }

    /// <inheritdoc />
    public void TaskFinished(string host, TaskResult result) { }

    /// <inheritdoc />
    public void HostFinished(HostResult result) { }
}
