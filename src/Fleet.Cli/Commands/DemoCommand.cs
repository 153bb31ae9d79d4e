using System.ComponentModel;
using Fleet.Core.Execution;
using Fleet.Core.Inputs;
using Fleet.Core.Results;
using Fleet.Lab;
using Fleet.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands;

/// <summary>
/// <c>fleet demo</c>: a fresh 3-host lab, a Lynis audit, <c>playbooks/site.yml</c> applied twice, a second audit, and a
/// before/after table. The demo checks itself: an invalid playbook is exit 1 before the lab starts; a second run that changes
/// anything, a failed task or a failed audit is exit 2 after the table.
/// </summary>
internal sealed class DemoCommand : FleetCommand<DemoCommand.Settings>
{
    /// <summary>Options of demo.</summary>
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--dir <DIR>")]
        [Description("Lab directory. Default /var/tmp/fleet-lab.")]
        public string Dir { get; init; } = new LabUpOptions().Dir;

        [CommandOption("--hosts <N>")]
        [Description("Lab hosts. Default 3.")]
        [DefaultValue(3)]
        public int Hosts { get; init; } = 3;

        [CommandOption("--site <FILE>")]
        [Description("The playbook to apply. Default playbooks/site.yml.")]
        public string Site { get; init; } = Path.Combine("playbooks", "site.yml");

        [CommandOption("--no-progress")]
        [Description("Plain lines instead of live progress.")]
        public bool NoProgress { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        CheckSite(settings.Site);
        Step($"Lab: {settings.Hosts} fresh hosts in {settings.Dir}");
        if (Fleet.Lab.Lab.Status(settings.Dir) is not null)
        {
            await Fleet.Lab.Lab.DownAsync(settings.Dir, Log, cancellationToken).ConfigureAwait(false);
        }

        var lab = await Fleet.Lab.Lab.UpAsync(new LabUpOptions { Hosts = settings.Hosts, Dir = settings.Dir }, Log, cancellationToken).ConfigureAwait(false);
        var inputs = RunInputs.Load(new RunInputsOptions { Inventory = lab.InventoryPath, Playbooks = [settings.Site] });
        var (inventory, playbooks) = (inputs.Inventory, inputs.Playbooks);
        var connection = new PlaybookRunSettings
        {
            Inventory = lab.InventoryPath,
            KnownHosts = lab.KnownHostsPath,
            NoProgress = settings.NoProgress,
            Playbooks = playbooks.Select(p => p.Path).ToArray(),
        };

        Step("Audit before (Lynis)");
        var (auditExit, before) = await AuditCommand.RunAsync(connection, inputs, null, cancellationToken).ConfigureAwait(false);
        if (before is not null)
        {
            AuditCommand.Table(before).Write(AnsiConsole.Console, TerminalWidth.Columns);
        }

        var options = ApplyOrCheck.Options(connection, "apply", inputs);
        Step($"Apply {settings.Site} (first run)");
        var first = await HostRun.ExecuteAsync(connection, inventory, (runner, ct) => runner.RunAsync(inventory, playbooks, options, ct), null, false, cancellationToken).ConfigureAwait(false);
        Step("Apply again: every host must report changed=0");
        RunReport? secondReport = null;
        var second = await HostRun.ExecuteAsync(
            connection,
            inventory,
            async (runner, ct) => secondReport = await runner.RunAsync(inventory, playbooks, options, ct).ConfigureAwait(false),
            null,
            false,
            cancellationToken).ConfigureAwait(false);
        var changed = secondReport?.Hosts.Sum(h => h.Count(TaskOutcome.Changed)) ?? -1;
        AnsiConsole.MarkupLine(changed == 0 ? "[green]second run: changed=0 on every host[/]" : $"[red]second run changed {changed} task(s): not idempotent[/]");
        Step("Audit after (Lynis)");
        var (afterExit, after) = await AuditCommand.RunAsync(connection, inputs, null, cancellationToken).ConfigureAwait(false);
        if (before is not null && after is not null)
        {
            Comparison(before, after).Write(AnsiConsole.Console, TerminalWidth.Columns);
        }

        var exit = Verdict(auditExit, first, second, changed, afterExit);
        if (exit != ExitCodes.Success)
        {
            AnsiConsole.MarkupLine($"[red]demo failed (exit {exit}): see the failed tasks, unreachable hosts or second-run changes above[/]");
        }

        AnsiConsole.MarkupLine($"The lab stays up: [bold]./fleet lab ssh lab-01[/], [bold]./fleet lab down[/] when done (inventory: {Markup.Escape(lab.InventoryPath)}).");
        return exit;
    }

    /// <summary>
    /// The demo's exit code from its steps' codes: the worst of them, and a failure (2) when the second run changed anything
    /// (<paramref name="changedOnSecondRun"/> &lt; 0: it did not report), since the demo's own check is that it converges.
    /// </summary>
    internal static int Verdict(int auditBefore, int firstApply, int secondApply, int changedOnSecondRun, int auditAfter)
    {
        var worst = Worst(Worst(auditBefore, auditAfter), Worst(firstApply, secondApply));
        return changedOnSecondRun == 0 ? worst : Worst(worst, ExitCodes.TaskFailed);
    }

    /// <summary>
    /// site.yml, loaded and validated before the lab starts (without an inventory, so hosts and their variables wait for the lab's):
    /// any error in a shipped playbook is invalid input (exit 1).
    /// </summary>
    private static void CheckSite(string site)
    {
        if (!File.Exists(site))
        {
            throw new FleetInputException($"{site} not found: run fleet demo from the repository root");
        }

        _ = RunInputs.Load(new RunInputsOptions { InventoryOptional = true, Playbooks = [site], CheckTargets = false });
    }

    private static TextTable Comparison(RunReport before, RunReport after)
    {
        var table = new TextTable("host", "before", "after", "warnings before", "warnings after") { Title = "Lynis hardening index" };
        foreach (var host in before.Hosts)
        {
            var later = after.Hosts.FirstOrDefault(h => h.Name == host.Name);
            table.AddRow(
                Display.Plain(host.Name),
                Index(host.Audit),
                Index(later?.Audit),
                host.Audit?.Warnings.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                later?.Audit?.Warnings.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-");
        }

        return table;
    }

    private static string Index(AuditSummary? audit) => audit?.HardeningIndex.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-";

    /// <summary>The more serious of two exit codes, in the precedence of docs/exit-codes.md.</summary>
    private static int Worst(int a, int b)
    {
        int[] order = [ExitCodes.InvalidInput, ExitCodes.Interrupted, ExitCodes.TaskFailed, ExitCodes.Unreachable, ExitCodes.Drift, ExitCodes.Success];
        return order.First(code => code == a || code == b);
    }

    private static void Step(string text) => AnsiConsole.MarkupLine($"\n[bold blue]== {Markup.Escape(text)}[/]");

    private static void Log(string text) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(text)}[/]");
}
