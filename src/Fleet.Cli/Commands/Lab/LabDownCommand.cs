using Fleet.Lab;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands.Lab;

/// <summary><c>fleet lab down</c>: removes the lab; harmless when there is none.</summary>
internal sealed class LabDownCommand : AsyncCommand<LabSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, LabSettings settings, CancellationToken cancellationToken)
    {
        if (Environment.UserName != "root")
        {
            await Console.Error.WriteLineAsync("error: the lab needs root").ConfigureAwait(false);
            return 1;
        }

        try
        {
            await Fleet.Lab.Lab.DownAsync(settings.Dir, Console.Error.WriteLine, cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (LabException ex)
        {
            await Console.Error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return 1;
        }
    }
}
