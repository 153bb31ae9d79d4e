using Fleet.Core.Facts;
using Fleet.Core.Playbooks;

namespace Fleet.Core.Execution;

/// <summary>A play's fact gathering as the user the play becomes: Ansible's setup runs through sudo -u, so its user facts are that user's.</summary>
internal sealed partial class HostSession
{
    /// <summary>
    /// When the play gathers facts and becomes a user other than root, reads that user's <c>user_*</c> facts and <c>env</c> (one round
    /// trip) into the gathered facts, as Ansible's setup reports them; false when it fails, as Ansible's gathering then fails the host.
    /// The system facts that modules plan with stay as read at connect.
    /// </summary>
    private async Task<bool> GatherAsBecomeUserAsync(Play play, SharedPlayState run, CancellationToken cancellationToken)
    {
        if (!play.GatherFacts || Stopped || Connection is null || play.Keywords is not { } keywords || !(play.Become ?? Target.Become))
        {
            return true;
        }

        var frame = Frame.Root(play);
        var scope = _variables.Scope(run, keywords, frame, null);
        var user = BecomeUser.For(keywords, frame, scope, _options.BecomeUser);
        if (user is null)
        {
            return true;
        }

        var fact = new SystemFact();
        var result = await Connection.RunAsync(new RemoteCommand(fact.Command, Become: true, _options.TaskTimeout) { ReadOnly = true, BecomeUser = user, BecomeFlags = BecomeFlags.For(keywords, frame, scope) }, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            Fail($"gathering facts as {user} failed (exit {result.ExitCode}): {result.Stderr.Trim()}");
            return false;
        }

        try
        {
            _variables.GatherAs(play.GatherSubset, fact.Parse(result.Stdout, result.ExitCode));
            return true;
        }
        catch (FormatException ex)
        {
            Fail($"gathering facts as {user} failed: {ex.Message}");
            return false;
        }
    }
}
