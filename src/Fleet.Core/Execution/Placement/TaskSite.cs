using Fleet.Core.Facts;

namespace Fleet.Core.Execution.Placement;

/// <summary>
/// Where a host's task runs: the session whose connection and facts it uses (the host's own, a delegated host's, or the
/// controller's), with that place's check-mode predictions, change applier and async runner. The task's variables stay its host's.
/// </summary>
internal sealed class TaskSite
{
    public TaskSite(HostSession session, FactCache facts, IConnector connector, RunOptions options, string? delegatedTo)
    {
        Session = session;
        Facts = facts;
        DelegatedTo = delegatedTo;
        Predictor = new CheckModePredictor(facts);
        Applier = new ChangeApplier(session, connector, options, facts);
        Async = new AsyncRunner(session, facts);
    }

    /// <summary>The session that connects and runs the commands.</summary>
    public HostSession Session { get; }

    /// <summary>The facts read over <see cref="Session"/>'s connection.</summary>
    public FactCache Facts { get; }

    /// <summary>The place's name as reports show it after the host's (<c>web1 -> localhost</c>), or null on the host itself.</summary>
    public string? DelegatedTo { get; }

    /// <summary>Check mode's predictions of what earlier tasks here would have changed.</summary>
    public CheckModePredictor Predictor { get; }

    /// <summary>Applies a planned change here.</summary>
    public ChangeApplier Applier { get; }

    /// <summary>Runs a change here as an async job.</summary>
    public AsyncRunner Async { get; }

    /// <summary>The task runs on its own host.</summary>
    public bool IsOwn => DelegatedTo is null;
}
