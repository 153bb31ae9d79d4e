using Fleet.Core.Execution.Actions;

namespace Fleet.Core.Execution;

/// <summary>The session's connection as a <see cref="HostAction"/> uses it: commands, a new connection in place of the old, facts forgotten.</summary>
internal sealed partial class HostSession : IHostLink
{
    Task<CommandResult> IHostLink.RunAsync(RemoteCommand command, CancellationToken cancellationToken) =>
        (Connection ?? throw new HostUnreachableException($"{Host.Name}: not connected")).RunAsync(command, cancellationToken);

    async Task IHostLink.ReconnectAsync(CancellationToken cancellationToken)
    {
        var fresh = await _connector.ConnectAsync(Target, cancellationToken).ConfigureAwait(false);
        var old = Connection;
        Connection = fresh;
        if (old is not null && !ReferenceEquals(old, fresh))
        {
            await old.DisposeAsync().ConfigureAwait(false);
        }
    }

    void IHostLink.ForgetFacts() => _facts.Invalidate(null);
}
