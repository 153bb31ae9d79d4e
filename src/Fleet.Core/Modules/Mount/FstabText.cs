namespace Fleet.Core.Modules.Mount;

/// <summary>One fstab entry's fields, escaped as fstab writes them (space as \040, &amp; as \046, backslash as \134).</summary>
/// <param name="Src">The device, UUID=…, or source.</param>
/// <param name="Name">The mount point.</param>
/// <param name="Fstype">The file system type.</param>
/// <param name="Opts">Mount options.</param>
/// <param name="Dump">dump's field.</param>
/// <param name="Passno">fsck's order.</param>
public sealed record FstabEntry(string Src, string Name, string Fstype, string Opts, string Dump, string Passno)
{
    /// <summary>The entry as Ansible writes a new or changed line.</summary>
    public string Line => $"{Src} {Name} {Fstype} {Opts} {Dump} {Passno}\n";

    /// <summary>Escapes a value as Ansible's mount module does before comparing or writing it.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Replace("\\", "\\134", StringComparison.Ordinal).Replace(" ", "\\040", StringComparison.Ordinal).Replace("&", "\\046", StringComparison.Ordinal);
    }
}

/// <summary>
/// fstab edits as Ansible's mount module makes them (pure text in, text out): other lines, comments and blank lines kept byte for
/// byte; the entry for the mount point rewritten only when a field differs, appended when missing, removed for absent.
/// </summary>
public static class FstabText
{
    /// <summary>The text with <paramref name="entry"/> present, and whether anything changed.</summary>
    public static (string Text, bool Changed) Set(string text, FstabEntry entry)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(entry);
        var output = new System.Text.StringBuilder();
        var exists = false;
        var changed = false;
        foreach (var raw in Lines(text))
        {
            var line = raw.EndsWith('\n') ? raw : raw + "\n";
            var fields = line.Split((char[])[' ', '\t', '\n', '\r', '\v', '\f'], StringSplitOptions.RemoveEmptyEntries);
            if (line.Trim().Length == 0 || line.Trim().StartsWith('#') || fields.Length is < 4 or > 6 || !Matches(fields, entry))
            {
                output.Append(line);
                continue;
            }

            exists = true;
            // As Ansible: missing dump and passno read as the number 0, which never equals the text "0": such a line is rewritten.
            var current = new FstabEntry(fields[0], fields[1], fields[2], fields[3], fields.Length > 4 ? fields[4] : "", fields.Length > 5 ? fields[5] : "");
            var differs = current.Src != entry.Src || current.Fstype != entry.Fstype || current.Opts != entry.Opts || current.Dump != entry.Dump || current.Passno != entry.Passno;
            changed |= differs;
            output.Append(changed ? entry.Line : line);
        }

        if (!exists)
        {
            output.Append(entry.Line);
            changed = true;
        }

        return changed ? (output.ToString(), true) : (text, false);
    }

    /// <summary>The text without the entry for <paramref name="name"/> (six-field lines only, as Ansible), and whether one was removed.</summary>
    public static (string Text, bool Changed) Unset(string text, string name, string? src)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new System.Text.StringBuilder();
        var changed = false;
        var probe = new FstabEntry(src ?? "", FstabEntry.Escape(name), "", "", "", "");
        foreach (var line in Lines(text))
        {
            var fields = line.Split((char[])[' ', '\t', '\n', '\r', '\v', '\f'], StringSplitOptions.RemoveEmptyEntries);
            if (line.Trim().Length == 0 || line.Trim().StartsWith('#') || fields.Length != 6 || !Matches(fields, probe, src is not null))
            {
                output.Append(line);
                continue;
            }

            changed = true;
        }

        return (changed ? output.ToString() : text, changed);
    }

    /// <summary>The entry's line: its mount point, and for swap (mount point none) its source too.</summary>
    private static bool Matches(string[] fields, FstabEntry entry, bool checkSwapSource = true) =>
        fields[1] == entry.Name && !(checkSwapSource && fields[1] == "none" && fields[2] == "swap" && fields[0] != entry.Src);

    private static IEnumerable<string> Lines(string text)
    {
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            var stop = end < 0 ? text.Length : end + 1;
            yield return text[start..stop];
            start = stop;
        }
    }
}
