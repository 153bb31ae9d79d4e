namespace Fleet.Core.Vault;

/// <summary>Vaulted data that is damaged (a bad header, payload or padding); the message says what, in Fleet's words.</summary>
public sealed class VaultFormatException(string message) : Exception(message);
