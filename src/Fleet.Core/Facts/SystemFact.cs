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
    /// <summary>Ansible's <c>virtualization_type</c>: docker, podman, lxc, container (PID 1 is not an init, as in Fleet's lab), kvm, … or NA.</summary>
    public string VirtualizationType { get; init; } = "NA";

    /// <summary>Ansible's <c>virtualization_role</c>: guest, or NA.</summary>
    public string VirtualizationRole { get; init; } = "NA";

    /// <summary>Mounted filesystems on devices (as Ansible lists them: device, mount, fstype, options).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Mounts { get; init; } = [];

    /// <summary>The environment of the user the facts were read as.</summary>
    public IReadOnlyDictionary<string, object?> Environment { get; init; } = new Dictionary<string, object?>();

    /// <summary>Network interface names.</summary>
    public IReadOnlyList<string> Interfaces { get; init; } = [];

    /// <summary>The interface of the default IPv4 route (address, gateway, interface, prefix, netmask, network, macaddress, mtu), or empty.</summary>
    public IReadOnlyDictionary<string, object?> DefaultIpv4 { get; init; } = new Dictionary<string, object?>();

    /// <summary>Physical processors (sockets), cores per processor, and logical processors.</summary>
    public (long Count, long Cores, long Vcpus) Processors { get; init; }

    /// <summary>Memory and swap, in MiB: total, free, swap total.</summary>
    public (long Total, long Free, long SwapTotal) MemoryMb { get; init; }

    /// <summary>The facts as Ansible's variable names: <c>ansible_x</c> and <c>ansible_facts.x</c>.</summary>
    public IReadOnlyDictionary<string, object?> ToVariables()
    {
        var facts = ToFacts();
        var variables = facts.ToDictionary(kv => "ansible_" + kv.Key, kv => kv.Value, StringComparer.Ordinal);
        variables["ansible_facts"] = facts;
        return variables;
    }

    /// <summary>The facts under Ansible's names without the <c>ansible_</c> prefix (the keys of <c>ansible_facts</c>).</summary>
    public Dictionary<string, object?> ToFacts()
    {
        var distribution = DistributionId.Length == 0 ? "" : char.ToUpperInvariant(DistributionId[0]) + DistributionId[1..];
        var domain = Fqdn.StartsWith(Hostname + ".", StringComparison.Ordinal) ? Fqdn[(Hostname.Length + 1)..] : "";
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["hostname"] = Hostname,
            ["nodename"] = Hostname,
            ["fqdn"] = Fqdn,
            ["domain"] = domain,
            ["system"] = "Linux",
            ["distribution"] = distribution,
            ["distribution_version"] = Version,
            ["distribution_release"] = Codename,
            ["distribution_major_version"] = Version.Split('.')[0],
            ["os_family"] = DistributionId is "debian" or "ubuntu" or "raspbian" or "linuxmint" or "kali" or "pop" ? "Debian" : distribution,
            ["kernel"] = Kernel,
            ["architecture"] = Architecture,
            ["machine"] = Architecture,
            ["service_mgr"] = ServiceManager,
            ["user_id"] = UserId,
            ["pkg_mgr"] = PackageManager,
            ["virtualization_type"] = VirtualizationType,
            ["virtualization_role"] = VirtualizationRole,
            ["mounts"] = Mounts.Cast<object?>().ToList(),
            ["env"] = Environment,
            ["interfaces"] = Interfaces.Cast<object?>().ToList(),
            ["default_ipv4"] = DefaultIpv4,
            ["processor_count"] = Processors.Count,
            ["processor_cores"] = Processors.Cores,
            ["processor_vcpus"] = Processors.Vcpus,
            ["processor_nproc"] = Processors.Vcpus,
            ["processor_threads_per_core"] = Processors.Count * Processors.Cores is > 0 and var cores ? Math.Max(1, Processors.Vcpus / cores) : 1L,
            ["memtotal_mb"] = MemoryMb.Total,
            ["memfree_mb"] = MemoryMb.Free,
            ["swaptotal_mb"] = MemoryMb.SwapTotal,
        };
    }

    /// <summary>One line for <c>fleet ping</c>: "Debian GNU/Linux 12 (bookworm), kernel 6.1.0, x86_64".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{DistributionName} {Version}{(Codename.Length > 0 ? $" ({Codename})" : "")}, kernel {Kernel}, {Architecture}");
}

