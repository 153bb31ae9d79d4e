using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands;

/// <summary>Base of every command: invalid input becomes exit code 1 with file:line:column messages, before any host is contacted.</summary>
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
            foreach (var error in ex.Errors)
            {
                await Console.Error.WriteLineAsync("error: " + error).ConfigureAwait(false);
            }

            return ExitCodes.InvalidInput;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Runs return their report with Interrupted set; this is Ctrl-C outside a run (lab up in demo, loading).
            await Console.Error.WriteLineAsync("interrupted").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
    }

    /// <summary>The command's work; throw <see cref="FleetInputException"/> for invalid input.</summary>
    protected abstract Task<int> RunAsync(TSettings settings, CancellationToken cancellationToken);
}
