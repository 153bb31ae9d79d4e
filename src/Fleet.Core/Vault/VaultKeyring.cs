using System.Text;

namespace Fleet.Core.Vault;

/// <summary>
/// The vault passwords of a run, and the texts decrypted with them (<see cref="Secrets"/>, which output masks). The keyring in use is
/// ambient (<see cref="Current"/>, set by <see cref="Use"/>): YAML is read from a dozen readers, and the passwords are the run's,
/// not any one reader's.
/// </summary>
public sealed class VaultKeyring(IReadOnlyList<VaultIdentity> identities)
{
    private static readonly AsyncLocal<VaultKeyring?> Ambient = new();

    /// <summary>A keyring without passwords: vaulted input is refused with a message naming the options that give one.</summary>
    public static VaultKeyring None { get; } = new([]);

    /// <summary>The keyring of the run in progress on this flow of work, or <see cref="None"/>.</summary>
    public static VaultKeyring Current => Ambient.Value ?? None;

    /// <summary>The passwords, in the order they were given.</summary>
    public IReadOnlyList<VaultIdentity> Identities { get; } = identities ?? throw new ArgumentNullException(nameof(identities));

    /// <summary>Every text decrypted with this keyring's passwords (readers add each decrypted value), for masking.</summary>
    public SecretTexts Secrets { get; } = new();

    /// <summary>Makes <paramref name="keyring"/> <see cref="Current"/> until the result is disposed (then the one before is again).</summary>
    public static IDisposable Use(VaultKeyring keyring)
    {
        ArgumentNullException.ThrowIfNull(keyring);
        var before = Ambient.Value;
        Ambient.Value = keyring;
        return new Restore(before);
    }

    /// <summary>
    /// The plaintext of vaulted <paramref name="text"/> read at <paramref name="at"/> (<paramref name="what"/> names it: "this file",
    /// "this !vault value"). As Ansible, the password whose label matches the text's vault id is tried first, then the others in
    /// order. No password, none that fits, or damaged data: a <see cref="FleetInputException"/> at <paramref name="at"/>.
    /// </summary>
    public string Decrypt(string text, SourceLocation at, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Identities.Count == 0)
        {
            throw new FleetInputException(at, $"{what} is encrypted with Ansible Vault and no vault password was given: use --vault-password-file FILE, --vault-id [LABEL@]SOURCE or --ask-vault-pass (or set ANSIBLE_VAULT_PASSWORD_FILE)");
        }

        VaultEnvelope envelope;
        try
        {
            envelope = VaultText.Parse(text);
        }
        catch (VaultFormatException ex)
        {
            throw new FleetInputException(at, $"{what} is damaged Ansible Vault data: {ex.Message}");
        }

        var ordered = Identities.Where(i => i.Label == envelope.VaultId).Concat(Identities.Where(i => i.Label != envelope.VaultId));
        foreach (var identity in ordered)
        {
            byte[]? plain;
            try
            {
                plain = VaultText.Decrypt(envelope, Encoding.UTF8.GetBytes(identity.Password.Reveal()));
            }
            catch (VaultFormatException ex)
            {
                throw new FleetInputException(at, $"{what} is damaged Ansible Vault data: {ex.Message}");
            }

            if (plain is not null)
            {
                try
                {
                    return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(plain);
                }
                catch (DecoderFallbackException)
                {
                    throw new FleetInputException(at, $"{what} decrypts to binary data, not UTF-8 text");
                }
            }
        }

        var named = envelope.VaultId is { } id ? $"; it names vault id '{id}'" : "";
        var tried = string.Join(", ", Identities.Select(i => $"'{i.Label}'").Distinct(StringComparer.Ordinal));
        throw new FleetInputException(at, $"cannot decrypt {what}: no vault password given fits it (tried vault id {tried}{named}); a wrong password, or data changed since it was encrypted");
    }

    private sealed class Restore(VaultKeyring? before) : IDisposable
    {
        public void Dispose() => Ambient.Value = before;
    }
}
