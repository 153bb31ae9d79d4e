using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Fleet.Ssh;

/// <summary>What a known_hosts file says about a host's key.</summary>
public enum HostKeyMatch
{
    /// <summary>The key is recorded for the host.</summary>
    Known,
    /// <summary>The host has no key of this type recorded.</summary>
    Unknown,
    /// <summary>The host has a different key of this type recorded: possible man-in-the-middle.</summary>
    Changed,
    /// <summary>The key is marked @revoked.</summary>
    Revoked,
    /// <summary>No key is recorded for the host, but a <c>@cert-authority</c> line names it: host certificates are not supported.</summary>
    CertificateAuthority,
}

/// <summary>
/// An OpenSSH known_hosts file: plain names, <c>[host]:port</c> for other ports, comma lists with wildcards and negations
/// (<c>!host</c>: a line whose negated pattern matches does not apply to that host, whatever else matches), hashed
/// <c>|1|salt|hash</c> entries (<c>ssh-keygen -H</c>), several keys per host (any one of them is the host's), <c>@revoked</c>
/// (refused) and <c>@cert-authority</c> (reported as not supported when the host has no plain key). Key types are compared by
/// the type inside the key blob, so an RSA key offered for <c>rsa-sha2-512</c> matches its <c>ssh-rsa</c> line. Appends are
/// serialised in-process and across processes.
/// </summary>
public sealed class KnownHostsStore(string path)
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Locks = new(StringComparer.Ordinal);

    /// <summary>The file.</summary>
    public string Path { get; } = path;

    /// <summary>The file that holds no keys and keeps none (ssh's <c>UserKnownHostsFile=/dev/null</c>).</summary>
    public const string DiscardPath = "/dev/null";

    /// <summary>The OpenSSH host token: "host" on port 22, "[host]:port" otherwise.</summary>
    public static string HostToken(string host, int port) => port == 22 ? host : $"[{host}]:{port}";

    /// <summary>"SHA256:…" of a key blob, as OpenSSH prints it.</summary>
    public static string Fingerprint(byte[] keyBlob) => "SHA256:" + Convert.ToBase64String(SHA256.HashData(keyBlob)).TrimEnd('=');

    /// <summary>Looks the key up; <paramref name="line"/> is the 1-based line of a changed, revoked or cert-authority entry.</summary>
    public HostKeyMatch Check(string host, int port, string keyType, byte[] keyBlob, out int line)
    {
        ArgumentNullException.ThrowIfNull(keyBlob);
        line = 0;
        var token = HostToken(host, port);
        var result = HostKeyMatch.Unknown;
        var authorityLine = 0;
        var known = false;
        if (!File.Exists(Path))
        {
            return result;
        }

        keyType = BlobKeyType(keyBlob) ?? keyType;
        var number = 0;
        foreach (var raw in File.ReadLines(Path))
        {
            number++;
            if (Parse(raw) is not { } entry || !AppliesTo(entry.Hosts, token))
            {
                continue;
            }

            var entryType = BlobKeyType(entry.Key) ?? entry.KeyType;
            var sameKey = entryType == keyType && entry.Key.AsSpan().SequenceEqual(keyBlob);
            if (entry.Marker == "@revoked")
            {
                if (sameKey)
                {
                    line = number;
                    return HostKeyMatch.Revoked;
                }

                continue;
            }

            if (entry.Marker == "@cert-authority")
            {
                authorityLine = authorityLine == 0 ? number : authorityLine;
                continue;
            }

            if (entry.Marker is not null)
            {
                continue;
            }

            if (sameKey)
            {
                // Known, unless a later @revoked line names the key: revocation wins wherever it stands, as in OpenSSH.
                known = true;
                continue;
            }

            if (entryType == keyType && result == HostKeyMatch.Unknown)
            {
                result = HostKeyMatch.Changed;
                line = number;
            }
        }

        if (known)
        {
            line = 0;
            return HostKeyMatch.Known;
        }

        if (result == HostKeyMatch.Unknown && authorityLine > 0)
        {
            line = authorityLine;
            return HostKeyMatch.CertificateAuthority;
        }

        return result;
    }

    /// <summary>The key type named inside an SSH public key blob (its first length-prefixed string), or null.</summary>
    private static string? BlobKeyType(byte[] blob)
    {
        if (blob.Length < 4)
        {
            return null;
        }

        var length = (blob[0] << 24) | (blob[1] << 16) | (blob[2] << 8) | blob[3];
        return length is > 0 and < 64 && blob.Length >= 4 + length ? Encoding.ASCII.GetString(blob, 4, length) : null;
    }

    /// <summary>OpenSSH's host list: some pattern matches and no negated one does (a negation alone never matches).</summary>
    private static bool AppliesTo(string[] patterns, string token)
    {
        var positive = false;
        foreach (var pattern in patterns)
        {
            if (pattern.StartsWith('!'))
            {
                if (Matches(pattern[1..], token))
                {
                    return false;
                }
            }
            else
            {
                positive |= Matches(pattern, token);
            }
        }

        return positive;
    }

    /// <summary>Records a new key unless an entry for the host and key type appeared meanwhile; returns the match found under the lock.</summary>
    public async Task<HostKeyMatch> AddIfUnknownAsync(string host, int port, string keyType, byte[] keyBlob, CancellationToken cancellationToken)
    {
        if (Path == DiscardPath)
        {
            return HostKeyMatch.Unknown; // ssh "records" the key into /dev/null too: no lock file beside a device, nothing written
        }

        var gate = Locks.GetOrAdd(System.IO.Path.GetFullPath(Path), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)) ?? ".");
            // Another process (a second fleet run) may append at the same time: hold an exclusive lock file while re-reading and appending.
            await using var lockFile = await OpenLockAsync(cancellationToken).ConfigureAwait(false);
            var match = Check(host, port, keyType, keyBlob, out _);
            if (match != HostKeyMatch.Unknown)
            {
                return match;
            }

            var prefix = File.Exists(Path) && new FileInfo(Path).Length > 0 && !EndsWithNewline() ? "\n" : "";
            await File.AppendAllTextAsync(Path, $"{prefix}{HostToken(host, port)} {keyType} {Convert.ToBase64String(keyBlob)}\n", cancellationToken).ConfigureAwait(false);
            return HostKeyMatch.Unknown;
        }
        finally
        {
            gate.Release();
        }
    }

    private bool EndsWithNewline()
    {
        using var stream = File.OpenRead(Path);
        stream.Seek(-1, SeekOrigin.End);
        return stream.ReadByte() == '\n';
    }

    private async Task<FileStream> OpenLockAsync(CancellationToken cancellationToken)
    {
        var lockPath = Path + ".lock";
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (attempt < 200)
            {
                await Task.Delay(25, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private sealed record Entry(string? Marker, string[] Hosts, string KeyType, byte[] Key);

    private static Entry? Parse(string line)
    {
        var text = line.Trim();
        if (text.Length == 0 || text[0] == '#')
        {
            return null;
        }

        var fields = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        string? marker = null;
        if (fields[0].StartsWith('@'))
        {
            marker = fields[0];
            fields = fields[1..];
        }

        if (fields.Length < 3)
        {
            return null;
        }

        try
        {
            return new Entry(marker, fields[0].Split(','), fields[1], Convert.FromBase64String(fields[2]));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool Matches(string pattern, string token)
    {
        if (pattern.StartsWith("|1|", StringComparison.Ordinal))
        {
            var parts = pattern.Split('|');
            if (parts.Length != 4)
            {
                return false;
            }

            try
            {
                // OpenSSH hashes known_hosts names with HMAC-SHA1; reading its format needs the same algorithm.
#pragma warning disable CA5350
                var hash = HMACSHA1.HashData(Convert.FromBase64String(parts[2]), Encoding.UTF8.GetBytes(token));
#pragma warning restore CA5350
                return Convert.ToBase64String(hash) == parts[3];
            }
            catch (FormatException)
            {
                return false;
            }
        }

        if (pattern.Contains('*', StringComparison.Ordinal) || pattern.Contains('?', StringComparison.Ordinal))
        {
            var regex = "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$";
            return System.Text.RegularExpressions.Regex.IsMatch(token, regex, System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        }

        return string.Equals(pattern, token, StringComparison.OrdinalIgnoreCase);
    }
}
