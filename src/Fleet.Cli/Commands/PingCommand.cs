using Fleet.Cli.Output;
using Fleet.Core.Execution;
using Fleet.Core.Results;
using Spectre.Console;

namespace Fleet.Cli.Commands;

/// <summary><c>fleet ping -i INV</c>: connects to every host; prints reachability, host key fingerprint and OS facts.</summary>
internal sealed class PingCommand : FleetCommand<ConnectionSettings>
{
    protected override async Task<int> RunAsync(ConnectionSettings settings, CancellationToken cancellationToken)
    {
        HostRun.CheckOptions(settings);
        var inputs = HostRun.LoadInputs(settings);
        var inventory = inputs.Inventory;

        var options = HostRun.Options(settings, inputs, "ping");
        RunReport? report = null;
        var exit = await HostRun.ExecuteAsync(
            settings,
            inventory,
            async (runner, ct) => report = await runner.PingAsync(inventory, options, ct).ConfigureAwait(false),
            junitPath: null,
            showDiff: false,
            cancellationToken,
            tasks: false).ConfigureAwait(false);
        if (report is not null)
        {
            Write(report);
        }

        return exit;
    }

    private static void Write(RunReport report) => Table(report).Write(AnsiConsole.Console, TerminalWidth.Columns);

    /// <summary>One row per host: address, reachability, host key, OS, kernel, service manager, connect time.</summary>
    internal static TextTable Table(RunReport report)
    {
        var table = new TextTable("host", "address", "status", "host key", "os", "kernel", "service manager", "ms");
        foreach (var host in report.Hosts)
        {
            var facts = host.Facts;
            var reachable = host.Status is not HostStatus.Unreachable and not HostStatus.Failed;
            table.AddRow(
                Display.Plain(host.Name),
                Display.Plain(host.Address),
                reachable ? new Cell("reachable", "green") : new Cell(Display.Plain(host.Error ?? host.Status.ToString()), "red"),
                Display.Plain(host.HostKeyFingerprint ?? ""),
                Display.Plain($"{facts.GetValueOrDefault("ansible_distribution")} {facts.GetValueOrDefault("ansible_distribution_version")}".Trim()),
                Display.Plain(facts.GetValueOrDefault("ansible_kernel") ?? ""),
                Display.Plain(facts.GetValueOrDefault("ansible_service_mgr") ?? ""),
                host.DurationMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return table;
    }
}
