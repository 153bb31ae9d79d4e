using System.Globalization;
using System.Text;
using Fleet.Core.Remote;

namespace Fleet.Core.Facts;

/// <summary>A path as <c>stat</c> reports it: what is there, its mode, owner, ids, size, link target and SHA-1.</summary>
public sealed record StatState(bool Exists, string Type, string Mode, string Owner, string Group, long Uid, long Gid, long Size, string? LinkTarget, string? Checksum);

/// <summary>
/// Reads one path with GNU <c>stat</c> (not following a symbolic link unless <paramref name="Follow"/>), <c>readlink</c> and, for a
/// regular file, <c>sha1sum</c> when <paramref name="Checksum"/>.
/// </summary>
public sealed record StatFact(string Path, bool Follow, bool Checksum) : Fact<StatState>
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
            var l = Follow ? "-L " : "";
            var script = new StringBuilder();
            // Followed, a link to nothing does not exist (Ansible's os.stat fails); not followed, the link itself does.
            script.Append(CultureInfo.InvariantCulture, $"if [ ! -e {p} ]{(Follow ? "" : $" && [ ! -L {p} ]")}; then echo missing; exit 0; fi\n");
            script.Append(CultureInfo.InvariantCulture, $"stat {l}-c '%F|%a|%U|%G|%u|%g|%s' {p}\n");
            script.Append(CultureInfo.InvariantCulture, $"if [ -L {p} ]; then printf 'link:%s\\n' \"$(readlink {p})\"; fi\n");
            if (Checksum)
            {
                script.Append(CultureInfo.InvariantCulture, $"if [ -f {p} ] && [ -r {p} ] {(Follow ? "" : $"&& [ ! -L {p} ] ")}; then printf 'sha1:%s\\n' \"$(sha1sum < {p} | cut -d' ' -f1)\"; fi\n");
            }

            return script.ToString();
        }
    }

    /// <inheritdoc />
    public override StatState Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = stdout.Split('\n');
        if (lines[0].Trim() == "missing")
        {
            return new StatState(false, "", "", "", "", 0, 0, 0, null, null);
        }

        var f = lines[0].Split('|');
        if (f.Length != 7)
        {
            throw new FormatException($"unexpected stat output for {Path}: {lines[0]}");
        }

        var link = lines.FirstOrDefault(x => x.StartsWith("link:", StringComparison.Ordinal))?[5..];
        var sha1 = lines.FirstOrDefault(x => x.StartsWith("sha1:", StringComparison.Ordinal))?[5..].Trim();
        long N(string s) => long.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
        var mode = N(f[1]).ToString("D4", CultureInfo.InvariantCulture);
        return new StatState(true, f[0], mode, f[2], f[3], N(f[4]), N(f[5]), N(f[6]), link, sha1 is { Length: 40 } ? sha1 : null);
    }
}
