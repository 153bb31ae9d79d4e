using System.ComponentModel;
using System.Diagnostics;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands.Lab;

/// <summary><c>fleet lab ssh NAME [CMD]</c>: the system ssh client with the lab's key and known_hosts.</summary>
internal sealed class LabSshCommand : AsyncCommand<LabSshCommand.Settings>
{
    /// <summary>Options of lab ssh.</summary>
    public sealed class Settings : LabSettings
    {
        [CommandArgument(0, "<NAME>")]
        [Description("Host name (lab-01 …).")]
        public string Name { get; init; } = "";

        [CommandArgument(1, "[COMMAND]")]
        [Description("Command to run; interactive shell when absent. Words that start with - go after --.")]
        public string[] Command { get; init; } = [];
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (Fleet.Lab.Lab.Status(settings.Dir) is not { } lab)
        {
            await Console.Error.WriteLineAsync($"error: no lab in {settings.Dir}").ConfigureAwait(false);
            return 1;
        }

        if (lab.Hosts.FirstOrDefault(h => h.Name == settings.Name) is not { } host)
        {
            await Console.Error.WriteLineAsync($"error: no host '{settings.Name}' (hosts: {string.Join(", ", lab.Hosts.Select(h => h.Name))})").ConfigureAwait(false);
            return 1;
        }

        var start = new ProcessStartInfo("ssh") { UseShellExecute = false };
        foreach (var arg in new[] { "-i", lab.PrivateKeyPath, "-o", "UserKnownHostsFile=" + lab.KnownHostsPath, "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", $"root@{host.Address}" })
        {
            start.ArgumentList.Add(arg);
        }

        var command = settings.Command.Concat(context.Remaining.Raw).ToList();
        if (command.Count == 0)
        {
            start.ArgumentList.Insert(0, "-t");
        }

        foreach (var word in command)
        {
            start.ArgumentList.Add(word);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start ssh");
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return process.ExitCode;
    }
}
