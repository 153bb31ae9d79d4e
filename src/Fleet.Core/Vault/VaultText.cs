using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Fleet.Core.Vault;

/// <summary>
/// Ansible Vault's format (<c>$ANSIBLE_VAULT;1.1;AES256</c>, and 1.2 with a vault id): the envelope, and the AES256 cipher —
/// PBKDF2-HMAC-SHA256 (10000 iterations) derives an AES-256-CTR key, an HMAC-SHA256 key and the counter's start from the password
/// and salt; the HMAC of the ciphertext is checked before anything is decrypted.
/// </summary>
public static class VaultText
{
    /// <summary>What every vaulted text starts with.</summary>
    public const string Header = "$ANSIBLE_VAULT";

    private const int Iterations = 10_000;
    private const int KeyLength = 32;
    private const int BlockSize = 16;

    /// <summary>True when <paramref name="text"/> is vaulted data (it starts with <see cref="Header"/>).</summary>
    public static bool IsVaulted(string? text) => text is not null && text.StartsWith(Header, StringComparison.Ordinal);

    /// <summary>
    /// The parts of a vaulted text, or a <see cref="VaultFormatException"/> saying what is damaged: the header's version, cipher
    /// and vault id (null in 1.1), and the salt, HMAC and ciphertext of the hexlified payload.
    /// </summary>
    public static VaultEnvelope Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        var header = lines[0].Trim().Split(';');
        if (header.Length < 3 || header[0] != Header)
        {
            throw new VaultFormatException($"the header must be {Header};1.1;AES256 or {Header};1.2;AES256;ID, not '{Clip(lines[0])}'");
        }

        var (version, cipher) = (header[1].Trim(), header[2].Trim());
        if (version is not ("1.1" or "1.2"))
        {
            throw new VaultFormatException($"vault format version {version} is not supported (1.1 and 1.2 are)");
        }

        if (cipher != "AES256")
        {
            throw new VaultFormatException($"cipher {cipher} is not supported (AES256 is Ansible's only cipher)");
        }

        var vaultId = header.Length >= 4 && header[3].Trim() is { Length: > 0 } id ? id : null;
        var outer = Unhex(string.Concat(lines.Skip(1).Select(l => l.Trim())), "payload");
        var parts = Encoding.ASCII.GetString(outer).Split('\n', 3);
        if (parts.Length != 3)
        {
            throw new VaultFormatException("the payload must hold a salt, an HMAC and the ciphertext");
        }

        return new VaultEnvelope(version, vaultId, Unhex(parts[0], "salt"), Unhex(parts[1], "HMAC"), Unhex(parts[2], "ciphertext"));
    }

    /// <summary>The plaintext of <paramref name="envelope"/> under <paramref name="password"/>, or null when the password is not the one it was encrypted with.</summary>
    public static byte[]? Decrypt(VaultEnvelope envelope, byte[] password)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var (cipherKey, hmacKey, counter) = DeriveKeys(password, envelope.Salt);
        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(hmacKey, envelope.Ciphertext), envelope.Hmac))
        {
            return null;
        }

        var padded = Ctr(cipherKey, counter, envelope.Ciphertext);
        var pad = padded.Length == 0 ? 0 : padded[^1];
        if (padded.Length % BlockSize != 0 || pad is < 1 or > BlockSize || padded.AsSpan(padded.Length - pad).ContainsAnyExcept((byte)pad))
        {
            throw new VaultFormatException("the decrypted data has no valid padding");
        }

        return padded[..^pad];
    }

    /// <summary>
    /// <paramref name="plaintext"/> encrypted as <c>ansible-vault encrypt</c> writes it: the 1.1 header (1.2 with a vault id other
    /// than "default"), then the payload in lines of 80 characters.
    /// </summary>
    public static string Encrypt(byte[] plaintext, byte[] password, string? vaultId = null, byte[]? salt = null)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        salt ??= RandomNumberGenerator.GetBytes(32);
        var (cipherKey, hmacKey, counter) = DeriveKeys(password, salt);
        var pad = BlockSize - (plaintext.Length % BlockSize);
        var padded = new byte[plaintext.Length + pad];
        plaintext.CopyTo(padded, 0);
        padded.AsSpan(plaintext.Length).Fill((byte)pad);
        var ciphertext = Ctr(cipherKey, counter, padded);
        var inner = string.Join('\n', Hex(salt), Hex(HMACSHA256.HashData(hmacKey, ciphertext)), Hex(ciphertext));
        var payload = Hex(Encoding.ASCII.GetBytes(inner));
        var header = vaultId is null or "default" ? $"{Header};1.1;AES256" : $"{Header};1.2;AES256;{vaultId}";
        var lines = new StringBuilder(header).Append('\n');
        for (var i = 0; i < payload.Length; i += 80)
        {
            lines.Append(payload.AsSpan(i, Math.Min(80, payload.Length - i))).Append('\n');
        }

        return lines.ToString();
    }

    /// <summary>The 80 bytes PBKDF2 derives: AES key, HMAC key, and the counter's initial block.</summary>
    private static (byte[] CipherKey, byte[] HmacKey, byte[] Counter) DeriveKeys(byte[] password, byte[] salt)
    {
        var derived = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, 2 * KeyLength + BlockSize);
        return (derived[..KeyLength], derived[KeyLength..(2 * KeyLength)], derived[(2 * KeyLength)..]);
    }

    /// <summary>AES-CTR (the counter a 128-bit big-endian number, as Python's cryptography has it) from AES-ECB, which .NET provides.</summary>
    private static byte[] Ctr(byte[] key, byte[] initialCounter, byte[] input)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        var counter = (byte[])initialCounter.Clone();
        var blocks = (input.Length + BlockSize - 1) / BlockSize;
        var counters = new byte[blocks * BlockSize];
        for (var b = 0; b < blocks; b++)
        {
            counter.CopyTo(counters, b * BlockSize);
            for (var i = BlockSize - 1; i >= 0 && ++counter[i] == 0; i--)
            {
                // carry into the next byte up
            }
        }

        var stream = aes.EncryptEcb(counters, PaddingMode.None);
        var output = new byte[input.Length];
        for (var i = 0; i < input.Length; i++)
        {
            output[i] = (byte)(input[i] ^ stream[i]);
        }

        return output;
    }

    private static byte[] Unhex(string hex, string what)
    {
        try
        {
            return Convert.FromHexString(hex.Trim());
        }
        catch (FormatException)
        {
            throw new VaultFormatException($"the {what} is not hexadecimal text");
        }
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLower(CultureInfo.InvariantCulture);

    private static string Clip(string text) => text.Length > 60 ? text[..60] + "…" : text;
}
