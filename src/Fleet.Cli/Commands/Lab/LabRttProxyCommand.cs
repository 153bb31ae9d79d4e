using System.ComponentModel;
using System.Globalization;
using Fleet.Lab;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands.Lab;

/// <summary><c>fleet lab rtt-proxy</c> (hidden): the delaying proxy process that <c>lab up --rtt</c> starts and <c>lab down</c> ends.</summary>
internal sealed class LabRttProxyCommand : AsyncCommand<LabRttProxyCommand.Settings>
{
    /// <summary>Options of the proxy.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--one-way-ms <MS>")]
        [Description("Delay in each direction, in milliseconds (half the round trip).")]
        public double OneWayMs { get; init; }

        [CommandOption("--route <LISTEN=TARGET>")]
        [Description("LISTEN_ADDRESS:PORT=TARGET_ADDRESS:PORT; repeatable.")]
        public string[] Routes { get; init; } = [];
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            var routes = settings.Routes.Select(ProxyRoute.Parse).ToList();
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"delaying {settings.OneWayMs} ms each way: {string.Join(", ", routes)}")).ConfigureAwait(false);
            await DelayProxy.RunAsync(routes, TimeSpan.FromMilliseconds(settings.OneWayMs), cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (LabException ex)
        {
            await Console.Error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return 1;
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            await Console.Error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return 1;
        }
    }
}
