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

        [CommandOption("--rtt <DURATION>")]
        [Description("Round trip added in front of hosts by a delaying TCP proxy (50ms, 0.2s): WAN latency without netem. Default none.")]
        public string? Rtt { get; init; }

        [CommandOption("--rtt-hosts <HOSTS>")]
        [Description("Comma-separated hosts behind the --rtt proxy (lab-02,lab-03). Default every host.")]
        public string? RttHosts { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            var rtt = settings.Rtt is null ? TimeSpan.Zero : Fleet.Enforce.EnforceOptions.ParseDuration(settings.Rtt) ?? throw new LabException($"--rtt takes a duration such as 50ms or 0.2s, not '{settings.Rtt}'");
            var rttHosts = settings.RttHosts?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var lab = await Fleet.Lab.Lab.UpAsync(new LabUpOptions { Hosts = settings.Hosts, Dir = settings.Dir, Rtt = rtt, RttHosts = rttHosts }, Console.Error.WriteLine, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"inventory:   {lab.InventoryPath}");
            Console.WriteLine($"root key:    {lab.PrivateKeyPath}");
            Console.WriteLine($"known_hosts: {lab.KnownHostsPath}");
            foreach (var host in lab.Hosts)
            {
                Console.WriteLine(host.ProxyPort > 0 ? $"{host.Name}  {host.Address}  (behind the {settings.Rtt} proxy on port {host.ProxyPort})" : $"{host.Name}  {host.Address}");
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
