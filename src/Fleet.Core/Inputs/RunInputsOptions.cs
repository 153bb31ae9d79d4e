using Fleet.Core.Modules;
using Fleet.Core.Vault;

namespace Fleet.Core.Inputs;

/// <summary>What to read for a run, as the user named it (command line or enforce configuration); see <see cref="RunInputs.Load"/>.</summary>
public sealed record RunInputsOptions
{
    /// <summary>The inventory file or directory, or null when none was named. The default value is null.</summary>
    public string? Inventory { get; init; }

    /// <summary>
    /// True when a run may go without an inventory (<c>fleet validate</c> then checks the playbooks alone); otherwise a missing one
    /// is an error. The default value is false.
    /// </summary>
    public bool InventoryOptional { get; init; }

    /// <summary>
    /// The playbook files, in run order; null for a command that runs none (ping, audit, inventory), and an empty list is an
    /// error. The default value is null.
    /// </summary>
    public IReadOnlyList<string>? Playbooks { get; init; }

    /// <summary><c>--var key=value</c> options, in order (a later key wins). The default value is none.</summary>
    public IReadOnlyList<string> Vars { get; init; } = [];

    /// <summary><c>--limit</c>: a host pattern further limiting every play, or null. The default value is null.</summary>
    public string? Limit { get; init; }

    /// <summary><c>--shard I/N</c> as written, or null for every selected host. The default value is null.</summary>
    public string? Shard { get; init; }

    /// <summary>
    /// <c>--roles-path</c>: colon-separated directories searched for roles after roles/ beside the playbook, or null for
    /// <c>ANSIBLE_ROLES_PATH</c>, else Ansible's default path. The default value is null.
    /// </summary>
    public string? RolesPath { get; init; }

    /// <summary><c>-u</c>: the remote user of hosts whose inventory names none, or null. The default value is none.</summary>
    public string? User { get; init; }

    /// <summary><c>--private-key</c>: the identity file of hosts whose inventory names none, or null. The default value is none.</summary>
    public string? PrivateKey { get; init; }

    /// <summary>
    /// <c>--ssh-common-args</c> and <c>--ssh-extra-args</c> as written, by option name: read as the variables they set in Ansible
    /// (<see cref="Inventory.SshArguments.CommandLineOptions"/>), below every inventory value. The default value is none.
    /// </summary>
    public IReadOnlyDictionary<string, string> SshArguments { get; init; } = new Dictionary<string, string>();

    /// <summary><c>-b</c>: hosts become unless their inventory, a play, block or task says otherwise. The default value is false.</summary>
    public bool Become { get; init; }

    /// <summary><c>-k</c>: the login password asked on the terminal, for hosts whose inventory gives none, or null. The default value is null.</summary>
    public Secret? AskedPassword { get; init; }

    /// <summary><c>-K</c>: the sudo password asked on the terminal, for hosts whose inventory gives none, or null. The default value is null.</summary>
    public Secret? AskedBecomePassword { get; init; }

    /// <summary>
    /// The vault passwords that decrypt vaulted files and <c>!vault</c> values (what is decrypted is kept in its
    /// <see cref="VaultKeyring.Secrets"/> for masking). The default value is <see cref="VaultKeyring.None"/>: vaulted input is refused.
    /// </summary>
    public VaultKeyring Vault { get; init; } = VaultKeyring.None;

    /// <summary>
    /// True to check, before any host is contacted, what connecting to the targeted hosts needs (identity files, rendered
    /// connection variables, passwords); false for commands that connect to nothing (validate, inventory). The default value is true.
    /// </summary>
    public bool CheckTargets { get; init; } = true;

    /// <summary>The modules playbooks may use. The default value is <see cref="ModuleCatalog.Default"/>.</summary>
    public IModuleCatalog Catalog { get; init; } = ModuleCatalog.Default;
}
