namespace Fleet.Core.Vault;

/// <summary>One vaulted text, parsed: its format version, its vault id (null in format 1.1), and the payload's salt, HMAC and ciphertext.</summary>
public sealed record VaultEnvelope(string Version, string? VaultId, byte[] Salt, byte[] Hmac, byte[] Ciphertext);
