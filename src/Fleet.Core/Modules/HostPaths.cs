using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules;

/// <summary>
/// What Ansible does to every <c>type='path'</c> parameter in the module's process on the host:
/// <c>os.path.expanduser(os.path.expandvars(value))</c>, as the effective (become) user with that user's environment. The rules
/// are pure; the host's answers (variables, home directories) come from one read-only <see cref="Script"/> and its <see cref="Parse"/>.
/// </summary>
public static partial class HostPaths
{
    /// <summary>True when the value may change under expansion (starts with <c>~</c> or holds <c>$</c>); other values need no trip.</summary>
    public static bool NeedsExpansion(string value) =>
        !string.IsNullOrEmpty(value) && (value[0] == '~' || value.Contains('$', StringComparison.Ordinal));

    /// <summary>What <paramref name="known"/> lacks to expand every value: variable names and user names to ask the host about.</summary>
    public static HostPathQuery Missing(IEnumerable<string> values, HostPathLookup known)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(known);
        var variables = new List<string>();
        var users = new List<string>();
        var ownHome = false;
        foreach (var value in values.Where(NeedsExpansion))
        {
            var unknown = VariableNames(value).Where(n => !known.Variables.ContainsKey(n)).ToList();
            variables.AddRange(unknown);
            if (unknown.Count > 0)
            {
                continue; // the user part is known only once the variables are
            }

            var vars = ExpandVariables(value, known);
            switch (TildeUser(vars))
            {
                case "" when !known.Variables.ContainsKey("HOME"):
                    variables.Add("HOME");
                    ownHome = true;
                    break;
                case "" when known.Variables["HOME"] is null && !known.OwnHomeAsked:
                    ownHome = true;
                    break;
                case { Length: > 0 } user when !known.Homes.ContainsKey(user) && !IsDigits(user):
                    users.Add(user);
                    break;
            }
        }

