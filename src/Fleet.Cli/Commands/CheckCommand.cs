namespace Fleet.Cli.Commands;

/// <summary><c>fleet check -i INV PLAYBOOK…</c>: the same plan, changes nothing, reports drift with diffs (exit 4 on drift).</summary>
internal sealed class CheckCommand : FleetCommand<PlaybookRunSettings>
{
    protected override Task<int> RunAsync(PlaybookRunSettings settings, CancellationToken cancellationToken) =>
        ApplyOrCheck.ExecuteAsync(settings, "check", cancellationToken);
}
