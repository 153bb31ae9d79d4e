using System.Security.Cryptography;
using System.Text;

namespace Fleet.Core.Modules.AptSources;

/// <summary>
/// Just enough OpenPGP (RFC 4880) for key files: armor removed, a keyring split into its keys, and each key's v4 fingerprints
/// (the primary key's and its subkeys').
/// </summary>
public static class OpenPgpKeys
{
    /// <summary>True when the bytes are an ASCII-armored block (<c>-----BEGIN PGP …</c>).</summary>
    public static bool IsArmored(byte[] bytes) =>
        Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes?.Length ?? 0, 4096)).Contains("-----BEGIN PGP ", StringComparison.Ordinal);

    /// <summary>The binary packets of an armored block (as <c>gpg --dearmor</c> gives them).</summary>
    public static byte[] Dearmor(string armored)
    {
        ArgumentNullException.ThrowIfNull(armored);
        var lines = armored.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        var begin = Array.FindIndex(lines, l => l.StartsWith("-----BEGIN PGP ", StringComparison.Ordinal));
        if (begin < 0)
        {
            throw new FormatException("no -----BEGIN PGP line");
        }

        // Armor headers ("Version: …") end with an empty line; then base64 up to the "=" checksum or the END line.
        var body = lines.Skip(begin + 1).SkipWhile(l => l.Contains(':', StringComparison.Ordinal) && l.Trim().Length > 0).SkipWhile(l => l.Trim().Length == 0)
            .TakeWhile(l => !l.StartsWith('=') && !l.StartsWith("-----", StringComparison.Ordinal));
        return Convert.FromBase64String(string.Concat(body.Select(l => l.Trim())));
    }

    /// <summary>A keyring's keys in order: each key's bytes (its primary key packet up to the next one) and its fingerprints.</summary>
    public static IReadOnlyList<(byte[] Bytes, IReadOnlyList<string> Fingerprints)> Keys(byte[] binary)
    {
        ArgumentNullException.ThrowIfNull(binary);
        var keys = new List<(int Start, List<string> Fingerprints)>();
        var position = 0;
        while (position < binary.Length)
        {
            var (tag, headerLength, bodyLength) = Header(binary, position);
            var bodyStart = position + headerLength;
            if (bodyStart + bodyLength > binary.Length)
            {
                throw new FormatException("truncated OpenPGP packet");
            }

            if (tag == 6)
            {
                keys.Add((position, []));
            }

            if (tag is 6 or 14 && keys.Count > 0)
            {
                keys[^1].Fingerprints.Add(Fingerprint(binary.AsSpan(bodyStart, bodyLength)));
            }
            else if (keys.Count == 0)
            {
                throw new FormatException("the data does not start with a public key packet");
            }

            position = bodyStart + bodyLength;
        }

        return keys.Select((k, i) => (binary[k.Start..(i + 1 < keys.Count ? keys[i + 1].Start : binary.Length)], (IReadOnlyList<string>)k.Fingerprints)).ToList();
    }

    /// <summary>True when <paramref name="id"/> (8 or 16 hex digits, or a 40-digit fingerprint) names <paramref name="fingerprint"/>.</summary>
    public static bool Names(string id, string fingerprint) =>
        Normalize(id) is { } normalized && fingerprint.EndsWith(normalized, StringComparison.Ordinal);

    /// <summary>A key id as Ansible accepts it: hex, an optional 0x, 8, 16 or 40 digits; uppercase. Null when invalid.</summary>
    public static string? Normalize(string? id)
    {
        var text = id?.Trim().ToUpperInvariant() ?? "";
        text = text.StartsWith("0X", StringComparison.Ordinal) ? text[2..] : text;
        return text.Length is 8 or 16 or 40 && text.All(Uri.IsHexDigit) ? text : null;
    }

    private static string Fingerprint(ReadOnlySpan<byte> body)
    {
        if (body.Length == 0 || body[0] != 4)
        {
            throw new FormatException($"only version 4 keys are supported (this one is version {(body.Length == 0 ? 0 : body[0])})");
        }

        var data = new byte[body.Length + 3];
        data[0] = 0x99;
        data[1] = (byte)(body.Length >> 8);
        data[2] = (byte)body.Length;
        body.CopyTo(data.AsSpan(3));
#pragma warning disable CA5350 // OpenPGP v4 fingerprints are SHA-1 by definition; this identifies a key, it does not secure anything.
        return Convert.ToHexString(SHA1.HashData(data));
#pragma warning restore CA5350
    }

    private static (int Tag, int HeaderLength, int BodyLength) Header(byte[] data, int at)
    {
        var first = data[at];
        if ((first & 0x80) == 0)
        {
            throw new FormatException("not OpenPGP data");
        }

        if ((first & 0x40) != 0)
        {
            var l1 = data[at + 1];
            return l1 switch
            {
                < 192 => (first & 0x3f, 2, l1),
                < 224 => (first & 0x3f, 3, ((l1 - 192) << 8) + data[at + 2] + 192),
                255 => (first & 0x3f, 6, (data[at + 2] << 24) | (data[at + 3] << 16) | (data[at + 4] << 8) | data[at + 5]),
                _ => throw new FormatException("partial-length packets are not supported in keys"),
            };
        }

        var tag = (first >> 2) & 0x0f;
        return (first & 3) switch
        {
            0 => (tag, 2, data[at + 1]),
            1 => (tag, 3, (data[at + 1] << 8) | data[at + 2]),
            2 => (tag, 5, (data[at + 1] << 24) | (data[at + 2] << 16) | (data[at + 3] << 8) | data[at + 4]),
            _ => (tag, 1, data.Length - at - 1),
        };
    }
}
