namespace Fleet.Core.Execution.Actions;

/// <summary>What a <see cref="WalkAction"/> may do to the walk of a play on one host.</summary>
internal interface IPlayWalk
{
    /// <summary>Runs the handlers notified so far.</summary>
    Task FlushHandlersAsync(CancellationToken cancellationToken);

    /// <summary>This host's play ends here (its later plays still run).</summary>
    void EndHost();

    /// <summary>The play ends for every host before its next task.</summary>
    void EndPlay();
}
