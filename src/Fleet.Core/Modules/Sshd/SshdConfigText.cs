using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Fleet.Core.Modules.Sshd;

/// <summary>sshd_config text as pure functions: settings rendered as lines, where an Include puts a drop-in, the main file's managed block.</summary>
public static partial class SshdConfigText
{
    /// <summary>First line of Fleet's drop-in.</summary>
    public const string DropInHeader = "# Managed by Fleet (sshd module). sshd keeps the first value it reads: this file is included first.";

    /// <summary>First line of Fleet's block at the top of the main file (used when the main file includes no drop-in first).</summary>
    public const string BlockBegin = "# BEGIN Fleet sshd settings (sshd keeps the first value it reads)";

    /// <summary>Last line of Fleet's block in the main file.</summary>
    public const string BlockEnd = "# END Fleet sshd settings";

    /// <summary>Keywords that may appear on several lines, each adding values: a list (or comma-separated text) gives one line per item.</summary>
    public static IReadOnlySet<string> RepeatedKeywords { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "AcceptEnv", "AllowGroups", "AllowUsers", "DenyGroups", "DenyUsers", "HostCertificate", "HostKey", "ListenAddress", "Port",
    };

    /// <summary>The config lines for the settings: true/false become yes/no; repeated keywords get a line per item; others stay one line (lists comma-joined).</summary>
    public static IReadOnlyList<string> Lines(IEnumerable<KeyValuePair<string, string>> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var lines = new List<string>();
        foreach (var (keyword, raw) in settings)
        {
            var value = raw switch { "true" or "True" => "yes", "false" or "False" => "no", _ => raw.Trim() };
            if (RepeatedKeywords.Contains(keyword))
            {
                lines.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => $"{keyword} {v}"));
            }
            else
            {
                lines.Add($"{keyword} {value}");
            }
        }

        return lines;
    }

    /// <summary>A problem with a keyword or value (they become config lines), or null.</summary>
    public static string? Check(string keyword, string value)
    {
        ArgumentNullException.ThrowIfNull(keyword);
        ArgumentNullException.ThrowIfNull(value);
        if (!Keyword().IsMatch(keyword))
        {
            return $"settings: '{keyword}' is not an sshd keyword (letters and digits only)";
        }

        if (keyword.Equals("Match", StringComparison.OrdinalIgnoreCase) || keyword.Equals("Include", StringComparison.OrdinalIgnoreCase))
        {
            return $"settings: {keyword} is not supported (a Match block or an Include cannot be a single setting)";
        }

        if (value.Trim().Length == 0 || value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            return $"settings: {keyword} needs a value on one line";
        }

        return null;
    }

    /// <summary>The drop-in's whole text.</summary>
    public static string DropIn(IReadOnlyList<string> lines) => DropInHeader + "\n" + string.Join("", lines.Select(l => l + "\n"));

    /// <summary>The main file with Fleet's block (replaced, or added) at its top.</summary>
    public static string WithBlock(string main, IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(main);
        var rest = main.Split('\n').ToList();
        var begin = rest.IndexOf(BlockBegin);
        var end = begin < 0 ? -1 : rest.IndexOf(BlockEnd, begin);
        if (begin >= 0 && end > begin)
        {
            rest.RemoveRange(begin, end - begin + 1);
        }

        var block = new StringBuilder(BlockBegin).Append('\n');
        foreach (var line in lines)
        {
            block.Append(line).Append('\n');
        }

        return block.Append(BlockEnd).Append('\n').Append(string.Join('\n', rest)).ToString();
    }

    /// <summary>
    /// True when the main file includes <paramref name="dropInPath"/> before it sets any of <paramref name="keywords"/> and before any
    /// Match block: then the drop-in's values win. Relative Include paths are under /etc/ssh, as sshd reads them.
    /// </summary>
    public static bool IncludesFirst(string main, string dropInPath, IEnumerable<string> keywords)
    {
        ArgumentNullException.ThrowIfNull(main);
        var ours = new HashSet<string>(keywords, StringComparer.OrdinalIgnoreCase);
        foreach (var raw in main.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var words = line.Split([' ', '\t', '='], StringSplitOptions.RemoveEmptyEntries);
            var keyword = words[0];
            if (keyword.Equals("Match", StringComparison.OrdinalIgnoreCase) || ours.Contains(keyword))
            {
                return false;
            }

            if (keyword.Equals("Include", StringComparison.OrdinalIgnoreCase)
                && words.Skip(1).Any(pattern => Glob(pattern.StartsWith('/') ? pattern : "/etc/ssh/" + pattern).IsMatch(dropInPath)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether sshd's effective values (from <c>sshd -T</c>) hold a setting's value; sshd lowercases keywords and spells some values its own way.</summary>
    public static bool Holds(IReadOnlyList<string> effective, string keyword, IReadOnlyList<string> desired)
    {
        ArgumentNullException.ThrowIfNull(effective);
        ArgumentNullException.ThrowIfNull(desired);
        // sshd -T prints each name of a space-separated list (AllowGroups root sudo) on a line of its own, as for AcceptEnv.
        var have = effective.SelectMany(v => Words(keyword, v)).Select(v => Normalise(keyword, v)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return RepeatedKeywords.Contains(keyword)
            ? desired.SelectMany(d => Words(keyword, d)).All(d => have.Contains(Normalise(keyword, d)))
            : effective.Count == 1 && desired.Count == 1 && have.Contains(Normalise(keyword, desired[0]));
    }

    /// <summary>The names of a list keyword's value (AllowUsers, AllowGroups, DenyUsers, DenyGroups, AcceptEnv take several per line).</summary>
    private static string[] Words(string keyword, string value) =>
        keyword.ToLowerInvariant() is "allowusers" or "allowgroups" or "denyusers" or "denygroups" or "acceptenv"
            ? value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [value];

    private static string Normalise(string keyword, string value)
    {
        value = Regex.Replace(value.Trim(), "\\s+", " ");
        if (value.Equals("without-password", StringComparison.OrdinalIgnoreCase))
        {
            return "prohibit-password";
        }

        // Times: sshd -T prints seconds (LoginGraceTime 1m → 60).
        var time = TimeValue().Match(value);
        if (time.Success && !keyword.Equals("Port", StringComparison.OrdinalIgnoreCase))
        {
            long seconds = 0;
            foreach (Capture part in time.Groups["part"].Captures)
            {
                var unit = char.ToLowerInvariant(part.Value[^1]);
                var number = long.Parse(char.IsDigit(unit) ? part.Value : part.Value[..^1], CultureInfo.InvariantCulture);
                seconds += number * unit switch { 'm' => 60, 'h' => 3600, 'd' => 86400, 'w' => 604800, _ => 1 };
            }

            return seconds.ToString(CultureInfo.InvariantCulture);
        }

        return value;
    }

    private static Regex Glob(string pattern) => new(GlobPattern.Translate(pattern, GlobOptions.Path)!, RegexOptions.CultureInvariant);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Keyword();

    [GeneratedRegex("^(?<part>[0-9]+[smhdwSMHDW]?)+$", RegexOptions.CultureInvariant)]
    private static partial Regex TimeValue();
}
