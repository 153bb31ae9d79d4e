using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Sshd;

/// <summary>sshd's configuration files and effective values.</summary>
/// <param name="Installed">sshd is on the host.</param>
/// <param name="MainText">The main file's text, or null when it is missing.</param>
/// <param name="DropInText">The drop-in's text, or null when it is missing.</param>
/// <param name="Effective">What <c>sshd -T</c> prints: lowercase keyword → its values (several for repeated keywords), or null when it failed.</param>
/// <param name="EffectiveError">Why <c>sshd -T</c> failed, or null.</param>
public sealed record SshdState(bool Installed, string? MainText, string? DropInText, IReadOnlyDictionary<string, IReadOnlyList<string>>? Effective, string? EffectiveError)
{
    /// <summary>sshd is not installed.</summary>
    public static SshdState NotInstalled { get; } = new(false, null, null, null, null);
}

/// <summary>
/// Reads sshd's main file and Fleet's drop-in (base64, byte for byte) and the effective values with one <c>sshd -T</c>, which
/// reads the files (not the running daemon) and needs <c>/run/sshd</c>: when that is missing the effective values are unknown.
/// </summary>
/// <param name="DropInPath">The drop-in Fleet writes.</param>
/// <param name="MainPath">sshd's main file. The default value is /etc/ssh/sshd_config.</param>
public sealed record SshdConfigFact(string DropInPath, string MainPath = SshdConfigFact.DefaultMainPath) : Fact<SshdState>
{
    /// <summary>Debian's sshd main file.</summary>
    public const string DefaultMainPath = "/etc/ssh/sshd_config";

    /// <summary>Marks where <c>sshd -T</c>'s output starts (in this fact and after a change).</summary>
    public const string EffectiveMarker = "@@fleet-sshd-effective@@";

    /// <inheritdoc />
    public override string Description => $"sshd configuration ({DropInPath})";

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Path(MainPath), Subject.Path(DropInPath), Subject.Tree("/etc/ssh"), Subject.Service("ssh")];

    /// <inheritdoc />
    public override string Command
    {
        get
        {
            var main = Sh.Quote(MainPath);
            var dropIn = Sh.Quote(DropInPath);
            return $"""
                PATH="$PATH:/usr/sbin:/sbin"
                command -v sshd >/dev/null 2>&1 || {"{"} echo nosshd; exit 0; {"}"}
                if [ -f {main} ]; then echo main; base64 -w0 {main}; echo; else echo nomain; echo; fi
                if [ -f {dropIn} ]; then echo dropin; base64 -w0 {dropIn}; echo; else echo nodropin; echo; fi
                {EffectiveScript(MainPath)}
                """;
        }
    }

    /// <summary>Prints the marker, then ok and <c>sshd -T</c>'s lines, or error and its message.</summary>
    public static string EffectiveScript(string mainPath) =>
        $"echo '{EffectiveMarker}'; if out=$(sshd -T -f {Sh.Quote(mainPath)} 2>&1); then echo ok; printf '%s\\n' \"$out\"; else echo error; printf '%s\\n' \"$out\" | head -n 3; fi";

    /// <inheritdoc />
    public override SshdState Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = stdout.Split('\n');
        if (lines[0].Trim() == "nosshd")
        {
            return SshdState.NotInstalled;
        }

        if (lines.Length < 4)
        {
            throw new FormatException("sshd fact output cut short");
        }

        string? Decode(int statusLine, string present) =>
            lines[statusLine].Trim() == present ? Encoding.UTF8.GetString(Convert.FromBase64String(lines[statusLine + 1].Trim())) : null;

        var (effective, error) = ParseEffective(stdout);
        return new SshdState(true, Decode(0, "main"), Decode(2, "dropin"), effective, error);
    }

    /// <summary>Reads what <see cref="EffectiveScript"/> printed, from anywhere in <paramref name="output"/>.</summary>
    public static (IReadOnlyDictionary<string, IReadOnlyList<string>>? Effective, string? Error) ParseEffective(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var start = output.IndexOf(EffectiveMarker, StringComparison.Ordinal);
        if (start < 0)
        {
            return (null, "sshd -T did not run");
        }

        var lines = output[(start + EffectiveMarker.Length)..].Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        if (lines.Count == 0 || lines[0].Trim() != "ok")
        {
            return (null, string.Join(' ', lines.Skip(1)).Trim() is { Length: > 0 } message ? message : "sshd -T failed");
        }

        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1))
        {
            var parts = line.Trim().Split(' ', 2);
            if (parts[0].Length == 0)
            {
                continue;
            }

            var key = parts[0].ToLowerInvariant();
            if (!values.TryGetValue(key, out var list))
            {
                values[key] = list = [];
            }

            list.Add(parts.Length > 1 ? parts[1] : "");
        }

        return (values.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value, StringComparer.Ordinal), null);
    }
}
