namespace Fleet.Core.Execution;

/// <summary>A play's login (<c>remote_user</c>): one other than the open connection's makes a new connection for that play.</summary>
internal sealed partial class HostSession
{
    /// <summary>Logs in as <paramref name="user"/> for the play starting now; false when the host cannot be reached that way.</summary>
    private async Task<bool> LoginAsAsync(string user, CancellationToken cancellationToken)
    {
        if (user == Target.User)
        {
            return true;
        }

        Target = Target with { User = user };
        if (Connection is null)
        {
            return true;
        }

        try
        {
            await ReconnectAsync(cancellationToken).ConfigureAwait(false);
            // What the other login could read is not what this one can: every fact is read again.
            _facts.Invalidate(null);
            return true;
        }
        catch (HostUnreachableException ex)
        {
            MarkUnreachable(ex.Message);
            return false;
        }
    }
}
