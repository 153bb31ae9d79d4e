using System.Globalization;

namespace Fleet.Core.Modules.OpensshKeypair;

/// <summary>A private key as <c>ssh-keygen -l</c> describes it (community.crypto's PrivateKey.from_string).</summary>
/// <param name="Size">Bits.</param>
/// <param name="Type">rsa, dsa, ecdsa, ed25519 (the last word without its parentheses, lower case).</param>
/// <param name="Fingerprint">SHA256:….</param>
public sealed record OpensshPrivateKey(int Size, string Type, string Fingerprint)
{
    /// <summary>Parses "4096 SHA256:… comment (RSA)"; null where community.crypto's parser raises (the key is then "not loaded").</summary>
    public static OpensshPrivateKey? Parse(string listOutput)
    {
        ArgumentNullException.ThrowIfNull(listOutput);
        var words = listOutput.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2 || !int.TryParse(words[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var size))
        {
            return null;
        }

        var last = words[^1];
        var type = last.Length >= 2 ? last[1..^1] : "";
        return new OpensshPrivateKey(size, type.ToLowerInvariant(), words[1]);
    }
}

/// <summary>A public key line: type, base64 data and comment (community.crypto's PublicKey).</summary>
/// <param name="TypeString">ssh-rsa, ssh-ed25519, ecdsa-sha2-nistp256….</param>
/// <param name="Data">The base64 key.</param>
/// <param name="Comment">The comment ("" when none).</param>
public sealed record OpensshPublicKey(string TypeString, string Data, string Comment)
{
    /// <summary>A public key file's content (PublicKey.load: split in three at single spaces), or null with fewer than two words.</summary>
    public static OpensshPublicKey? Load(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var parts = content.Trim(' ', '\n').Split(' ', 3);
        return parts.Length < 2 ? null : new OpensshPublicKey(parts[0], parts[1], parts.Length > 2 ? parts[2] : "");
    }

    /// <summary><c>ssh-keygen -y</c> output (PublicKey.from_string), or null when it has fewer than two words.</summary>
    public static OpensshPublicKey? FromKeygen(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var parts = output.Trim('\n').Split(' ', 3);
        return parts.Length < 2 ? null : new OpensshPublicKey(parts[0], parts[1], parts.Length > 2 ? parts[2] : "");
    }

    /// <summary>The same key; comments compared only when <paramref name="comment"/> is given, as community.crypto compares them.</summary>
    public bool Matches(OpensshPublicKey other, string? comment)
    {
        ArgumentNullException.ThrowIfNull(other);
        return TypeString == other.TypeString && Data == other.Data && (comment is null || Comment == comment);
    }

    /// <summary>"type data", without the comment (the module's <c>public_key</c> result).</summary>
    public override string ToString() => TypeString + " " + Data;
}
