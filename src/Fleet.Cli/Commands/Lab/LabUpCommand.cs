using System.ComponentModel;
using Fleet.Lab;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands.Lab;

/// <summary><c>fleet lab up</c>: creates the lab and prints where its inventory, key and known_hosts are.</summary>
internal sealed class LabUpCommand : AsyncCommand<LabUpCommand.Settings>
{
    /// <summary>Options of lab up.</summary>
    public sealed class Settings : LabSettings
    {
        [CommandOption("--hosts <N>")]
        [Description("Number of hosts. Default 3.")]
        public int Hosts { get; init; } = 3;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            var lab = await Fleet.Lab.Lab.UpAsync(new LabUpOptions { Hosts = settings.Hosts, Dir = settings.Dir }, Console.Error.WriteLine, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"inventory:   {lab.InventoryPath}");
            Console.WriteLine($"root key:    {lab.PrivateKeyPath}");
            Console.WriteLine($"known_hosts: {lab.KnownHostsPath}");
            foreach (var host in lab.Hosts)
            {
                Console.WriteLine($"{host.Name}  {host.Address}");
            }

            return 0;
        }
        catch (LabException ex)
        {
            await Console.Error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // UpAsync takes down whatever it had started before it rethrows.
            await Console.Error.WriteLineAsync("interrupted: lab up stopped and removed what it had started").ConfigureAwait(false);
            return Core.Results.ExitCodes.Interrupted;
        }
    }
}
