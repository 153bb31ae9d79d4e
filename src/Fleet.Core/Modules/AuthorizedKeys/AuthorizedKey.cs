using System.Text;

namespace Fleet.Core.Modules.AuthorizedKeys;

/// <summary>
/// One line of an authorized_keys file (sshd(8) "AUTHORIZED_KEYS FILE FORMAT"): options, key type, base64 blob, comment. A key is
/// identified by its (type, blob) pair: the same key with other options or another comment is the same key, changed.
/// </summary>
/// <param name="Options">The options before the type (<c>no-pty,from="10.0.0.1"</c>), or empty.</param>
/// <param name="Type">Key type (<c>ssh-ed25519</c>…).</param>
/// <param name="Blob">The base64 public key.</param>
/// <param name="Comment">The text after the blob, or empty.</param>
public sealed record AuthorizedKey(string Options, string Type, string Blob, string Comment)
{
    /// <summary>The key types OpenSSH accepts in authorized_keys (Ansible's list).</summary>
    public static IReadOnlyList<string> Types { get; } =
    [
        "sk-ecdsa-sha2-nistp256@openssh.com", "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", "webauthn-sk-ecdsa-sha2-nistp256@openssh.com",
        "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384-cert-v01@openssh.com",
        "ecdsa-sha2-nistp521", "ecdsa-sha2-nistp521-cert-v01@openssh.com", "sk-ssh-ed25519@openssh.com", "sk-ssh-ed25519-cert-v01@openssh.com",
        "ssh-ed25519", "ssh-ed25519-cert-v01@openssh.com", "ssh-dss", "ssh-rsa", "ssh-xmss@openssh.com", "ssh-xmss-cert-v01@openssh.com",
        "rsa-sha2-256", "rsa-sha2-512", "ssh-rsa-cert-v01@openssh.com", "rsa-sha2-256-cert-v01@openssh.com",
        "rsa-sha2-512-cert-v01@openssh.com", "ssh-dss-cert-v01@openssh.com",
    ];

    /// <summary>The key's identity: type and blob.</summary>
    public (string Type, string Blob) Identity => (Type, Blob);

    /// <summary>The line as written to the file.</summary>
    public string Line
    {
        get
        {
            var line = new StringBuilder();
            if (Options.Length > 0)
            {
                line.Append(Options).Append(' ');
            }

            line.Append(Type).Append(' ').Append(Blob);
            if (Comment.Length > 0)
            {
                line.Append(' ').Append(Comment);
            }

            return line.ToString();
        }
    }

    /// <summary>A short name for messages: type, the blob's end, and the comment (never the whole blob).</summary>
    public string Label => $"{Type} …{Blob[^Math.Min(12, Blob.Length)..]}{(Comment.Length > 0 ? " " + Comment : "")}";

    /// <summary>Parses a key line; null for a blank line, a comment, or anything that is not a public key.</summary>
    public static AuthorizedKey? Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var text = line.Trim();
        if (text.Length == 0 || text.StartsWith('#'))
        {
            return null;
        }

        var options = "";
        var rest = text;
        if (!Types.Contains(FirstWord(text)))
        {
            // Options come first and end at the first blank outside double quotes (command="a b" may hold blanks).
            var end = OptionsEnd(text);
            if (end < 0)
            {
                return null;
            }

            options = text[..end];
            rest = text[end..].TrimStart();
        }

        var type = FirstWord(rest);
        if (!Types.Contains(type))
        {
            return null;
        }

        rest = rest[type.Length..].TrimStart();
        var blob = FirstWord(rest);
        if (blob.Length == 0 || !IsBase64(blob))
        {
            return null;
        }

