using System.Globalization;

namespace Fleet.Core.Facts;

/// <summary>What the engine knows about a host's operating system (read once, at connect).</summary>
/// <param name="Hostname">Short host name.</param>
/// <param name="Fqdn">Fully qualified name (hostname -f), or the short name.</param>
/// <param name="DistributionId">os-release ID (debian, ubuntu).</param>
/// <param name="DistributionName">os-release NAME.</param>
/// <param name="Version">os-release VERSION_ID.</param>
/// <param name="Codename">os-release VERSION_CODENAME.</param>
/// <param name="Kernel">uname -r.</param>
/// <param name="Architecture">uname -m.</param>
/// <param name="ServiceManager">systemd when /run/systemd/system exists, else sysv.</param>
/// <param name="UserId">The login user (id -un).</param>
/// <param name="PackageManager">apt when apt-get exists, else unknown.</param>
public sealed record SystemInfo(
    string Hostname, string Fqdn, string DistributionId, string DistributionName, string Version, string Codename,
    string Kernel, string Architecture, string ServiceManager, string UserId, string PackageManager)
{
    /// <summary>The facts as Ansible's variable names.</summary>
    public IReadOnlyDictionary<string, object?> ToVariables()
    {
        var distribution = DistributionId.Length == 0 ? "" : char.ToUpperInvariant(DistributionId[0]) + DistributionId[1..];
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["ansible_hostname"] = Hostname,
            ["ansible_fqdn"] = Fqdn,
            ["ansible_distribution"] = distribution,
            ["ansible_distribution_version"] = Version,
            ["ansible_distribution_release"] = Codename,
            ["ansible_distribution_major_version"] = Version.Split('.')[0],
            ["ansible_os_family"] = DistributionId is "debian" or "ubuntu" or "raspbian" or "linuxmint" ? "Debian" : distribution,
            ["ansible_kernel"] = Kernel,
            ["ansible_architecture"] = Architecture,
            ["ansible_service_mgr"] = ServiceManager,
            ["ansible_user_id"] = UserId,
            ["ansible_pkg_mgr"] = PackageManager,
        };
    }

    /// <summary>One line for <c>fleet ping</c>: "Debian GNU/Linux 12 (bookworm), kernel 6.1.0, x86_64".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{DistributionName} {Version}{(Codename.Length > 0 ? $" ({Codename})" : "")}, kernel {Kernel}, {Architecture}");
}

/// <summary>Reads <see cref="SystemInfo"/>: host name, /etc/os-release, kernel, architecture, service manager, user, package manager.</summary>
public sealed record SystemFact : Fact<SystemInfo>
{
    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [];

    /// <summary>The shell test for systemd as the service manager (<c>ansible_service_mgr</c>); the service modules use the same.</summary>
    public const string SystemdTest = "[ -d /run/systemd/system ]";

    /// <inheritdoc />
    public override string Command => $$"""
        echo "hostname=$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)"
        echo "fqdn=$(hostname -f 2>/dev/null || hostname)"
        if [ -r /etc/os-release ]; then . /etc/os-release; fi
        echo "id=${ID:-}"; echo "name=${NAME:-}"; echo "version=${VERSION_ID:-}"; echo "codename=${VERSION_CODENAME:-}"
        echo "kernel=$(uname -r)"; echo "arch=$(uname -m)"
        if {{SystemdTest}}; then echo service=systemd; else echo service=sysv; fi
        echo "user=$(id -un)"
        if command -v apt-get >/dev/null 2>&1; then echo pkg=apt; else echo pkg=unknown; fi
        """;

    /// <inheritdoc />
    public override SystemInfo Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var values = stdout.Split('\n').Select(l => l.Split('=', 2)).Where(p => p.Length == 2).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Last()[1].Trim(), StringComparer.Ordinal);
        string Get(string key) => values.GetValueOrDefault(key, "");
        if (!values.ContainsKey("kernel"))
        {
            throw new FormatException("system facts missing: " + stdout.Trim());
        }

        return new SystemInfo(Get("hostname"), Get("fqdn") is { Length: > 0 } f ? f : Get("hostname"), Get("id"), Get("name"), Get("version"), Get("codename"), Get("kernel"), Get("arch"), Get("service"), Get("user"), Get("pkg"));
    }
}

/// <summary>Whether a path exists on the host (for <c>creates</c> / <c>removes</c>).</summary>
/// <param name="Path">Absolute path.</param>
public sealed record PathExistsFact(string Path) : Fact<bool>
{
    /// <inheritdoc />
    public override string Description => Path;

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Facts.Subject.Path(Path)];

    /// <inheritdoc />
    public override string Command => $"if [ -e {Remote.Sh.Quote(Path)} ] || [ -L {Remote.Sh.Quote(Path)} ]; then echo yes; else echo no; fi";

    /// <inheritdoc />
    public override bool Parse(string stdout, int exitCode) => stdout.Trim() == "yes";
}
