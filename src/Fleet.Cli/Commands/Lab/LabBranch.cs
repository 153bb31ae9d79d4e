using Spectre.Console.Cli;

namespace Fleet.Cli.Commands.Lab;

/// <summary>Registers <c>fleet lab up|down|status|ssh</c>.</summary>
internal static class LabBranch
{
    /// <summary>Adds the lab commands to the <c>lab</c> branch.</summary>
    public static void Configure(IConfigurator<CommandSettings> lab)
    {
        lab.SetDescription("A local test fleet of real hosts in network namespaces (root, Linux).");
        lab.AddCommand<LabUpCommand>("up").WithDescription("Create N lab hosts; print the inventory, key and known_hosts paths.");
        lab.AddCommand<LabDownCommand>("down").WithDescription("Remove the lab and everything it created.");
        lab.AddCommand<LabStatusCommand>("status").WithDescription("Show lab hosts and whether sshd answers.");
        lab.AddCommand<LabSshCommand>("ssh").WithDescription("Open ssh to a lab host, or run a command on it.");
        lab.AddCommand<LabRttProxyCommand>("rtt-proxy").WithDescription("The delaying proxy that lab up --rtt starts (internal).").IsHidden();
    }
}

/// <summary>The lab directory option every lab command takes.</summary>
internal class LabSettings : CommandSettings
{
    [CommandOption("--dir <DIR>")]
    [System.ComponentModel.Description("Lab directory. Default /var/tmp/fleet-lab.")]
    public string Dir { get; init; } = new Fleet.Lab.LabUpOptions().Dir;
}
