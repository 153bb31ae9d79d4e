namespace Fleet.Core.Vault;

/// <summary>One vault password and its vault id label ("default" when none was given), as <c>--vault-id LABEL@SOURCE</c> names it.</summary>
public sealed record VaultIdentity(string Label, Secret Password)
{
    /// <summary>The label of a password given without one (<c>--vault-password-file</c>, <c>--ask-vault-pass</c>), as in Ansible.</summary>
    public const string DefaultLabel = "default";
}
