using System.Globalization;
using System.Text.RegularExpressions;

namespace Fleet.Core.Facts;

/// <summary>What the engine knows about a host's operating system (read once, at connect).</summary>
/// <param name="Hostname">Short host name.</param>
/// <param name="Fqdn">Fully qualified name (hostname -f), or the short name.</param>
/// <param name="DistributionId">os-release ID (debian, ubuntu).</param>
/// <param name="DistributionName">os-release NAME.</param>
/// <param name="Version">os-release VERSION_ID; on Debian /etc/debian_version (12.11), as Ansible's <c>distribution_version</c>.</param>
/// <param name="Codename">os-release VERSION_CODENAME.</param>
/// <param name="Kernel">uname -r.</param>
/// <param name="Architecture">uname -m.</param>
/// <param name="ServiceManager">Ansible's <c>service_mgr</c>: PID 1's name (systemd, tini, …), else systemd, upstart, openrc, sysvinit or service as Ansible detects them.</param>
/// <param name="UserId">The login user (id -un).</param>
/// <param name="PackageManager">apt when apt-get exists, else unknown.</param>
public sealed record SystemInfo(
    string Hostname, string Fqdn, string DistributionId, string DistributionName, string Version, string Codename,
    string Kernel, string Architecture, string ServiceManager, string UserId, string PackageManager)
{
    /// <summary>Ansible's <c>virtualization_type</c>: docker, podman, lxc, container (PID 1 is not an init, as in Fleet's lab), kvm, … or NA.</summary>
    public string VirtualizationType { get; init; } = "NA";

    /// <summary>Ansible's <c>distribution_minor_version</c>, which it gives for Debian only (from /etc/debian_version).</summary>
    public string? MinorVersion { get; init; }

    /// <summary>Ansible's <c>virtualization_role</c>: guest, or NA.</summary>
    public string VirtualizationRole { get; init; } = "NA";

    /// <summary>Mounted filesystems on devices (as Ansible lists them: device, mount, fstype, options).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Mounts { get; init; } = [];

    /// <summary>The passwd entry and ids of the user the facts were read as, or null when they could not be read.</summary>
    public UserAccount? Account { get; init; }

    /// <summary>These facts with the user facts (<c>user_*</c>, <c>env</c>) of <paramref name="asUser"/>, read as the user a task becomes.</summary>
    public SystemInfo WithUserOf(SystemInfo asUser)
    {
        ArgumentNullException.ThrowIfNull(asUser);
        return this with { UserId = asUser.UserId, Environment = asUser.Environment, Account = asUser.Account };
    }

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

    /// <summary>Ansible's <c>selinux</c>: <c>status</c> (enabled, disabled, or the library missing), and when enabled <c>policyvers</c>, <c>config_mode</c>, <c>mode</c>, <c>type</c>. The default is disabled.</summary>
    public IReadOnlyDictionary<string, object?> Selinux { get; init; } = new Dictionary<string, object?>(StringComparer.Ordinal) { ["status"] = "disabled" };

    /// <summary>Ansible's <c>local</c> facts: /etc/ansible/facts.d's files by name (<see cref="LocalFacts"/>). The default is empty.</summary>
    public IReadOnlyDictionary<string, object?> Local { get; init; } = new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>Ansible's <c>python</c>: the host's python3 (version, version_info, executable, type), or empty when it has none.</summary>
    public IReadOnlyDictionary<string, object?> Python { get; init; } = new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>Ansible's <c>system_vendor</c> (DMI's sys_vendor), or NA.</summary>
    public string SystemVendor { get; init; } = "NA";

    /// <summary>Ansible's <c>selinux_python_present</c>: whether libselinux (which Ansible's facts load) is on the host. The default is true.</summary>
    public bool SelinuxPythonPresent { get; init; } = true;

    /// <summary>The facts as Ansible's variable names: <c>ansible_x</c> and <c>ansible_facts.x</c>.</summary>
    public IReadOnlyDictionary<string, object?> ToVariables()
    {
        var facts = ToFacts();
        var variables = facts.ToDictionary(kv => "ansible_" + kv.Key, kv => kv.Value, StringComparer.Ordinal);
        variables["ansible_facts"] = Namespaced(facts);
        return variables;
    }

    /// <summary>The facts as <c>ansible_facts</c> holds them: Ansible keeps <c>ansible_local</c> under its full name there.</summary>
    public static Dictionary<string, object?> Namespaced(IReadOnlyDictionary<string, object?> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return facts.ToDictionary(kv => kv.Key == "local" ? "ansible_local" : kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }

    /// <summary>The facts under Ansible's names without the <c>ansible_</c> prefix (the keys of <c>ansible_facts</c>).</summary>
    public Dictionary<string, object?> ToFacts()
    {
        var distribution = DistributionId.Length == 0 ? "" : char.ToUpperInvariant(DistributionId[0]) + DistributionId[1..];
        var domain = Fqdn.StartsWith(Hostname + ".", StringComparison.Ordinal) ? Fqdn[(Hostname.Length + 1)..] : "";
        var facts = new Dictionary<string, object?>(StringComparer.Ordinal)
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
            ["selinux"] = Selinux,
            ["selinux_python_present"] = SelinuxPythonPresent,
            ["local"] = Local,
            ["python"] = Python,
            ["system_vendor"] = SystemVendor,
        };
        if (MinorVersion is not null)
        {
            facts["distribution_minor_version"] = MinorVersion;
        }

        foreach (var (name, value) in Account?.ToFacts() ?? [])
        {
            facts[name] = value;
        }

        return facts;
    }

    /// <summary>One line for <c>fleet ping</c>: "Debian GNU/Linux 12 (bookworm), kernel 6.1.0, x86_64".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{DistributionName} {Version}{(Codename.Length > 0 ? $" ({Codename})" : "")}, kernel {Kernel}, {Architecture}");
}

