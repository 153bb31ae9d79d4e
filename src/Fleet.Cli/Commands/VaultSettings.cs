using System.ComponentModel;
using Fleet.Cli.Output;
using Fleet.Core.Vault;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands;

/// <summary>The vault password options of every command that reads inputs, with Ansible's names.</summary>
internal class VaultSettings : CommandSettings
{
    [CommandOption("--vault-password-file <FILE>")]
    [Description("Vault password file, or an executable script that prints the password (repeatable). Default: ANSIBLE_VAULT_PASSWORD_FILE.")]
    public string[] VaultPasswordFiles { get; init; } = [];

    [CommandOption("--vault-id <[LABEL@]SOURCE>")]
    [Description("A vault id and its password source: a file, a script, or prompt (repeatable). The matching label is tried first.")]
    public string[] VaultIds { get; init; } = [];

    [CommandOption("-J|--ask-vault-pass")]
    [Description("Ask for the vault password on the terminal (not echoed).")]
    public bool AskVaultPass { get; init; }

    /// <summary>
    /// The vault passwords these options (and ANSIBLE_VAULT_PASSWORD_FILE) name, read now; none named is an empty keyring of this
    /// run's own, whose secrets (passwords written in the inventory) mask this run's output.
    /// </summary>
    public VaultKeyring Vault() => new VaultPasswordSources
    {
        VaultIds = VaultIds,
        PasswordFiles = VaultPasswordFiles,
        Ask = AskVaultPass,
        EnvironmentFile = Environment.GetEnvironmentVariable(VaultPasswordSources.EnvironmentVariable),
    }.Load(PasswordPrompt.Ask) is var keyring && ReferenceEquals(keyring, VaultKeyring.None) ? new VaultKeyring([]) : keyring;
}
