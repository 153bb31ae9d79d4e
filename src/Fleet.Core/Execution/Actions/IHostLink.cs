namespace Fleet.Core.Execution.Actions;

/// <summary>What a <see cref="HostAction"/> may do with its host's session: run commands, replace the connection, and say every fact read is stale.</summary>
internal interface IHostLink
{
    /// <summary>Runs a command over the session's connection; transport failures throw (<see cref="HostUnreachableException"/>, <see cref="RemoteTimeoutException"/>).</summary>
    Task<CommandResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken);

    /// <summary>Opens a new connection to the host and makes it the session's, closing the old one; when it cannot, throws and the old one stays.</summary>
    Task ReconnectAsync(CancellationToken cancellationToken);

    /// <summary>The host changed under every fact read so far (it rebooted): later tasks read them again.</summary>
    void ForgetFacts();
}
