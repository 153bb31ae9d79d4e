using Fleet.Core.Facts;
using Fleet.Core.Playbooks;

namespace Fleet.Core.Execution;

/// <summary>A play's fact gathering as the user the play becomes: Ansible's setup runs through sudo -u, so its user facts are that user's.</summary>
internal sealed partial class HostSession
{
    /// <summary>
    /// Whom the play's fact gathering becomes and with which sudo flags, assembled as a task's are (<see cref="BecomeUser"/>,
    /// <see cref="BecomeFlags"/>: variables, then the play's keywords, then the command line): Ansible gathers with its setup task.
    /// </summary>
    private (string? User, IReadOnlyList<string>? Flags) PlayBecome(Play play, SharedPlayState run)
    {
        if (play.Keywords is not { } keywords)
        {
            return (null, null);
        }

        var frame = Frame.Root(play);
        var scope = _variables.Scope(run, keywords, frame, null);
        return (BecomeUser.For(keywords, frame, scope, _options.BecomeUser), BecomeFlags.For(keywords, frame, scope));
    }

    /// <summary>
    /// When the play gathers facts and becomes a user other than root, reads that user's <c>user_*</c> facts and <c>env</c> (one round
    /// trip) into the gathered facts, as Ansible's setup reports them; false when it fails, as Ansible's gathering then fails the host.
    /// The system facts that modules plan with stay as read at connect.
    /// </summary>
    private async Task<bool> GatherAsBecomeUserAsync(Play play, SharedPlayState run, CancellationToken cancellationToken)
    {
        if (!play.GatherFacts || Stopped || Connection is null || play.Keywords is null || !(play.Become ?? Target.Become))
        {
            return true;
        }

        var (user, flags) = PlayBecome(play, run);
        if (user is null)
        {
            return true;
        }

        var fact = new SystemFact();
        var result = await Connection.RunAsync(new RemoteCommand(fact.Command, Become: true, _options.TaskTimeout) { ReadOnly = true, BecomeUser = user, BecomeFlags = flags }, cancellationToken).ConfigureAwait(false);
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