        return new AuthorizedKey(options, type, blob, rest[blob.Length..].Trim());
    }

    private static string FirstWord(string text)
    {
        var end = text.IndexOfAny([' ', '\t']);
        return end < 0 ? text : text[..end];
    }

    /// <summary>Where the options end (the first blank outside quotes), or -1 when the line is all options.</summary>
    private static int OptionsEnd(string text)
    {
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\\' when quoted:
                    i++;
                    break;
                case '"':
                    quoted = !quoted;
                    break;
                case ' ' or '\t' when !quoted:
                    return i;
            }
        }

        return -1;
    }

    private static bool IsBase64(string text) =>
        text.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=');
}

/// <summary>The content of an authorized_keys file and the edits the module makes to it (pure text functions).</summary>
public static class AuthorizedKeysFile
{
    /// <summary>The file's text after making <paramref name="keys"/> present, with the lines that say what changed.</summary>
    /// <param name="text">The current content ("" for a missing file).</param>
    /// <param name="keys">The task's keys, in order.</param>
    /// <param name="exclusive">Remove every other line (other keys, comments, blank lines), as Ansible does.</param>
    public static (string Text, IReadOnlyList<string> Changes) Present(string text, IReadOnlyList<AuthorizedKey> keys, bool exclusive)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(keys);
        var lines = Lines(text);
        var changes = new List<string>();
        var wanted = keys.Select(k => k.Identity).ToHashSet();
        if (exclusive)
        {
            var others = lines.Where(l => AuthorizedKey.Parse(l) is not { } k || !wanted.Contains(k.Identity)).ToList();
            foreach (var other in others)
            {
                if (AuthorizedKey.Parse(other) is { } k)
                {
                    changes.Add($"key {k.Label} removed (exclusive)");
                }
            }

            if (others.Any(l => AuthorizedKey.Parse(l) is null && l.Trim().Length > 0))
            {
                changes.Add("comment lines removed (exclusive)");
            }

            lines.RemoveAll(others.Contains);
        }

        foreach (var key in keys.DistinctBy(k => k.Identity))
        {
            var index = lines.FindIndex(l => AuthorizedKey.Parse(l)?.Identity == key.Identity);
            if (index < 0)
            {
                lines.Add(key.Line);
                changes.Add($"key {key.Label} added");
                continue;
            }

            var current = AuthorizedKey.Parse(lines[index])!;
            if (current.Options != key.Options || current.Comment != key.Comment)
            {
                lines[index] = key.Line;
                changes.Add($"key {key.Label} updated ({Difference(current, key)})");
            }

            // The same key twice: the later lines go (sshd would use the first one only anyway).
            for (var i = lines.Count - 1; i > index; i--)
            {
                if (AuthorizedKey.Parse(lines[i])?.Identity == key.Identity)
                {
                    lines.RemoveAt(i);
                    changes.Add($"duplicate of key {key.Label} removed");
                }
            }
        }

        return (changes.Count == 0 ? text : Join(lines), changes);
    }

    /// <summary>The file's text without <paramref name="keys"/> (whatever their options or comment).</summary>
    public static (string Text, IReadOnlyList<string> Changes) Absent(string text, IReadOnlyList<AuthorizedKey> keys)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(keys);
        var lines = Lines(text);
        var wanted = keys.Select(k => k.Identity).ToHashSet();
        var changes = new List<string>();
        lines.RemoveAll(l =>
        {
            if (AuthorizedKey.Parse(l) is { } k && wanted.Contains(k.Identity))
            {
                changes.Add($"key {k.Label} removed");
                return true;
            }

            return false;
        });
        return (changes.Count == 0 ? text : Join(lines), changes);
    }

    private static string Difference(AuthorizedKey before, AuthorizedKey after) => string.Join(", ", new[]
    {
        before.Options != after.Options ? "options" : null,
        before.Comment != after.Comment ? "comment" : null,
    }.OfType<string>());

    private static List<string> Lines(string text)
    {
        var lines = text.Split('\n').ToList();
        if (lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }

    private static string Join(List<string> lines) => lines.Count == 0 ? "" : string.Join('\n', lines) + "\n";
}
