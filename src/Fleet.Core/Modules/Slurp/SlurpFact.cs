using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Slurp;

/// <summary>What reading a file's bytes found: the base64 text, or why there is none.</summary>
/// <param name="Problem">null when read; else "missing", "directory" or "unreadable".</param>
/// <param name="Base64">The file's bytes in base64 when read.</param>
public sealed record SlurpState(string? Problem, string? Base64);

/// <summary>A file's bytes in base64, read as Python's <c>open()</c> reads them: through links, refused for a directory.</summary>
/// <param name="Path">The path on the host.</param>
public sealed record SlurpFact(string Path) : Fact<SlurpState>
{
    /// <inheritdoc />
    public override string Description => Path;

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Path(Path)];

    /// <inheritdoc />
    public override string Command
    {
        get
        {
            var p = Sh.Quote(Path);
            return $"if [ -d {p} ]; then echo directory; elif [ ! -e {p} ]; then echo missing; elif [ ! -r {p} ]; then echo unreadable; "
                + $"else echo content; {RemoteFileReader.Print(p)} || exit 1; echo; fi\n";
        }
    }

    /// <inheritdoc />
    public override SlurpState Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = stdout.Split('\n');
        return lines[0].Trim() switch
        {
            "content" when exitCode == 0 => new SlurpState(null, lines.Length > 1 ? lines[1].Trim() : ""),
            "missing" or "directory" or "unreadable" => new SlurpState(lines[0].Trim(), null),
            _ => new SlurpState("unreadable", null),
        };
    }
}
