using System.ComponentModel;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands;

/// <summary><c>fleet apply -i INV PLAYBOOK…</c>: brings hosts to the playbooks' state (<c>--check</c>: report only).</summary>
internal sealed class ApplyCommand : FleetCommand<ApplyCommand.Settings>
{
    /// <summary>Options of apply.</summary>
    internal sealed class Settings : PlaybookRunSettings
    {
        [CommandOption("-C|--check")]
        [Description("Change nothing; report drift (same as fleet check).")]
        public bool Check { get; init; }
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellationToken) =>
        ApplyOrCheck.ExecuteAsync(settings, settings.Check ? "check" : "apply", cancellationToken);
}
