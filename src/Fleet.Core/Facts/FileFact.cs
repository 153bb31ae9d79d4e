using System.Globalization;
using System.Text;
using Fleet.Core.Remote;

namespace Fleet.Core.Facts;

/// <summary>What a path is on the host.</summary>
public enum FileType
{
    /// <summary>Nothing at the path.</summary>
    Missing,
    /// <summary>A regular file.</summary>
    File,
    /// <summary>A directory.</summary>
    Directory,
    /// <summary>A symbolic link.</summary>
    Link,
    /// <summary>Something else (device, socket, fifo).</summary>
    Other,
}

/// <summary>A path's state on the host.</summary>
/// <param name="Type">What is there.</param>
/// <param name="Mode">Permission bits as four octal digits ("0644"), or null when missing.</param>
/// <param name="Owner">Owner name.</param>
/// <param name="Group">Group name.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="LinkTarget">Target of a symbolic link.</param>
/// <param name="Content">The bytes of a regular file, when read with content (files above <see cref="FileFact.MaxContentBytes"/> are not read).</param>
public sealed record FileState(FileType Type, string? Mode, string? Owner, string? Group, long Size, string? LinkTarget, byte[]? Content)
{
    /// <summary>True when something is at the path.</summary>
    public bool Exists => Type != FileType.Missing;

    /// <summary>The content as UTF-8 text, or null.</summary>
    public string? Text => Content is null ? null : Encoding.UTF8.GetString(Content);

    /// <summary>Gets the numeric owner, or null when not read.</summary>
    public string? Uid { get; init; }

    /// <summary>Gets the numeric group, or null when not read.</summary>
    public string? Gid { get; init; }

    /// <summary>Nothing at the path.</summary>
    public static FileState Missing { get; } = new(FileType.Missing, null, null, null, 0, null, null);

    /// <summary>Whether <paramref name="owner"/>, a name or (as Ansible accepts) a numeric id, is the path's owner.</summary>
    public bool OwnedBy(string owner) => owner == Owner || (Uid is not null && owner == Uid);

    /// <summary>Whether <paramref name="group"/>, a name or a numeric id, is the path's group.</summary>
    public bool InGroup(string group) => group == Group || (Gid is not null && group == Gid);
}

/// <summary>
/// Reads a path's type, mode, owner, group, size, link target and (optionally) content in base64. Uses GNU <c>stat -c</c>
/// and coreutils <c>base64</c> (Debian and Ubuntu targets).
/// </summary>
/// <param name="Path">Absolute path on the host.</param>
/// <param name="WithContent">Also read the content of a regular file.</param>
public sealed record FileFact(string Path, bool WithContent = false) : Fact<FileState>
{
    /// <inheritdoc />
    public override string Description => Path;

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Facts.Subject.Path(Path)];

    /// <summary>Larger files are not read (their content is null). The default value is 4 MiB.</summary>
    public const long MaxContentBytes = 4 * 1024 * 1024;

    /// <inheritdoc />
    public override string Command => Script(Sh.Quote(Path), WithContent);

    /// <summary>The fact's shell text for a path given as a shell word (quoted, or a variable a caller's script set).</summary>
    internal static string Script(string p, bool withContent)
    {
        var script = new StringBuilder();
        script.Append(CultureInfo.InvariantCulture, $"if [ ! -e {p} ] && [ ! -L {p} ]; then echo missing; exit 0; fi\n");
        // One stat per path: the size for the content check comes from its output, not from a second stat.
        script.Append(CultureInfo.InvariantCulture, $"s=$(stat -c '%F|%a|%U|%G|%u|%g|%s' {p}) || exit 1\nprintf '%s\\n' \"$s\"\n");
        script.Append(CultureInfo.InvariantCulture, $"if [ -L {p} ]; then printf 'link:%s\\n' \"$(readlink {p})\"; fi\n");
        if (withContent)
        {
            script.Append(CultureInfo.InvariantCulture, $"if [ -f {p} ] && [ ! -L {p} ] && [ \"${{s##*|}}\" -le {MaxContentBytes} ]; then echo content:; {RemoteFileReader.Print(p)}; echo; fi\n");
        }

        return script.ToString();
    }

    /// <inheritdoc />
    public override FileState Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = stdout.Split('\n');
        if (lines[0].Trim() == "missing")
        {
            return FileState.Missing;
        }

        // type|mode|owner|group|uid|gid|size: the size last, where the content check in the shell reads it.
        var fields = lines[0].Split('|');
        if (fields.Length != 7)
        {
            throw new FormatException($"unexpected stat output for {Path}: {lines[0]}");
        }

        var type = fields[0] switch
        {
            "regular file" or "regular empty file" => FileType.File,
            "directory" => FileType.Directory,
            "symbolic link" => FileType.Link,
            _ => FileType.Other,
        };
        var mode = int.Parse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture).ToString("D4", CultureInfo.InvariantCulture);
        string? link = null;
        byte[]? content = null;
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("link:", StringComparison.Ordinal))
            {
                link = lines[i][5..];
            }
            else if (lines[i] == "content:" && i + 1 < lines.Length)
            {
                content = RemoteFileReader.Decode(lines[i + 1]);
                i++;
            }
        }

        if (WithContent && type == FileType.File && content is null && long.Parse(fields[6], CultureInfo.InvariantCulture) <= MaxContentBytes)
        {
            content = [];
        }

        return new FileState(type, mode, fields[2], fields[3], long.Parse(fields[6], CultureInfo.InvariantCulture), link, content) { Uid = fields[4], Gid = fields[5] };
    }
}
