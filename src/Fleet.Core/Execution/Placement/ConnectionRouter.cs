namespace Fleet.Core.Execution.Placement;

/// <summary>Opens a <see cref="LocalConnection"/> for a host reached locally (<see cref="HostTarget.Local"/>) and the others through the remote connector.</summary>
internal sealed class ConnectionRouter(IConnector remote) : IConnector
{
    /// <summary>The connector as the engine uses it: one that already routes is kept.</summary>
    public static IConnector Around(IConnector connector) => connector as ConnectionRouter ?? new ConnectionRouter(connector);

    /// <inheritdoc />
    public Task<IHostConnection> ConnectAsync(HostTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.Local ? Task.FromResult<IHostConnection>(new LocalConnection(target)) : remote.ConnectAsync(target, cancellationToken);
    }
}