/// <summary>
/// Reads <see cref="SystemInfo"/> with shell builtins and /proc: host name, /etc/os-release, kernel, architecture, service manager,
/// user, package manager, virtualization, mounts, environment, interfaces, default IPv4 route, processors and memory.
/// </summary>
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
        if [ -f /.dockerenv ]; then echo virt=docker
        elif [ -f /run/.containerenv ]; then echo virt=podman
        elif c=$(tr '\0' '\n' </proc/1/environ 2>/dev/null | sed -n 's/^container=//p' | head -n1) && [ -n "$c" ]; then echo "virt=$c"
        elif [ -r /proc/1/comm ] && ! grep -qx 'systemd\|init\|upstart\|runit\|openrc-init' /proc/1/comm; then echo virt=container
        elif v=$(systemd-detect-virt --vm 2>/dev/null) && [ "$v" != none ]; then echo "virt=$v"
        elif grep -qs '^flags.* hypervisor' /proc/cpuinfo; then echo virt=kvm
        fi
        sed 's/^/mount=/' /proc/mounts 2>/dev/null
        env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=/env=\1=/p'
        for i in /sys/class/net/*; do [ -e "$i" ] && echo "iface=${i##*/}"; done
        echo "route=$(ip -4 route show default 2>/dev/null | head -n1)"
        ip -4 -o addr show 2>/dev/null | sed 's/^/addr=/'
        echo "vcpus=$(grep -c '^processor' /proc/cpuinfo 2>/dev/null)"
        echo "sockets=$(grep '^physical id' /proc/cpuinfo 2>/dev/null | sort -u | wc -l)"
        echo "cores=$(sed -n 's/^cpu cores[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n1)"
        sed -n 's/^\(MemTotal\|MemFree\|SwapTotal\):[[:space:]]*\([0-9]*\).*/mem\1=\2/p' /proc/meminfo 2>/dev/null
        """;

    /// <inheritdoc />
    public override SystemInfo Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = stdout.Split('\n').Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToList();
        var values = lines.GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Last()[1].Trim(), StringComparer.Ordinal);
        IEnumerable<string> All(string key) => lines.Where(p => p[0] == key).Select(p => p[1]);
        string Get(string key) => values.GetValueOrDefault(key, "");
        long Number(string key) => long.TryParse(Get(key), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        if (!values.ContainsKey("kernel"))
        {
            throw new FormatException("system facts missing: " + stdout.Trim());
        }

        var interfaces = All("iface").Select(i => i.Trim()).Where(i => i.Length > 0).ToList();
        var vcpus = Number("vcpus");
        var sockets = Math.Max(1, Number("sockets"));
        var cores = Number("cores") is > 0 and var c ? c : Math.Max(1, vcpus / sockets);
        var virtualization = Get("virt");
        return new SystemInfo(Get("hostname"), Get("fqdn") is { Length: > 0 } f ? f : Get("hostname"), Get("id"), Get("name"), Get("version"), Get("codename"), Get("kernel"), Get("arch"), Get("service"), Get("user"), Get("pkg"))
        {
            VirtualizationType = virtualization.Length > 0 ? virtualization : "NA",
            VirtualizationRole = virtualization.Length > 0 ? "guest" : "NA",
            Mounts = All("mount").Select(ParseMount).OfType<IReadOnlyDictionary<string, object?>>().ToList(),
            Environment = All("env").Select(e => e.Split('=', 2)).Where(e => e.Length == 2).GroupBy(e => e[0])
                .ToDictionary(g => g.Key, g => (object?)g.Last()[1], StringComparer.Ordinal),
            Interfaces = interfaces,
            DefaultIpv4 = DefaultRoute(Get("route"), All("addr").ToList()),
            Processors = (sockets, cores, vcpus),
            MemoryMb = (Number("memMemTotal") / 1024, Number("memMemFree") / 1024, Number("memSwapTotal") / 1024),
        };
    }

    // As Ansible: only filesystems on a device (a path) or a network share (host:/path); /proc/mounts escapes spaces as \040.
    private static Dictionary<string, object?>? ParseMount(string line)
    {
        var fields = line.Split(' ');
        if (fields.Length < 4 || !(fields[0].StartsWith('/') || fields[0].Contains(":/", StringComparison.Ordinal)) || fields[2] == "none")
        {
            return null;
        }

        static string Unescape(string s) => System.Text.RegularExpressions.Regex.Replace(s, @"\\([0-7]{3})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString());
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["device"] = Unescape(fields[0]),
            ["mount"] = Unescape(fields[1]),
            ["fstype"] = fields[2],
            ["options"] = fields[3],
        };
    }

    private static Dictionary<string, object?> DefaultRoute(string route, List<string> addresses)
    {
        var words = route.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string? After(string word) => Array.IndexOf(words, word) is var i and >= 0 && i + 1 < words.Length ? words[i + 1] : null;
        if (words.Length == 0 || After("dev") is not { } device)
        {
            return new Dictionary<string, object?>(StringComparer.Ordinal);
        }

        var result = new Dictionary<string, object?>(StringComparer.Ordinal) { ["interface"] = device, ["gateway"] = After("via") ?? "", ["alias"] = device };
        // "2: eth0    inet 10.1.0.2/24 brd 10.1.0.255 scope global eth0\ ..."
        var address = addresses.Select(a => a.Split(' ', StringSplitOptions.RemoveEmptyEntries)).FirstOrDefault(a => a.Length > 3 && a[1] == device && a[2] == "inet");
        if (address is not null && address[3].Split('/') is [var ip, var bits] && int.TryParse(bits, CultureInfo.InvariantCulture, out var prefix) && System.Net.IPAddress.TryParse(ip, out var parsed))
        {
            var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
            var bytes = parsed.GetAddressBytes();
            var value = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
            static string Dotted(uint v) => string.Join('.', new[] { v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255 });
            result["address"] = ip;
            result["prefix"] = bits;
            result["netmask"] = Dotted(mask);
            result["network"] = Dotted(value & mask);
            result["broadcast"] = Array.IndexOf(address, "brd") is var b and >= 0 && b + 1 < address.Length ? address[b + 1] : "";
        }

        return result;
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
