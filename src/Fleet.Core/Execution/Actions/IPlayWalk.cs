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

    /// <summary>The current batch ends for every host of it before its next task; the next batch starts the play.</summary>
    void EndBatch();

    /// <summary>The facts of every host of the play are forgotten (their gathered and cached facts, not their set_fact variables).</summary>
    void ClearFacts();

    /// <summary>The host's connection is closed and opened again (new group memberships and login settings take effect).</summary>
    Task ResetConnectionAsync(CancellationToken cancellationToken);
}
