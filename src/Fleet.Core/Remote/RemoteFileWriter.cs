using System.Globalization;
using System.Text;

namespace Fleet.Core.Remote;

/// <summary>What a write does when the target's directory does not exist.</summary>
public enum MissingDirectory
{
    /// <summary>Fail with "destination directory … does not exist", as Ansible's copy and template do.</summary>
    Refuse,

    /// <summary>Create it and its parents (<c>mkdir -p</c>).</summary>
    Create,
}

/// <summary>
/// The one shell text that replaces a file on the host: a temporary file beside the target (removed on any exit), the target's
/// owner, group and mode kept or set, an optional check, an optional backup, then a rename over the target. Its fragments
/// assume <c>set -e</c> and every value in them goes through <see cref="Sh"/>, except <see cref="Validate"/>, which is a command.
/// </summary>
/// <param name="Path">The target file on the host.</param>
public sealed record RemoteFileWriter(string Path)
{
    /// <summary>The mode a new file gets when <see cref="Mode"/> is not set.</summary>
    public const string NewFileMode = "0644";

    /// <summary>Gets the owner to set. The default (null) keeps an existing file's owner; a new file belongs to the user running the script.</summary>
    public string? Owner { get; init; }

    /// <summary>Gets the group to set. The default (null) keeps an existing file's group; a new file gets the running user's group.</summary>
    public string? Group { get; init; }

    /// <summary>Gets the mode to set (octal, or symbolic as chmod takes it). The default (null) keeps an existing file's mode; a new file gets 0644.</summary>
    public string? Mode { get; init; }

    /// <summary>Gets what happens when the target's directory is missing. The default value is <see cref="MissingDirectory.Refuse"/>.</summary>
    public MissingDirectory MissingDirectory { get; init; } = MissingDirectory.Refuse;

    /// <summary>Gets a command that checks the new file before it replaces the old one, %s standing for its path (Ansible's validate). The default is no check.</summary>
    public string? Validate { get; init; }

    /// <summary>Gets whether an existing file is first copied to PATH.PID.YYYY-MM-DD@HH:MM:SS~ (Ansible's backup_local name). The default value is false.</summary>
    public bool Backup { get; init; }

    /// <summary>Gets the name the temporary file starts with (it ends in six random characters). The default value is ".fleet".</summary>
    public string TempPrefix { get; init; } = ".fleet";

    /// <summary>Gets the shell variable that holds the temporary file's path between <see cref="Begin"/> and <see cref="Finish"/>. The default value is "t".</summary>
    public string Variable { get; init; } = "t";

    /// <summary>Gets shell words (the caller's own temporary files, e.g. <c>"$old"</c>) that the exit trap removes too, before and after the rename. The default is none.</summary>
    public IReadOnlyList<string> AlsoRemoveAtExit { get; init; } = [];

    private string Quoted => Sh.Quote(Path);

    private string Temp => "\"$" + Variable + "\"";

    private string Directory => System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } d ? d : "/";

    /// <summary>The whole write of <paramref name="content"/>: <see cref="Begin"/>, the bytes into the temporary file, <see cref="Finish"/>.</summary>
    public string Script(ReadOnlySpan<byte> content) => Begin() + Sh.PrintBytes(content) + " > " + Temp + "\n" + Finish();

    /// <summary>The whole write of <paramref name="text"/> (UTF-8).</summary>
    public string Script(string text) => Script(Encoding.UTF8.GetBytes(text));

    /// <summary>The rollback text that puts the file back as it was: <paramref name="before"/> written the same way, or the file removed when it did not exist (null).</summary>
    public string Restore(string? before) => before is null ? $"rm -f {Quoted}\n" : Script(before);

    /// <summary>The directory check (or creation), the temporary file beside the target and the trap that removes it; the caller then fills it.</summary>
    public string Begin()
    {
        if (!IsName(Variable))
        {
            throw new InvalidOperationException($"not a shell variable name: {Variable}");
        }

        var script = new StringBuilder();
        var directory = Sh.Quote(Directory);
        script.Append(MissingDirectory == MissingDirectory.Create
            ? $"mkdir -p {directory}\n"
            : $"[ -d {directory} ] || {{ printf 'destination directory %s does not exist\\n' {directory} >&2; exit 1; }}\n");
        script.Append(CultureInfo.InvariantCulture, $"{Variable}=$(mktemp {directory}/{Sh.Quote(TempPrefix + ".XXXXXX")})\n");
        script.Append(CultureInfo.InvariantCulture, $"trap 'rm -f {string.Join(' ', [Temp, .. AlsoRemoveAtExit])}' EXIT\n");
        return script.ToString();
    }

    /// <summary>The attributes kept or set on the filled temporary file, the check, the backup, the rename, and the trap back to the caller's.</summary>
    public string Finish()
    {
        if (Validate is not null && !Validate.Contains("%s", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"validate must contain %s: {Validate}");
        }

        var script = new StringBuilder();
        var p = Quoted;
        if (Owner is null || Group is null || Mode is null)
        {
            // What is not set is kept from the file being replaced: a rename would otherwise give it the temporary file's.
            script.Append(CultureInfo.InvariantCulture, $"if [ -e {p} ]; then chown --reference={p} {Temp}; chmod --reference={p} {Temp}; else chmod {NewFileMode} {Temp}; fi\n");
        }

        script.Append(SetAttributes(Temp, Owner, Group, Mode));
        if (Validate is not null)
        {
            // As Ansible: the command checks the new file before it replaces the old one; %s is its temporary path.
            var command = Validate.Replace("%s", Temp, StringComparison.Ordinal);
            script.Append(CultureInfo.InvariantCulture, $"( {command}\n) || {{ printf 'validation failed, %s left unchanged: %s\\n' {p} {Sh.Quote(Validate)} >&2; exit 1; }}\n");
        }

        if (Backup)
        {
            // The backup's name goes back on a marked line: the task's result names it (Ansible's backup_file).
            script.Append(CultureInfo.InvariantCulture, $"if [ -e {p} ]; then fleet_backup={p}.$$.$(date +%Y-%m-%d@%H:%M:%S~); cp -p {p} \"$fleet_backup\"; printf '{BackupFile.Marker}%s\\n' \"$fleet_backup\"; fi\n");
        }

        script.Append(CultureInfo.InvariantCulture, $"mv -f {Temp} {p}\n");
        script.Append(AlsoRemoveAtExit.Count == 0 ? "trap - EXIT\n" : $"trap 'rm -f {string.Join(' ', AlsoRemoveAtExit)}' EXIT\n");
        return script.ToString();
    }

    /// <summary>The chown, chgrp and chmod lines for the attributes given (each null one is left as it is) of a path already quoted for the shell.</summary>
    public static string SetAttributes(string quotedPath, string? owner, string? group, string? mode)
    {
        var script = new StringBuilder();
        if (owner is not null)
        {
            script.Append(CultureInfo.InvariantCulture, $"chown {Sh.Quote(group is null ? owner : owner + ":" + group)} {quotedPath}\n");
        }
        else if (group is not null)
        {
            script.Append(CultureInfo.InvariantCulture, $"chgrp {Sh.Quote(group)} {quotedPath}\n");
        }

        if (mode is not null)
        {
            script.Append(CultureInfo.InvariantCulture, $"chmod {Sh.Quote(mode)} {quotedPath}\n");
        }

        return script.ToString();
    }

    private static bool IsName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
