using System.Text.RegularExpressions;

namespace Fleet.Core.Modules.Apt;

/// <summary>One package a task names: <c>name</c>, <c>name:arch</c>, optionally pinned with <c>=version</c>.</summary>
/// <param name="Name">The name as dpkg and apt take it (<c>name</c> or <c>name:arch</c>).</param>
/// <param name="Version">The pinned version, or null.</param>
public sealed partial record PackageRequest(string Name, string? Version)
{
    /// <summary>The word apt-get takes: <c>name</c> or <c>name=version</c>.</summary>
    public string AptWord => Version is null ? Name : $"{Name}={Version}";

    /// <inheritdoc />
    public override string ToString() => AptWord;

    /// <summary>
    /// Parses and validates a task's package: Debian's name rules (lower case letters, digits, <c>+ - .</c>, an optional
    /// <c>:arch</c>) and version rules (<c>[epoch:]upstream[-revision]</c> characters). Anything else, a shell metacharacter
    /// above all, is the task's input error: names are quoted anyway, but never reach apt as options or globs.
    /// </summary>
    public static PackageRequest Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var equals = trimmed.IndexOf('=', StringComparison.Ordinal);
        var name = equals < 0 ? trimmed : trimmed[..equals];
        var version = equals < 0 ? null : trimmed[(equals + 1)..];
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

    [GeneratedRegex("^[0-9A-Za-z.+~:-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
