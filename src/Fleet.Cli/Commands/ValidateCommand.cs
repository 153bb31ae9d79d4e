using System.ComponentModel;
using Fleet.Core.Inputs;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands;

/// <summary><c>fleet validate [-i INV] PLAYBOOK…</c>: parses and validates everything, contacts no host.</summary>
internal sealed class ValidateCommand : FleetCommand<ValidateCommand.Settings>
{
    /// <summary>Options of validate.</summary>
    internal sealed class Settings : VaultSettings
    {
        [CommandOption("-i|--inventory <FILE>")]
        [Description("Inventory file; with it, every task is also rendered for every host it targets.")]
        public string? Inventory { get; init; }

        [CommandOption("--roles-path <DIRS>")]
        [Description("Directories searched for roles after roles/ beside the playbook (colon-separated). The default is ANSIBLE_ROLES_PATH, else Ansible's default path.")]
        public string? RolesPath { get; init; }

        [CommandOption("-e|--extra-vars|--var <VARS>")]
        [Description("Extra variables (repeatable), as in Ansible: key=value words (text values), @FILE (YAML or JSON), or a YAML/JSON mapping.")]
        public string[] Vars { get; init; } = [];

        [CommandArgument(0, "<PLAYBOOK>")]
        [Description("Playbook files.")]
        public string[] Playbooks { get; init; } = [];
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        // Validation contacts no host, so credentials (absent in CI) are not checked; any limit or shard is a run's, not the files'.
        var inputs = RunInputs.Load(new RunInputsOptions
        {
            Inventory = settings.Inventory,
            InventoryOptional = true,
            Playbooks = settings.Playbooks,
            Vars = settings.Vars,
            RolesPath = settings.RolesPath,
            CheckTargets = false,
            Vault = settings.Vault(),
        });
        var playbooks = inputs.Playbooks;
        HostRun.PrintWarnings(inputs);

        var plays = playbooks.Sum(p => p.Plays.Count);
        var tasks = playbooks.Sum(p => p.Plays.Sum(play => play.Tasks.Concat(play.Handlers).SelectMany(t => t.Flatten()).Count(t => t.Keywords.Kind != TaskKind.Block)));
        var hosts = inputs.HasInventory ? $", {inputs.Inventory.Hosts.Count} host(s)" : "";
        var warnings = inputs.Warnings.Count > 0 ? $", {inputs.Warnings.Count} warning(s)" : "";
        Console.WriteLine($"ok: {playbooks.Count} playbook(s), {plays} play(s), {tasks} task(s){hosts}{warnings}");
        return Task.FromResult(ExitCodes.Success);
    }
}
