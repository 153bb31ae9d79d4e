using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Fleet.Cli.Commands;
using Fleet.Cli.Commands.Lab;
using Fleet.Cli.Output;
using Fleet.Core.Results;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fleet.Cli;

/// <summary>The <c>fleet</c> command line.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        using var interrupt = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        if (Console.IsOutputRedirected)
        {
            // Free text in logs and CI output (diffs, long messages) is not wrapped at 80 columns; tables and help wrap to TerminalWidth.
            AnsiConsole.Profile.Width = 200;
        }

        // fleet help [COMMAND…] is fleet [COMMAND…] --help: the same text.
        if (args is ["help", .. var command])
        {
            args = [.. command, "--help"];
        }

        args = ConnectionSettings.JoinSshArguments(args);
        var app = CreateApp();
        return await app.RunAsync(VerbosityArguments.Expand(args), interrupt.Token).ConfigureAwait(false);

        // The first signal asks the run to stop and still write its reports; the process then exits 130. A second one is left
        // to its default action, ending the process at once: hosts still end their scripts when the connection closes.
        void Cancel(PosixSignalContext context)
        {
            context.Cancel = !interrupt.IsCancellationRequested;
            interrupt.Cancel();
        }
    }

    /// <summary>The command line; its settings are bound by Spectre.Console.Cli's reflection.</summary>
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "The NativeAOT build roots fleet's and Spectre.Console.Cli's assemblies (Fleet.Cli.csproj): every command, settings type, property and attribute the binder reflects on is kept; options are bool, int, int?, double, string and string[] only.")]
    private static CommandApp CreateApp()
    {
        var app = new CommandApp();
        app.Configure(Configure);
        return app;
    }

    internal static void Configure(IConfigurator config)
    {
        config.SetApplicationName("fleet");
        config.UseAssemblyInformationalVersion(); // fleet --version
        config.UseStrictParsing(); // an unknown or misspelt option is invalid input (exit 1), never silently ignored
        config.CancellationExitCode(ExitCodes.Interrupted);
        config.ConfigureConsole(HelpConsole.Create(Console.Out, TerminalWidth.Columns, color: !Console.IsOutputRedirected));
        config.Settings.ShowOptionDefaultValues = false; // each description says its default: the column only narrowed the text
        config.SetHelpProvider(new StackedHelpProvider(config.Settings)); // below 60 columns, names above their descriptions
        config.SetExceptionHandler((ex, _) =>
        {
            // Parse errors (unknown option, bad value) are invalid input: exit 1, nothing contacted; anything else is a bug (70).
            AnsiConsole.Console.Profile.Out.Writer.Flush();
            var args = Environment.GetCommandLineArgs()[1..];
            return UnhandledError.Report(OptionValues.Explain(UnknownNames.Explain(ex, args), args), Console.Error, logFile: null, verbose: false);
        });
        config.AddCommand<ApplyCommand>("apply").WithDescription("Bring hosts to the playbooks' state.");
        config.AddCommand<CheckCommand>("check").WithDescription("Report drift with diffs; change nothing.");
        config.AddCommand<ValidateCommand>("validate").WithDescription("Parse and validate inventory and playbooks; contact no host.");
        config.AddCommand<InventoryCommand>("inventory").WithDescription("Show the resolved hosts, groups and variables.");
        config.AddCommand<PingCommand>("ping").WithDescription("Connect to every host: reachability, host key, OS facts.");
        config.AddCommand<AuditCommand>("audit").WithDescription("Run Lynis on every host: hardening index, warnings.");
        config.AddCommand<EnforceCommand>("enforce").WithDescription("Check or correct drift every interval, as a service: reports, drift history, metrics.");
        config.AddCommand<DemoCommand>("demo").WithDescription("Lab up (3 hosts), audit, apply playbooks/site.yml twice, audit again.");
        config.AddBranch("lab", LabBranch.Configure);
        config.AddBranch("report", report =>
        {
            report.SetDescription("Work with JSON reports.");
            report.AddCommand<ReportMergeCommand>("merge").WithDescription("Merge the JSON reports of a run's shards into one report and one exit code.");
        });
    }
}
