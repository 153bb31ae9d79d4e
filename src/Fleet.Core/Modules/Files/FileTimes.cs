using System.Globalization;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Files;

/// <summary>A path's modification and access times (seconds since the epoch, with nanoseconds) and, for explicit desired times, their epoch value in the host's time zone.</summary>
/// <param name="Modification">Current mtime, e.g. "1796280022.905181720".</param>
/// <param name="Access">Current atime.</param>
/// <param name="DesiredModification">The desired mtime as epoch seconds, or null.</param>
/// <param name="DesiredAccess">The desired atime as epoch seconds, or null.</param>
public sealed record FileTimes(string Modification, string Access, long? DesiredModification, long? DesiredAccess)
{
    /// <summary>True when a "seconds.nanoseconds" time is exactly <paramref name="epoch"/> (Ansible compares floats: a fraction differs).</summary>
    public static bool Same(string current, long epoch)
    {
        ArgumentNullException.ThrowIfNull(current);
        var dot = current.IndexOf('.', StringComparison.Ordinal);
        var whole = dot < 0 ? current : current[..dot];
        return whole == epoch.ToString(CultureInfo.InvariantCulture) && (dot < 0 || current[(dot + 1)..].All(c => c == '0'));
    }

    /// <summary>
    /// Reads a time written in a Python strptime <paramref name="format"/> (%Y %y %m %d %H %M %S %%) as the local "YYYY-MM-DD HH:MM:SS" that
    /// <c>touch -d</c> and <c>date -d</c> take; null when it does not match.
    /// </summary>
    public static string? ToLocal(string value, string format)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(format);
        int year = 1900, month = 1, day = 1, hour = 0, minute = 0, second = 0, at = 0;
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 == format.Length)
            {
                if (at >= value.Length || value[at] != format[i])
                {
                    return null;
                }

                at++;
                continue;
            }

            var spec = format[++i];
            if (spec == '%')
            {
                if (at >= value.Length || value[at] != '%')
                {
                    return null;
                }

                at++;
                continue;
            }

            var width = spec switch { 'Y' => 4, 'y' or 'm' or 'd' or 'H' or 'M' or 'S' => 2, _ => 0 };
            if (width == 0)
            {
                return null;
            }

            var start = at;
            while (at < value.Length && at - start < width && char.IsAsciiDigit(value[at]))
            {
                at++;
            }

            if (at == start)
            {
                return null;
            }

            var n = int.Parse(value.AsSpan(start, at - start), CultureInfo.InvariantCulture);
            switch (spec)
            {
                case 'Y': year = n; break;
                case 'y': year = n < 69 ? 2000 + n : 1900 + n; break;
                case 'm': month = n; break;
                case 'd': day = n; break;
                case 'H': hour = n; break;
                case 'M': minute = n; break;
                default: second = n; break;
            }
        }

        var valid = at == value.Length && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(Math.Max(year, 1), month) && hour < 24 && minute < 60 && second <= 61;
        return valid ? string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}-{day:D2} {hour:D2}:{minute:D2}:{Math.Min(second, 59):D2}") : null;
    }
}

/// <summary>Reads <see cref="FileTimes"/> with GNU <c>stat</c> (<c>-L</c> when following a link) and <c>date -d</c> for explicit desired times.</summary>
/// <param name="Path">The path.</param>
/// <param name="Follow">Read the link's target rather than the link.</param>
/// <param name="Modification">Desired local time "YYYY-MM-DD HH:MM:SS", or null.</param>
/// <param name="Access">Desired local time, or null.</param>
public sealed record FileTimesFact(string Path, bool Follow, string? Modification, string? Access) : Fact<FileTimes>
{
    /// <inheritdoc />
    public override string Description => Path;

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Facts.Subject.Path(Path)];

    /// <inheritdoc />
    public override string Command
    {
        get
        {
            var script = new StringBuilder();
            script.Append(CultureInfo.InvariantCulture, $"stat {(Follow ? "-L " : "")}-c '%.9Y %.9X' -- {Sh.Quote(Path)} 2>/dev/null || echo '0 0'\n");
            foreach (var time in new[] { Modification, Access })
            {
                script.Append(time is null ? "echo -\n" : $"date -d {Sh.Quote(time)} +%s\n");
            }

            return script.ToString();
        }
    }

    /// <inheritdoc />
    public override FileTimes Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var times = lines.Length > 0 ? lines[0].Split(' ') : ["0", "0"];
        long? Epoch(int i) => i < lines.Length && long.TryParse(lines[i], CultureInfo.InvariantCulture, out var n) ? n : null;
        return new FileTimes(times[0], times.Length > 1 ? times[1] : "0", Epoch(1), Epoch(2));
    }
}

/// <summary>
/// A symbolic link's target's state (<c>stat -L</c>), Missing when the link dangles: what <c>follow: true</c> manages. Its
/// <see cref="FileState.LinkTarget"/> is the path the link resolves to (<c>readlink -m</c>), null when the path is no link.
/// </summary>
/// <param name="Path">The link.</param>
public sealed record FollowedFileFact(string Path) : Fact<FileState>
{
    /// <inheritdoc />
    public override string Description => Path;

    /// <inheritdoc />
    // Until read, the target may be anywhere: any change may have touched it.
    public override IReadOnlyList<Subject> Subjects => [Facts.Subject.Everything];

    /// <inheritdoc />
    // Once read, a path that is no link is its own state, and a link depends on itself and the path it resolves to.
    public override IReadOnlyList<Subject> SubjectsOf(object value) =>
        value is FileState { LinkTarget: { } target } ? [Facts.Subject.Path(Path), Facts.Subject.Path(target)] : [Facts.Subject.Path(Path)];

    /// <inheritdoc />
    public override string Command
    {
        get
        {
            var p = Sh.Quote(Path);
            return $"if [ ! -e {p} ]; then echo missing; else stat -L -c '%F|%a|%U|%G|%u|%g|%s' {p} || exit 1; fi\n"
                + $"if [ -L {p} ]; then printf 'link:%s\\n' \"$(readlink -m {p})\"; fi\n";
        }
    }

    /// <inheritdoc />
    public override FileState Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var state = new FileFact(Path).Parse(stdout, exitCode);
        var link = stdout.Split('\n').FirstOrDefault(l => l.StartsWith("link:", StringComparison.Ordinal))?[5..];
        return state with { LinkTarget = link };
    }
}
