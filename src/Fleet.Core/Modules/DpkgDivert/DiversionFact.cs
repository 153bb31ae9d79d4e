using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.DpkgDivert;

/// <summary>A path's dpkg diversion as dpkg_divert reads it, and which of the files involved exist.</summary>
/// <param name="Holder">The package holding the diversion (LOCAL for a local one), or null when the path is not diverted.</param>
/// <param name="Divert">Where the diverted file goes (<c>--truename</c>), or null when not diverted.</param>
/// <param name="PathExists">The path exists.</param>
/// <param name="TargetExists">The wanted divert target exists.</param>
/// <param name="DivertExists">The current divert target exists.</param>
/// <param name="Error">Why the state could not be read (no dpkg-divert), or null.</param>
public sealed record Diversion(string? Holder, string? Divert, bool PathExists, bool TargetExists, bool DivertExists, string? Error = null)
{
    /// <summary>The path is diverted.</summary>
    public bool Present => Holder is not null;
}

/// <summary>Reads a diversion with <c>dpkg-divert --listpackage</c> and <c>--truename</c>, as Ansible's module does.</summary>
/// <param name="Path">The diverted (or not) path.</param>
/// <param name="Target">The divert target the task wants (PATH.distrib by default).</param>
public sealed record DiversionFact(string Path, string Target) : Fact<Diversion>
{
    /// <inheritdoc />
    public override string Description => Path;

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Path(Path), Subject.Path(Target)];

    /// <inheritdoc />
    public override string Command
    {
        get
        {
            var p = Sh.Quote(Path);
            return $"h=$(dpkg-divert --listpackage {p}) || exit 3\nprintf '%s\\n' \"$h\"\n"
                + $"if [ -n \"$h\" ]; then d=$(dpkg-divert --truename {p}) || exit 3; printf '%s\\n' \"$d\"; if [ -e \"$d\" ]; then echo 1; else echo 0; fi; else printf '\\n0\\n'; fi\n"
                + $"if [ -e {p} ]; then echo 1; else echo 0; fi\nif [ -e {Sh.Quote(Target)} ]; then echo 1; else echo 0; fi\n";
        }
    }

    /// <inheritdoc />
    public override Diversion Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = stdout.Split('\n');
        if (exitCode != 0 || lines.Length < 5)
        {
            return new Diversion(null, null, false, false, false, $"dpkg-divert cannot read the diversion of {Path} (exit {exitCode}): is dpkg installed?");
        }

        var holder = lines[0].Length == 0 ? null : lines[0];
        return new Diversion(holder, holder is null ? null : lines[1], lines[3] == "1", lines[4] == "1", lines[2] == "1");
    }
}