/// <summary>
/// Reads <see cref="SystemInfo"/> with shell builtins and /proc: host name, /etc/os-release, kernel, architecture, service manager,
/// user, package manager, virtualization, mounts, environment, interfaces, default IPv4 route, processors and memory.
/// </summary>
public sealed partial record SystemFact : Fact<SystemInfo>
{
    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [];

    /// <summary>The shell test for systemd as the running service manager (systemd's sd_booted: <c>/run/systemd/system</c> is a directory), which the service modules use.</summary>
    public const string SystemdTest = "[ -d /run/systemd/system ]";

    /// <inheritdoc />
    /// <remarks>
    /// A handful of processes, not one per fact: every fact's CPU is paid on every run (and every enforce cycle), and on a
    /// shared machine a fork and exec cost about a millisecond each. Shell builtins read what /proc and the environment
    /// give; one awk reads the environment, the mounts, processors, memory and default route (from /proc/net/route, as
    /// <c>ip route</c> prints it) and prefixes <c>ip -o addr</c>'s lines; <c>hostname -f</c> (the resolver), <c>uname -m</c>
    /// and <c>ip</c> stay. The virtualization signals are reported raw and weighed in <see cref="Parse"/>, in the order
    /// Ansible's facts use. The user is Python's <c>getpass.getuser()</c>, as Ansible's <c>user_id</c>: LOGNAME, USER, else
    /// <c>id -un</c>; its passwd entry by name, else by uid, as Ansible's collector.
    /// </remarks>
    public override string Command => $$"""
        read -r h </proc/sys/kernel/hostname; echo "hostname=$h"
        printf 'fqdn='; hostname -f 2>/dev/null || echo "$h"
        if [ -r /etc/os-release ]; then . /etc/os-release; fi
        echo "id=${ID:-}"; echo "name=${NAME:-}"; echo "version=${VERSION_ID:-}"; echo "codename=${VERSION_CODENAME:-}"
        read -r k </proc/sys/kernel/osrelease; echo "kernel=$k"
        printf 'arch='; uname -m
        dv=; [ -r /etc/debian_version ] && read -r dv </etc/debian_version; echo "debver=$dv"
        p1=; [ -r /proc/1/comm ] && read -r p1 </proc/1/comm && echo "virt-pid1=$p1"
        m=$p1; if [ -z "$m" ] && [ -L /sbin/init ]; then m=$(readlink /sbin/init); fi; m=${m##*/}
        case $m in init|*sh) m= ;; procd) m=openwrt_init ;; runit-init) m=runit ;; svscan) m=svc ;; openrc-init) m=openrc ;; esac
        if [ -n "$m" ]; then :
        elif command -v systemctl >/dev/null 2>&1 && { [ -d /run/systemd/system/ ] || [ -d /dev/.run/systemd/ ] || [ -d /dev/.systemd/ ]; }; then m=systemd
        elif command -v initctl >/dev/null 2>&1 && [ -d /etc/init/ ]; then m=upstart
        elif [ -e /sbin/openrc ]; then m=openrc
        elif command -v systemctl >/dev/null 2>&1 && [ -L /sbin/init ] && l=$(readlink /sbin/init) && [ "${l##*/}" = systemd ]; then m=systemd
        elif [ -d /etc/init.d/ ]; then m=sysvinit
        else m=service; fi
        echo "service=$m"
        u=${LOGNAME:-$USER}; [ -n "$u" ] || u=$(id -un); echo "user=$u"
        while read -r k a b _; do case $k in Uid:) ru=$a eu=$b ;; Gid:) rg=$a ;; esac; done </proc/self/status; echo "ids=$ru $eu $rg"
        printf 'passwd='; getent passwd "$u" 2>/dev/null || getent passwd "$ru" 2>/dev/null || echo
        if command -v apt-get >/dev/null 2>&1; then echo pkg=apt; else echo pkg=unknown; fi
        for l in /lib/*/libselinux.so.1 /usr/lib/*/libselinux.so.1 /lib64/libselinux.so.1 /usr/lib64/libselinux.so.1 /lib/libselinux.so.1 /usr/lib/libselinux.so.1; do
          [ -e "$l" ] && { echo selinux-lib=1; break; }; done
        [ -f /.dockerenv ] && echo virt-dockerenv=1
        [ -f /run/.containerenv ] && echo virt-containerenv=1
        case $p1 in systemd|init|upstart|runit|openrc-init) printf 'virt-detect='; systemd-detect-virt --vm 2>/dev/null || echo;; esac
        for i in /sys/class/net/*; do [ -e "$i" ] && echo "iface=${i##*/}"; done
        v=NA; [ -r /sys/devices/virtual/dmi/id/sys_vendor ] && read -r v </sys/devices/virtual/dmi/id/sys_vendor; echo "vendor=$v"
        if y=$(command -v python3 2>/dev/null); then printf 'python=%s ' "$y"; "$y" -V 2>&1 || echo; fi
        {{LocalFacts.Command}}
        ip -4 -o addr show 2>/dev/null | awk '
        function hex(s,  i, n) { n = 0; for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789ABCDEF", toupper(substr(s, i, 1))) - 1; return n }
        BEGIN {
          RS = "\0"; while ((getline e < "/proc/1/environ") > 0) if (e ~ /^container=/) { print "virt-env=" substr(e, 11); break }
          close("/proc/1/environ"); RS = "\n"
          for (k in ENVIRON) { v = ENVIRON[k]; if (k !~ /^[A-Za-z_][A-Za-z0-9_]*$/) continue; gsub(/\\/, "&&", v); gsub(/\n/, "\\n", v); print "env=" k "=" v }
        }
        FILENAME == "/proc/mounts" {
          if ($3 == "selinuxfs" && !selinuxfs) {
            selinuxfs = $2; print "selinuxfs=" $2
            if ((getline v < ($2 "/enforce")) > 0) print "selinux-enforce=" v
            if ((getline v < ($2 "/policyvers")) > 0) print "selinux-policyvers=" v
            if ((r = getline v < "/etc/selinux/config") >= 0) print "selinux-config=1"
            for (; r > 0; r = getline v < "/etc/selinux/config") if (v ~ /^SELINUX(TYPE)?=/) print "selinux-" v
          }
          print "mount=" $0; next
        }
        FILENAME == "/proc/self/mountinfo" { if ($4 != "/") print "bind=" $5; next }
        FILENAME == "/proc/cpuinfo" {
          if ($0 ~ /^processor[ \t]*:/) vcpus++
          else if ($0 ~ /^physical id[ \t]*:/) sockets[$0] = 1
          else if ($0 ~ /^cpu cores[ \t]*:/ && cores == "") { cores = $0; sub(/^cpu cores[ \t]*:[ \t]*/, "", cores) }
          else if ($0 ~ /^flags[ \t]*:.* hypervisor/) hypervisor = 1
          next
        }
        FILENAME == "/proc/meminfo" { if ($1 ~ /^(MemTotal|MemFree|SwapTotal):$/) { n = $1; sub(/:$/, "", n); print "mem" n "=" $2 }; next }
        FILENAME == "/proc/net/route" {
          if (FNR > 1 && $2 == "00000000" && $8 == "00000000" && !route) {
            route = "default"
            if ($3 != "00000000") route = route " via " hex(substr($3, 7, 2)) "." hex(substr($3, 5, 2)) "." hex(substr($3, 3, 2)) "." hex(substr($3, 1, 2))
            print "route=" route " dev " $1
          }
          next
        }
        { print "addr=" $0 }
        END { print "vcpus=" vcpus + 0; n = 0; for (s in sockets) n++; print "sockets=" n; print "cores=" cores; if (hypervisor) print "virt-hypervisor=1" }
        ' /proc/mounts /proc/self/mountinfo /proc/cpuinfo /proc/meminfo /proc/net/route -
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
        var virtualization = Virtualization(Get);
        // Ansible takes Debian's most precise version, /etc/debian_version's (os-release says 12, debian_version 12.11).
        var debian = Get("id") == "debian" ? System.Text.RegularExpressions.Regex.Match(Get("debver"), @"^(\d+)\.(\d+)") : System.Text.RegularExpressions.Match.Empty;
        var version = debian.Success ? Get("debver") : Get("version");
        var binds = All("bind").ToHashSet(StringComparer.Ordinal);
        return new SystemInfo(Get("hostname"), Get("fqdn") is { Length: > 0 } f ? f : Get("hostname"), Get("id"), Get("name"), version, Get("codename"), Get("kernel"), Get("arch"), Get("service"), Get("user"), Get("pkg"))
        {
            MinorVersion = debian.Success ? debian.Groups[2].Value : null,
            VirtualizationType = virtualization.Length > 0 ? virtualization : "NA",
            VirtualizationRole = virtualization.Length > 0 ? "guest" : "NA",
            Mounts = All("mount").Select(m => ParseMount(m, binds)).OfType<IReadOnlyDictionary<string, object?>>().ToList(),
            Environment = All("env").Select(e => e.Split('=', 2)).Where(e => e.Length == 2).GroupBy(e => e[0])
                .ToDictionary(g => g.Key, g => (object?)UnescapeValue(g.Last()[1]), StringComparer.Ordinal),
            Interfaces = interfaces,
            DefaultIpv4 = DefaultRoute(Get("route"), All("addr").ToList()),
            Processors = (sockets, cores, vcpus),
            MemoryMb = (Number("memMemTotal") / 1024, Number("memMemFree") / 1024, Number("memSwapTotal") / 1024),
            Selinux = Selinux(values),
            SelinuxPythonPresent = values.ContainsKey("selinux-lib"),
            Account = UserAccount.Parse(Get("passwd"), Get("ids")),
            Local = LocalFacts.Parse(All("local")),
            Python = PythonFacts(Get("python")),
            SystemVendor = Get("vendor") is { Length: > 0 } vendor ? vendor : "NA",
        };
    }

    // "/usr/bin/python3 Python 3.11.2": `python3 -V` starts no interpreter (a -c costs ~20 ms of the host's CPU on every run),
    // and its version text holds what Ansible's python fact reports: the level and serial of "3.13.0rc1" as sys.version_info.
    private static Dictionary<string, object?> PythonFacts(string line)
    {
        if (line.Split(' ', 3) is not [var executable, "Python", var text]
            || PythonVersion().Match(text.Trim()) is not { Success: true } version)
        {
            return new Dictionary<string, object?>(StringComparer.Ordinal);
        }

        var (major, minor, micro) = (version.Groups[1].Value, version.Groups[2].Value, version.Groups[3].Value);
        var level = version.Groups[4].Value switch { "a" => "alpha", "b" => "beta", "rc" => "candidate", _ => "final" };
        var serial = version.Groups[5].Success ? version.Groups[5].Value : "0";
        static object? Number(string text) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : text;
        // In Ansible's key order (its results are sorted), so that a report or to_json shows them as Ansible's do.
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["executable"] = executable,
            ["has_sslcontext"] = true,
            ["type"] = "cpython",
            ["version"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["major"] = Number(major), ["micro"] = Number(micro), ["minor"] = Number(minor), ["releaselevel"] = level, ["serial"] = Number(serial),
            },
            ["version_info"] = new List<object?> { Number(major), Number(minor), Number(micro), level, Number(serial) },
        };
    }

    [GeneratedRegex(@"^(\d+)\.(\d+)\.(\d+)(?:(a|b|rc)(\d+))?\+?$", RegexOptions.CultureInvariant)]
    private static partial Regex PythonVersion();

    // Ansible's selinux facts through libselinux: enabled when selinuxfs is mounted and /etc/selinux/config exists (is_selinux_enabled).
    private static Dictionary<string, object?> Selinux(IReadOnlyDictionary<string, string> values)
    {
        if (!values.ContainsKey("selinux-lib"))
        {
            return new Dictionary<string, object?>(StringComparer.Ordinal) { ["status"] = "Missing selinux Python library" };
        }

        if (!values.ContainsKey("selinuxfs") || !values.ContainsKey("selinux-config"))
        {
            return new Dictionary<string, object?>(StringComparer.Ordinal) { ["status"] = "disabled" };
        }

        static string Mode(string? value) => value?.ToLowerInvariant() switch
        {
            "1" or "enforcing" => "enforcing",
            "0" or "permissive" => "permissive",
            "-1" or "disabled" => "disabled",
            _ => "unknown",
        };
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["status"] = "enabled",
            ["policyvers"] = long.TryParse(values.GetValueOrDefault("selinux-policyvers"), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : "unknown",
            ["config_mode"] = Mode(values.GetValueOrDefault("selinux-SELINUX")),
            ["mode"] = Mode(values.GetValueOrDefault("selinux-enforce")),
            ["type"] = values.GetValueOrDefault("selinux-SELINUXTYPE") is { Length: > 0 } type ? type : "unknown",
        };
    }

    // Ansible's order: container markers first, then a PID 1 that is no init (a container), then the VM checks.
    private static string Virtualization(Func<string, string> get) =>
        get("virt-dockerenv").Length > 0 ? "docker"
        : get("virt-containerenv").Length > 0 ? "podman"
        : get("virt-env") is { Length: > 0 } container ? container
        : get("virt-pid1") is { Length: > 0 } pid1 && pid1 is not ("systemd" or "init" or "upstart" or "runit" or "openrc-init") ? "container"
        : get("virt-detect") is { Length: > 0 } detected && detected != "none" ? detected
        : get("virt-hypervisor").Length > 0 ? "kvm"
        : "";

    // The script writes an environment value's backslashes as \\ and its newlines as \n, so a value stays on one line.
    private static string UnescapeValue(string value) =>
        !value.Contains('\\', StringComparison.Ordinal) ? value
        : System.Text.RegularExpressions.Regex.Replace(value, @"\\(.)", m => m.Groups[1].Value == "n" ? "\n" : m.Groups[1].Value);

    // As Ansible: only filesystems on a device (a path) or a network share (host:/path); /proc/mounts escapes spaces as \040.
    // A mount of a directory inside its filesystem (mountinfo's root is not /, findmnt's SOURCE[dir]) gets ",bind", as Ansible adds.
    private static Dictionary<string, object?>? ParseMount(string line, IReadOnlySet<string> binds)
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
            ["options"] = binds.Contains(fields[1]) && !fields[3].Split(',').Contains("bind") ? fields[3] + ",bind" : fields[3],
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