        return new HostPathQuery(variables.Distinct(StringComparer.Ordinal).ToList(), users.Distinct(StringComparer.Ordinal).ToList(), ownHome && !known.OwnHomeAsked);
    }

    /// <summary><c>expanduser(expandvars(value))</c> with what the host told; a part it was not asked about stays as written.</summary>
    public static string Expand(string value, HostPathLookup known)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(known);
        return NeedsExpansion(value) ? ExpandUser(ExpandVariables(value, known), known) : value;
    }

    /// <summary>Python's <c>posixpath.expandvars</c>: <c>$name</c> and <c>${name}</c>; an unset variable is left as written.</summary>
    public static string ExpandVariables(string value, HostPathLookup known)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(known);
        if (!value.Contains('$', StringComparison.Ordinal))
        {
            return value;
        }

        var text = new StringBuilder();
        var last = 0;
        foreach (Match match in Variable().Matches(value))
        {
            if (known.Variables.GetValueOrDefault(Name(match)) is { } found)
            {
                text.Append(value, last, match.Index - last).Append(found);
                last = match.Index + match.Length;
            }
        }

        return text.Append(value, last, value.Length - last).ToString();
    }

    /// <summary>Python's <c>posixpath.expanduser</c>: <c>~</c> is $HOME (else the user's passwd entry), <c>~name</c> that user's home; an unknown user is left as written.</summary>
    public static string ExpandUser(string value, HostPathLookup known)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(known);
        var user = TildeUser(value);
        if (user is null)
        {
            return value;
        }

        var home = user.Length == 0
            ? known.Variables.GetValueOrDefault("HOME") ?? known.OwnHome
            : known.Homes.GetValueOrDefault(user);
        if (home is null)
        {
            return value;
        }

        var rest = value[(1 + user.Length)..];
        var joined = home.TrimEnd('/') + rest;
        return joined.Length == 0 ? "/" : joined;
    }

    /// <summary>
    /// The read-only sh script that answers <paramref name="query"/>: a line per variable, per user, then the own home when asked;
    /// each "-" when unset or unknown, else "=" and the value's bytes in hex. Names reach the host only as quoted arguments.
    /// </summary>
    public static string Script(HostPathQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var script = new StringBuilder("x() { od -An -v -tx1 | tr -d ' \\n'; echo; }\n");
        foreach (var name in query.Variables)
        {
            var word = Sh.Quote(name);
            script.Append(CultureInfo.InvariantCulture, $"if printenv -- {word} >/dev/null 2>&1; then printf =; printenv -- {word} | x; else echo -; fi\n");
        }

        foreach (var user in query.Users)
        {
            var word = Sh.Quote(user);
            script.Append(CultureInfo.InvariantCulture, $"if getent passwd -- {word} >/dev/null 2>&1; then printf =; getent passwd -- {word} | head -n 1 | cut -d: -f6 | x; else echo -; fi\n");
        }

        if (query.OwnHome)
        {
            script.Append("if h=$(getent passwd \"$(id -u)\"); then printf =; printf '%s\\n' \"$h\" | cut -d: -f6 | x; else echo -; fi\n");
        }

        return script.ToString();
    }

    /// <summary>Adds the answers of <see cref="Script"/>'s output to <paramref name="known"/>.</summary>
    public static void Parse(string stdout, HostPathQuery query, HostPathLookup known)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(known);
        var lines = stdout.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && (l[0] == '=' || l == "-")).ToList();
        var expected = query.Variables.Count + query.Users.Count + (query.OwnHome ? 1 : 0);
        if (lines.Count != expected)
        {
            throw new FormatException($"expected {expected} answers to the path expansion, got {lines.Count}");
        }

        var at = 0;
        foreach (var name in query.Variables)
        {
            known.Variables[name] = Answer(lines[at++]);
        }

        foreach (var user in query.Users)
        {
            known.Homes[user] = Answer(lines[at++]);
        }

        if (query.OwnHome)
        {
            known.OwnHome = Answer(lines[at]);
            known.OwnHomeAsked = true;
        }
    }

    /// <summary>The text of one answer line without the newline its command printed last; null for "-".</summary>
    private static string? Answer(string line)
    {
        if (line == "-")
        {
            return null;
        }

        var bytes = Convert.FromHexString(line[1..]);
        var length = bytes.Length > 0 && bytes[^1] == (byte)'\n' ? bytes.Length - 1 : bytes.Length;
        return Encoding.UTF8.GetString(bytes, 0, length);
    }

    /// <summary>The variable names expandvars looks up in <paramref name="value"/>, in order.</summary>
    private static IEnumerable<string> VariableNames(string value) =>
        value.Contains('$', StringComparison.Ordinal) ? Variable().Matches(value).Select(Name) : [];

    private static string Name(Match match)
    {
        var name = match.Groups[1].Value;
        return name.StartsWith('{') && name.EndsWith('}') ? name[1..^1] : name;
    }

    /// <summary>The user a leading <c>~</c> names ("" for the own home), or null when the value does not start with <c>~</c>.</summary>
    private static string? TildeUser(string value)
    {
        if (!value.StartsWith('~'))
        {
            return null;
        }

        var slash = value.IndexOf('/', 1);
        return value[1..(slash < 0 ? value.Length : slash)];
    }

    // getent reads a number as a uid; Python's getpwnam does not, so "~0" stays as written.
    private static bool IsDigits(string text) => text.All(char.IsAsciiDigit);

    // Python's re.ASCII \w: letters, digits and underscore.
    [GeneratedRegex(@"\$([A-Za-z0-9_]+|\{[^}]*\})", RegexOptions.CultureInvariant)]
    private static partial Regex Variable();
}

/// <summary>The variable names and user names a <see cref="HostPaths.Script"/> asks the host about, and whether it asks for the own home.</summary>
/// <param name="Variables">Environment variables of the effective user.</param>
/// <param name="Users">Users whose home directories <c>~name</c> needs.</param>
/// <param name="OwnHome">The passwd home of the effective user (for <c>~</c> when HOME is unset).</param>
public sealed record HostPathQuery(IReadOnlyList<string> Variables, IReadOnlyList<string> Users, bool OwnHome)
{
    /// <summary>True when nothing needs asking.</summary>
    public bool IsEmpty => Variables.Count == 0 && Users.Count == 0 && !OwnHome;
}

/// <summary>What the host told about its effective user: variables (null: unset), users' homes (null: no such user), its own home.</summary>
public sealed class HostPathLookup
{
    /// <summary>Environment variables asked about; null when unset.</summary>
    public Dictionary<string, string?> Variables { get; } = new(StringComparer.Ordinal);

    /// <summary>Home directories of users asked about; null when there is no such user.</summary>
    public Dictionary<string, string?> Homes { get; } = new(StringComparer.Ordinal);

    /// <summary>The effective user's passwd home, once asked; null when unknown.</summary>
    public string? OwnHome { get; set; }

    /// <summary>True once the own home was asked about.</summary>
    public bool OwnHomeAsked { get; set; }
}
