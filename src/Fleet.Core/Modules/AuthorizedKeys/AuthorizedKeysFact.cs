using System.Globalization;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.AuthorizedKeys;

/// <summary>What <see cref="AuthorizedKeysFact"/> found.</summary>
/// <param name="UserExists">The user exists (when not, the rest is empty).</param>
/// <param name="Uid">The user's uid.</param>
/// <param name="Gid">The user's primary gid.</param>
/// <param name="Home">The user's home directory.</param>
/// <param name="FilePath">The authorized_keys file: the task's path, or HOME/.ssh/authorized_keys.</param>
/// <param name="Directory">The file's directory (owner and group as numeric ids).</param>
/// <param name="File">The file, with its content (owner and group as numeric ids).</param>
public sealed record AuthorizedKeysState(bool UserExists, long Uid, long Gid, string Home, string FilePath, FileState Directory, FileState File)
{
    /// <summary>No such user.</summary>
    public static AuthorizedKeysState NoUser { get; } = new(false, 0, 0, "", "", FileState.Missing, FileState.Missing);

    /// <summary>The directory of the file.</summary>
    public string DirectoryPath => AuthorizedKeysFact.DirectoryOf(FilePath);
}

/// <summary>
/// Reads, in one go, a user's passwd entry (uid, gid, home) and the state of their authorized_keys file and its directory (type,
/// mode, numeric owner, content): the file's path depends on the home, so it cannot be a separate fact.
/// </summary>
/// <param name="User">The user whose keys these are.</param>
/// <param name="Path">An absolute path for the file, or null for HOME/.ssh/authorized_keys.</param>
public sealed record AuthorizedKeysFact(string User, string? Path = null) : Fact<AuthorizedKeysState>
{
    /// <inheritdoc />
    public override string Description => "authorized_keys of " + User;

    /// <summary>
    /// The user (their home comes from passwd) and the file's path; without a path, the usual home (/home/USER, /root), since the
    /// real one is only known on the host.
    /// </summary>
    public override IReadOnlyList<Subject> Subjects =>
        [Subject.User(User), Subject.Tree(Path ?? (User == "root" ? "/root" : "/home/" + User))];

    /// <inheritdoc />
    public override string Command
    {
        get
        {
            var script = new StringBuilder();
            script.Append(CultureInfo.InvariantCulture, $"e=$(getent passwd -- {Sh.Quote(User)}) || {{ echo passwd:; exit 0; }}\n");
            script.Append("printf 'passwd:%s\\n' \"$e\"\n");
            if (Path is null)
            {
                script.Append("h=${e#*:*:*:*:*:}; h=${h%%:*}; d=\"$h/.ssh\"; f=\"$d/authorized_keys\"\n");
            }
            else
            {
                script.Append(CultureInfo.InvariantCulture, $"d={Sh.Quote(DirectoryOf(Path))}; f={Sh.Quote(Path)}\n");
            }

            script.Append("printf 'file:%s\\n' \"$f\"\n");
            script.Append("for p in \"$d\" \"$f\"; do\n");
            script.Append("  if [ -e \"$p\" ] || [ -L \"$p\" ]; then printf 'stat:'; stat -c '%F|%a|%u|%g|%u|%g|%s' -- \"$p\"; else echo stat:missing; fi\n");
            script.Append("done\n");
            script.Append(CultureInfo.InvariantCulture, $"if [ -f \"$f\" ] && [ ! -L \"$f\" ] && [ \"$(stat -c %s -- \"$f\")\" -le {FileFact.MaxContentBytes} ]; then printf 'content:'; base64 -w0 -- \"$f\"; echo; fi\n");
            return script.ToString();
        }
    }

    /// <inheritdoc />
    public override AuthorizedKeysState Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = stdout.Split('\n');
        var passwd = lines.FirstOrDefault(l => l.StartsWith("passwd:", StringComparison.Ordinal))?[7..].Split(':');
        if (passwd is null || passwd.Length < 7 || passwd[0] != User)
        {
            return AuthorizedKeysState.NoUser;
        }

        var file = lines.FirstOrDefault(l => l.StartsWith("file:", StringComparison.Ordinal))?[5..] ?? throw new FormatException($"no file path for {User}'s authorized_keys");
        var stats = lines.Where(l => l.StartsWith("stat:", StringComparison.Ordinal)).Select(l => l[5..]).ToList();
        if (stats.Count != 2)
        {
            throw new FormatException($"unexpected output for {User}'s authorized_keys: {stdout}");
        }

        var content = lines.FirstOrDefault(l => l.StartsWith("content:", StringComparison.Ordinal)) is { } c ? Convert.FromBase64String(c[8..].Trim()) : null;
        var directory = new FileFact(DirectoryOf(file)).Parse(stats[0], 0);
        var keys = new FileFact(file).Parse(stats[1], 0);
        if (keys.Type == FileType.File)
        {
            keys = keys with { Content = content ?? (keys.Size <= FileFact.MaxContentBytes ? [] : null) };
        }

        return new AuthorizedKeysState(
            true,
            long.Parse(passwd[2], CultureInfo.InvariantCulture),
            long.Parse(passwd[3], CultureInfo.InvariantCulture),
            passwd[5],
            file,
            directory,
            keys);
    }

    /// <summary>The directory part of an absolute path ("/" for a file at the root).</summary>
    public static string DirectoryOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var slash = path.TrimEnd('/').LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }
}
