using Fleet.Cli.Output;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands;

/// <summary>
/// Base of every command: invalid input becomes exit code 1 with file:line:column messages, before any host is contacted; an
/// unexpected exception (a bug in Fleet) becomes exit code 70.
/// </summary>
internal abstract class FleetCommand<TSettings> : AsyncCommand<TSettings>
    where TSettings : CommandSettings
{
    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(settings, cancellationToken).ConfigureAwait(false);
        }
        catch (FleetInputException ex)
        {
            // A module Fleet lacks beside a real error: say both, so fixing the errors brings no surprise.
            foreach (var warning in ex.Warnings)
            {
                await Console.Error.WriteLineAsync("warning: " + Display.Plain(warning.ToString())).ConfigureAwait(false);
            }

            foreach (var error in ex.Errors)
            {
                await Console.Error.WriteLineAsync("error: " + Display.Plain(error.ToString())).ConfigureAwait(false); // input text may hold escape sequences
            }

            return ExitCodes.InvalidInput;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Runs return their report with Interrupted set; this is Ctrl-C outside a run (lab up in demo, loading).
            await Console.Error.WriteLineAsync("interrupted").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
        catch (Exception ex)
        {
            // A bug in Fleet, not a failed task: exit 70, with the stack trace where --log-file and --verbose ask for it.
            AnsiConsole.Console.Profile.Out.Writer.Flush();
            var output = settings as ConnectionSettings;
            return UnhandledError.Report(ex, Console.Error, output?.LogFile, output?.Verbose == true);
        }
    }

    /// <summary>The command's work; throw <see cref="FleetInputException"/> for invalid input.</summary>
    protected abstract Task<int> RunAsync(TSettings settings, CancellationToken cancellationToken);
}
