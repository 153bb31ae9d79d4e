using System.Net.Sockets;
using Fleet.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands.Lab;

/// <summary><c>fleet lab status</c>: the lab's hosts and whether each sshd answers; exit 1 when no lab is up.</summary>
internal sealed class LabStatusCommand : AsyncCommand<LabSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, LabSettings settings, CancellationToken cancellationToken)
    {
        if (Fleet.Lab.Lab.Status(settings.Dir) is not { } lab)
        {
            await Console.Error.WriteLineAsync($"no lab in {settings.Dir}").ConfigureAwait(false);
            return 1;
        }

        var table = new TextTable("host", "address", "pid", "running", "sshd");
        var down = 0;
        foreach (var host in lab.Hosts)
        {
            var running = Fleet.Lab.Lab.IsRunning(host);
            var ssh = running && await AnswersAsync(host.Address, host.Port, cancellationToken).ConfigureAwait(false);
            down += ssh ? 0 : 1;
            table.AddRow(host.Name, host.Address, host.InitPid.ToString(System.Globalization.CultureInfo.InvariantCulture), running ? "yes" : new Cell("no", "red"), ssh ? "answers" : new Cell("no answer", "red"));
        }

        table.Write(AnsiConsole.Console, TerminalWidth.Columns);
        AnsiConsole.MarkupLine($"inventory: {Markup.Escape(lab.InventoryPath)}");
        return down == 0 ? 0 : 3;
    }

    private static async Task<bool> AnswersAsync(string address, int port, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(address, port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
