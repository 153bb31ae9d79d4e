using System.Text.RegularExpressions;

namespace Fleet.Core.Modules.Apt;

/// <summary>One package a task names: <c>name</c>, <c>name:arch</c>, optionally pinned with <c>=version</c>.</summary>
/// <param name="Name">The name as dpkg and apt take it (<c>name</c> or <c>name:arch</c>).</param>
/// <param name="Version">The pinned version, or null.</param>
public sealed partial record PackageRequest(string Name, string? Version)
{
    /// <summary>The word apt-get takes: <c>name</c> or <c>name=version</c>.</summary>
    public string AptWord => Version is null ? Name : $"{Name}={Version}";

    /// <summary>True when the name is a shell-style pattern (<c>* ? [ ] !</c>) that Ansible expands over apt's package names.</summary>
    public bool IsPattern => IsPatternName(Name);

    /// <inheritdoc />
    public override string ToString() => AptWord;

    /// <summary>True when a name holds one of fnmatch's characters, none of which a Debian package name may hold.</summary>
    public static bool IsPatternName(string name) => name.AsSpan().IndexOfAny("*?[]!") >= 0;

    /// <summary>
    /// A pattern as an anchored regular expression that both POSIX ERE (the host's grep -E) and .NET read alike, with Python
    /// fnmatch's rules: * any run, ? one character, [...] a class, [!...] its complement; the name's own . and + in brackets.
    /// </summary>
    public static string PatternRegex(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var regex = new System.Text.StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            var close = c == '[' ? pattern.IndexOf(']', i + 1) : -1;
            if (c == '[' && close > i + 1)
            {
                var body = pattern[(i + 1)..close];
                regex.Append('[').Append(body[0] == '!' ? "^" + body[1..] : body).Append(']');
                i = close;
                continue;
            }

            regex.Append(c switch
            {
                '*' => ".*",
                '?' => ".",
                _ when char.IsAsciiLetterOrDigit(c) || c is '-' or ':' => c.ToString(),
                _ => $"[{c}]",
            });
        }

        return regex.Append('$').ToString();
    }

    /// <summary>
    /// Parses and validates a task's package: Debian's name rules (lower case letters, digits, <c>+ - .</c>, an optional
    /// <c>:arch</c>) and version rules (<c>[epoch:]upstream[-revision]</c> characters). Anything else, a shell metacharacter
    /// above all, is the task's input error: names are quoted anyway, but never reach apt as options or globs (a pattern is expanded
    /// over apt's names first, as Ansible does).
    /// </summary>
    public static PackageRequest Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var equals = trimmed.IndexOf('=', StringComparison.Ordinal);
        var name = equals < 0 ? trimmed : trimmed[..equals];
        var version = equals < 0 ? null : trimmed[(equals + 1)..];
        if (IsPatternName(name))
        {
            // Ansible expands a pattern over apt's names and drops any version: Fleet refuses the version instead of ignoring it.
            return !GlobPattern().IsMatch(name)
                ? throw new FleetInputException($"'{text}' is not a package name pattern (lower case letters, digits, + - . * ? [ ] ! and an optional :arch)")
                : version is null ? new PackageRequest(name, null) : throw new FleetInputException($"'{text}': a package name pattern takes no version");
        }

        if (!NamePattern().IsMatch(name))
        {
            throw new FleetInputException($"'{text}' is not a Debian package name (lower case letters, digits, + - . and an optional :arch)");
        }

        if (version is not null && !VersionPattern().IsMatch(version))
        {
            throw new FleetInputException($"'{version}' in '{text}' is not a Debian version (wildcards are not supported)");
        }

        return new PackageRequest(name, version);
    }

    /// <summary>Splits <c>name:arch</c>; the architecture is null when not given.</summary>
    public static (string Name, string? Arch) SplitArch(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (name, null) : (name[..colon], name[(colon + 1)..]);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9+.-]+(:[a-z0-9][a-z0-9-]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[a-z0-9+.*?\[\]!-]+(:[a-z0-9*?\[\]!-]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex GlobPattern();

    [GeneratedRegex("^[0-9A-Za-z.+~:-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
