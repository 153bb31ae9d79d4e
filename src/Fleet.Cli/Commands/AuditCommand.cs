using System.ComponentModel;
using Fleet.Cli.Output;
using Fleet.Core.Execution;
using Fleet.Core.Inputs;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands;

/// <summary><c>fleet audit -i INV [--min-index N]</c>: runs Lynis on every host and reports the hardening index and warnings.</summary>
internal sealed class AuditCommand : FleetCommand<AuditCommand.Settings>
{
    /// <summary>Options of audit.</summary>
    internal sealed class Settings : ConnectionSettings
    {
        [CommandOption("--min-index <N>")]
        [Description("Fail a host whose hardening index is below N.")]
        public int? MinIndex { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        HostRun.CheckOptions(settings);
        if (settings.MinIndex is < 0 or > 100)
        {
            throw new FleetInputException($"--min-index must be between 0 and 100, not {settings.MinIndex}");
        }

        var inputs = HostRun.LoadInputs(settings);
        var (exit, report) = await RunAsync(settings, inputs, settings.MinIndex, cancellationToken).ConfigureAwait(false);
        if (report is not null)
        {
            Table(report).Write(AnsiConsole.Console, TerminalWidth.Columns);
        }

        return exit;
    }

    /// <summary>Runs the audit play (one lynis task) on the selected hosts of <paramref name="inputs"/>.</summary>
    public static async Task<(int Exit, RunReport? Report)> RunAsync(ConnectionSettings settings, RunInputs inputs, int? minIndex, CancellationToken cancellationToken)
    {
        var inventory = inputs.Inventory;
        var options = HostRun.Options(settings, inputs, "audit");
        var playbook = new Playbook("<audit>", [AuditPlay(minIndex)]);
        RunReport? report = null;
        var exit = await HostRun.ExecuteAsync(
            settings,
            inventory,
            async (runner, ct) => report = await runner.RunAsync(inventory, [playbook], options, ct).ConfigureAwait(false),
            junitPath: null,
            showDiff: false,
            cancellationToken).ConfigureAwait(false);
        return (exit, report);
    }

    /// <summary>The audit as a play: one lynis task on all hosts, built like a parsed playbook so it runs through the engine.</summary>
    private static Play AuditPlay(int? minIndex)
    {
        var at = new SourceLocation("<audit>", 1, 1);
        List<KeyValuePair<string, ArgValue>> args = minIndex is { } min
            ? [new("min_index", new ScalarArg(min.ToString(System.Globalization.CultureInfo.InvariantCulture), false, at))]
            : [];
        var task = new TaskDefinition("Lynis audit", "lynis", new MapArg(args, at), [], null, [], 0, TimeSpan.Zero, null, false, null, null, at);
        return new Play("Audit", "all", new Dictionary<string, object?>(), [task], [], [], null, at);
    }

    /// <summary>Hardening index, warnings and suggestions per host.</summary>
    public static TextTable Table(RunReport report)
    {
        var table = new TextTable("host", "hardening index", "warnings", "suggestions", "status");
        foreach (var host in report.Hosts)
        {
            var audit = host.Audit;
            var failure = host.Error ?? host.Tasks.FirstOrDefault(t => t.Status == TaskOutcome.Failed)?.Message;
            table.AddRow(
                Display.Plain(host.Name),
                audit?.HardeningIndex.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                Display.Plain(audit is null ? "-" : audit.Warnings.Count == 0 ? "0" : $"{audit.Warnings.Count}: {string.Join("; ", audit.Warnings)}"),
                audit?.Suggestions.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                Display.Plain(failure ?? host.Status.ToString().ToLowerInvariant()));
        }

        return table;
    }
}
