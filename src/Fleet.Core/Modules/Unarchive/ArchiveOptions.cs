using System.Text;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Unarchive;

/// <summary>
/// What an unarchive task asks of tar or unzip, and the commands Ansible's handlers build from it (list, compare, extract).
/// Lists are kept as NUL-joined text so that two equal requests are equal records (one fact read for both).
/// </summary>
/// <param name="Dest">The directory the archive is unpacked into.</param>
/// <param name="ExtraOpts">extra_opts, NUL-joined.</param>
/// <param name="Excludes">exclude, NUL-joined.</param>
/// <param name="Includes">include, NUL-joined.</param>
/// <param name="Owner">owner, or null.</param>
/// <param name="Group">group, or null.</param>
/// <param name="Mode">mode, or null.</param>
/// <param name="KeepNewer">keep_newer.</param>
public sealed record ArchiveOptions(string Dest, string ExtraOpts, string Excludes, string Includes, string? Owner, string? Group, string? Mode, bool KeepNewer)
{
    /// <summary>The environment Ansible runs tar in: its best parsable locale, so messages are the English it matches.</summary>
    public const string Locale = "export LANG=C.UTF-8 LC_ALL=C.UTF-8 LC_MESSAGES=C.UTF-8 LANGUAGE=C.UTF-8\n";

    /// <summary>The shell variable that holds the archive's path on the host.</summary>
    public const string Source = "\"$src\"";

    /// <summary>The compression flags Ansible's tar handlers try, in order, with their handler names.</summary>
    public static readonly IReadOnlyList<(string Handler, string? Flag)> TarHandlers =
    [
        ("TgzArchive", "-z"), ("TarArchive", null), ("TarBzipArchive", "-j"), ("TarXzArchive", "-J"), ("TarZstdArchive", "--use-compress-program=zstd"),
    ];

    /// <summary>extra_opts.</summary>
    public IReadOnlyList<string> Opts => Split(ExtraOpts);

    /// <summary>exclude.</summary>
    public IReadOnlyList<string> ExcludeList => Split(Excludes);

    /// <summary>include.</summary>
    public IReadOnlyList<string> IncludeList => Split(Includes);

    /// <summary>Ansible's tar command for <paramref name="action"/> (--list, --diff, --extract); <c>$tar</c> and <c>$src</c> are set by the script.</summary>
    public string Tar(string action, string? flag)
    {
        var words = new List<string> { action, "-C", Dest };
        if (flag is not null)
        {
            words.Add(flag);
        }

        if (Opts.Count > 0)
        {
            words.Add("--show-transformed-names");
            words.AddRange(Opts);
        }

        if (action != "--list")
        {
            // Ansible passes these to --diff and --extract, not to --list.
            words.AddRange([.. Owner is null ? [] : new[] { "--owner=" + Owner }, .. Group is null ? [] : new[] { "--group=" + Group }]);
            if (KeepNewer)
            {
                words.Add("--keep-newer-files");
            }
        }

        words.AddRange(ExcludeList.Select(e => "--exclude=" + e.TrimEnd('/')));
        return "\"$tar\" " + Sh.Command(words) + " -f " + Source + Tail(IncludeList);
    }

    /// <summary>Ansible's unzip extraction: -o, extra_opts, the archive, -x excludes, includes, -d dest.</summary>
    public string UnzipExtract()
    {
        var text = new StringBuilder("unzip -o");
        foreach (var opt in Opts)
        {
            text.Append(' ').Append(Sh.Quote(opt));
        }

        text.Append(' ').Append(Source);
        if (ExcludeList.Count > 0)
        {
            text.Append(" -x").Append(Tail(ExcludeList));
        }

        return text.Append(Tail(IncludeList)).Append(" -d ").Append(Sh.Quote(Dest)).ToString();
    }

    /// <summary>Joins a list for the record.</summary>
    public static string Join(IEnumerable<string>? items) => string.Join('\0', items ?? []);

    private static string Tail(IEnumerable<string> words) => string.Concat(words.Select(w => " " + Sh.Quote(w)));

    private static string[] Split(string joined) => joined.Length == 0 ? [] : joined.Split('\0');
}
