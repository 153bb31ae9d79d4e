using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Lab;

/// <summary>
/// A local test fleet of real Debian hosts: each host is a network namespace on a lab bridge (10.213.k.0/24), its own pid, uts and
/// mount namespaces, a copy-on-write overlay of the machine's root filesystem, and tini as first process starting sshd, cron and
/// rsyslog with their SysV scripts. Nothing addressed to 10.213.0.0/16 leaves the machine: an unreachable route covers the range
/// and forwarding from or to a lab bridge is dropped.
/// </summary>
public static partial class Lab
{
    /// <summary>The lab address range.</summary>
    public const string Range = "10.213.0.0/16";

    private const string StateFile = "lab.json";
    private static readonly string[] RequiredTools = ["ip", "unshare", "nsenter", "setsid", "tini", "sshd", "ssh-keygen", "iptables", "apt-ftparchive", "mknod"];

    /// <summary>What down needs: the hosts' first processes, and the delaying proxy's process when there is one (0: none).</summary>
    private sealed record State(int Index, List<LabHost> Hosts, int ProxyPid = 0, double RttMs = 0);

    /// <summary>lab.json's reader and writer, generated at compile time (no reflection: the NativeAOT build reads it too).</summary>
    [JsonSerializable(typeof(State))]
    private sealed partial class StateJson : JsonSerializerContext;

    /// <summary>A host's proxy port on the bridge address: 22000 + the host's number.</summary>
    private const int ProxyPortBase = 22000;

    /// <summary>Trees of the build machine that a lab host sees but a server would not have (SDKs, caches, homes of tools).</summary>
    private static readonly string[] AideExcludes =
        ["/root", "/opt", "/usr/local", "/usr/share/dotnet", "/usr/lib/google-cloud-sdk", "/usr/lib/jvm", "/usr/lib/llvm-14", "/usr/share/fpcsrc", "/usr/lib/python3", "/usr/include", "/var/cache", "/var/lib/docker"];

    /// <summary>Creates the lab and waits until every sshd accepts connections.</summary>
    public static async Task<LabInfo> UpAsync(LabUpOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        if (options.Hosts is < 1 or > 240)
        {
            throw new LabException("--hosts must be between 1 and 240");
        }

        await CheckMachineAsync(log, cancellationToken).ConfigureAwait(false);
        var dir = Path.GetFullPath(options.Dir);
        if (Status(dir) is not null)
        {
            throw new LabException($"a lab is already up in {dir}: run `fleet lab down --dir {dir}` first");
        }

        var delayed = DelayedHosts(options);
        var clock = Stopwatch.StartNew();
        await AptRepository.EnsureAsync(log, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(dir);
        await using var machineLock = await MachineLockAsync(cancellationToken).ConfigureAwait(false);
        var index = await FreeIndexAsync(cancellationToken).ConfigureAwait(false);
        var hosts = Enumerable.Range(1, options.Hosts)
            .Select(i => new LabHost(string.Create(CultureInfo.InvariantCulture, $"lab-{i:00}"), string.Create(CultureInfo.InvariantCulture, $"10.213.{index}.{9 + i}"), 22, 0))
            .Select((h, i) => delayed(h.Name) ? h with { ProxyPort = ProxyPortBase + i + 1 } : h)
            .ToList();
        await SaveAsync(dir, new State(index, hosts), cancellationToken).ConfigureAwait(false);
        var started = new List<LabHost>();
        try
        {
            var bridge = Bridge(index);
            await Shell.MustAsync("creating the lab network", $"""
                set -e
                ip route replace unreachable {Range}
                ip link add {bridge} type bridge
                ip addr add 10.213.{index}.1/24 dev {bridge}
                ip link set {bridge} up
                iptables -w -I FORWARD -i {bridge} ! -o {bridge} -j DROP
                iptables -w -I FORWARD -o {bridge} ! -i {bridge} -j DROP
                """, cancellationToken).ConfigureAwait(false);

            var key = Path.Combine(dir, "id_ed25519");
            File.Delete(key);
            File.Delete(key + ".pub");
            await Shell.MustAsync("creating the lab key", $"ssh-keygen -q -t ed25519 -N '' -C fleet-lab -f {Shell.Q(key)}", cancellationToken).ConfigureAwait(false);
            var publicKey = (await File.ReadAllTextAsync(key + ".pub", cancellationToken).ConfigureAwait(false)).Trim();

            log($"lab {index}: preparing {hosts.Count} hosts in {dir}");
            await Parallel.ForEachAsync(hosts, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (host, ct) =>
                await PrepareHostAsync(dir, index, host, publicKey, ct).ConfigureAwait(false)).ConfigureAwait(false);

            log("starting hosts");
            foreach (var host in hosts)
            {
                started.Add(host with { InitPid = Start(dir, index, host) });
            }

            hosts = await InitPidsAsync(started, cancellationToken).ConfigureAwait(false);
            started.Clear();
            await SaveAsync(dir, new State(index, hosts), CancellationToken.None).ConfigureAwait(false);
            await Task.WhenAll(hosts.Select(h => WaitForSshAsync(dir, h, h.Address, h.Port, cancellationToken))).ConfigureAwait(false);
            if (hosts.Any(h => h.ProxyPort > 0))
            {
                var proxyPid = StartProxy(dir, index, hosts, options.Rtt);
                await SaveAsync(dir, new State(index, hosts, proxyPid, options.Rtt.TotalMilliseconds), CancellationToken.None).ConfigureAwait(false);
                await Task.WhenAll(hosts.Where(h => h.ProxyPort > 0).Select(h => WaitForSshAsync(dir, h, BridgeAddress(index), h.ProxyPort, cancellationToken))).ConfigureAwait(false);
                log(string.Create(CultureInfo.InvariantCulture, $"{string.Join(", ", hosts.Where(h => h.ProxyPort > 0).Select(h => h.Name))} behind a {options.Rtt.TotalMilliseconds:0.#} ms round trip (proxy pid {proxyPid})"));
            }

            var info = await WriteClientFilesAsync(dir, index, hosts, cancellationToken).ConfigureAwait(false);
            log(string.Create(CultureInfo.InvariantCulture, $"{hosts.Count} hosts up in {clock.Elapsed.TotalSeconds:0.0} s"));
            return info;
        }
        catch
        {
            if (started.Count > 0)
            {
                // Interrupted between starting the hosts and recording their first processes: record them now, so that down
                // finds and ends them (their network namespaces and links live as long as they do).
                await SaveAsync(dir, new State(index, await RecordStartedAsync(started).ConfigureAwait(false)), CancellationToken.None).ConfigureAwait(false);
            }

            await DownAsync(dir, _ => { }, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>After a failure: each started host's first process, or 0 when it has none (its unshare process is ended).</summary>
    private static async Task<List<LabHost>> RecordStartedAsync(List<LabHost> started)
    {
        var hosts = new List<LabHost>();
        foreach (var host in started)
        {
            var pid = 0;
            try
            {
                pid = await InitPidAsync(host, CancellationToken.None).ConfigureAwait(false);
            }
            catch (LabException)
            {
                try
                {
                    using var unshare = Process.GetProcessById(host.InitPid);
                    unshare.Kill();
                }
                catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
                {
                    // Already gone.
                }
            }

            hosts.Add(host with { InitPid = pid });
        }

        return hosts;
    }

    /// <summary>The hosts with their first process's PID in place of their unshare process's.</summary>
    private static async Task<List<LabHost>> InitPidsAsync(List<LabHost> started, CancellationToken cancellationToken)
    {
        var hosts = new List<LabHost>();
        foreach (var host in started)
        {
            hosts.Add(host with { InitPid = await InitPidAsync(host, cancellationToken).ConfigureAwait(false) });
        }

        return hosts;
    }

    /// <summary>Stops every process and removes every namespace, link, rule and file the lab created; harmless when nothing is there.</summary>
    public static async Task DownAsync(string dir, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        dir = Path.GetFullPath(dir);
        var state = Load(dir);
        if (state is null)
        {
            if (Directory.Exists(Path.Combine(dir, "hosts")))
            {
                Directory.Delete(Path.Combine(dir, "hosts"), recursive: true);
            }

            log($"no lab in {dir}");
            return;
        }

        if (state.ProxyPid > 0 && IsProxy(state.ProxyPid))
        {
            try
            {
                using var proxy = Process.GetProcessById(state.ProxyPid);
                proxy.Kill();
                await proxy.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // Already gone.
            }
        }

        foreach (var host in state.Hosts.Where(h => h.InitPid > 0 && IsAlive(h.InitPid)))
        {
            try
            {
                // Killing a pid namespace's first process ends every process of the host; its mounts go with its mount namespace.
                using var init = Process.GetProcessById(host.InitPid);
                init.Kill();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // Already gone.
            }
        }

        foreach (var host in state.Hosts.Where(h => h.InitPid > 0))
        {
            for (var i = 0; i < 100 && IsAlive(host.InitPid); i++)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
        }

        var bridge = Bridge(state.Index);
        var script = new StringBuilder();
        foreach (var host in state.Hosts)
        {
            script.Append(CultureInfo.InvariantCulture, $"ip netns del {Namespace(state.Index, host)} 2>/dev/null\n");
        }

        script.Append(CultureInfo.InvariantCulture, $"""
            ip link del {bridge} 2>/dev/null
            while iptables -w -D FORWARD -i {bridge} ! -o {bridge} -j DROP 2>/dev/null; do :; done
            while iptables -w -D FORWARD -o {bridge} ! -i {bridge} -j DROP 2>/dev/null; do :; done
            true
            """);
        await Shell.RunAsync(script.ToString(), cancellationToken).ConfigureAwait(false);

        // The kernel frees a namespace (and the host end of its veth) a moment after its last process: wait for that, so that
        // "down" means gone and an "up" right after it starts from nothing.
        var veths = state.Hosts.Select(h => Veth(state.Index, h)).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < 100; i++)
        {
            if (!(await LinkNamesAsync(cancellationToken).ConfigureAwait(false)).Any(veths.Contains))
            {
                break;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        var hostsDir = Path.Combine(dir, "hosts");
        if (Directory.Exists(hostsDir))
        {
            await Shell.RunAsync($"rm -rf {Shell.Q(hostsDir)}", cancellationToken).ConfigureAwait(false);
        }

        foreach (var file in new[] { "lab-inventory.yml", "id_ed25519", "id_ed25519.pub", "known_hosts", "known_hosts.lock", "rtt-proxy.log", StateFile })
        {
            File.Delete(Path.Combine(dir, file));
        }

        if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
        {
            Directory.Delete(dir);
        }

        log($"lab {state.Index} in {dir} is down");
    }

    /// <summary>The lab up in <paramref name="dir"/>, or null when there is none.</summary>
    public static LabInfo? Status(string dir)
    {
        dir = Path.GetFullPath(dir);
        return Load(dir) is { } state ? Info(dir, state.Index, state.Hosts) : null;
    }

    /// <summary>True when the host's first process is running.</summary>
    public static bool IsRunning(LabHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.InitPid > 0 && IsAlive(host.InitPid);
    }

    /// <summary>Runs <c>sh -c command</c> inside a host (all its namespaces and root), without SSH.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> ExecAsync(string dir, string host, string command, CancellationToken cancellationToken)
    {
        var state = Load(Path.GetFullPath(dir)) ?? throw new LabException($"no lab in {dir}");
        var target = state.Hosts.FirstOrDefault(h => h.Name == host) ?? throw new LabException($"no host {host} in the lab");
        return await Shell.RunAsync($"exec nsenter -t {target.InitPid} -m -u -n -p -i -r -w /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root /bin/sh -c {Shell.Q(command)}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A bridge (flabK), a host namespace (flabK-lab-NN) or a host link (flKhN).</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:flab(?<k>[0-9]+)(?:-.*)?|fl(?<k>[0-9]+)h[0-9]+)$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex LabObjectName();

    /// <summary>The machine's network links by name (a veth's "@peer" suffix dropped).</summary>
    private static async Task<List<string>> LinkNamesAsync(CancellationToken cancellationToken)
    {
        var (_, links, _) = await Shell.RunAsync("ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1", cancellationToken).ConfigureAwait(false);
        return links.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    }

    /// <summary>The machine's address on the lab bridge, where the delaying proxy listens.</summary>
    private static string BridgeAddress(int index) => string.Create(CultureInfo.InvariantCulture, $"10.213.{index}.1");

    private static string Bridge(int index) => string.Create(CultureInfo.InvariantCulture, $"flab{index}");

    private static string Namespace(int index, LabHost host) => string.Create(CultureInfo.InvariantCulture, $"flab{index}-{host.Name}");

    private static string Veth(int index, LabHost host) => string.Create(CultureInfo.InvariantCulture, $"fl{index}h{host.Address.Split('.')[3]}");

    private static bool IsAlive(int pid) => Directory.Exists(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}"));

    private static async Task CheckMachineAsync(Action<string> log, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new LabException("the lab needs Linux (network namespaces, overlayfs)");
        }

        var isRoot = Environment.UserName == "root";
        await MachinePackages.EnsureAsync(isRoot, log, cancellationToken).ConfigureAwait(false);
        if (!isRoot)
        {
            throw new LabException("the lab needs root (namespaces, mounts, bridge): run as root");
        }

        var (_, missing, _) = await Shell.RunAsync(
            string.Join('\n', RequiredTools.Select(t => $"PATH=\"$PATH:/usr/sbin:/sbin\" command -v {t} >/dev/null || echo {t}")), cancellationToken).ConfigureAwait(false);
        if (missing.Trim().Length > 0)
        {
            throw new LabException($"missing on this machine even with the lab's packages installed: {string.Join(", ", missing.Split('\n', StringSplitOptions.RemoveEmptyEntries))}");
        }
    }

    private static async Task<FileStream> MachineLockAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; ; i++)
        {
            try
            {
                return new FileStream("/run/fleet-lab.lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (i < 600)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<int> FreeIndexAsync(CancellationToken cancellationToken)
    {
        // A number is in use while anything of it exists: its bridge, a host link (the kernel frees a namespace's links
        // asynchronously, a moment after down) or a namespace file.
        var namespaces = Directory.Exists("/run/netns") ? Directory.EnumerateFileSystemEntries("/run/netns").Select(Path.GetFileName).OfType<string>() : [];
        var used = new HashSet<int>();
        foreach (var name in (await LinkNamesAsync(cancellationToken).ConfigureAwait(false)).Concat(namespaces))
        {
            var match = LabObjectName().Match(name);
            if (match.Success)
            {
                used.Add(int.Parse(match.Groups["k"].Value, CultureInfo.InvariantCulture));
            }
        }

        for (var k = 1; k <= 250; k++)
        {
            if (!used.Contains(k))
            {
                return k;
            }
        }

        throw new LabException("every lab number is in use (250 labs up)");
    }

    private static async Task PrepareHostAsync(string dir, int index, LabHost host, string publicKey, CancellationToken cancellationToken)
    {
        var home = Path.Combine(dir, "hosts", host.Name);
        var upper = Path.Combine(home, "upper");
        var ns = Namespace(index, host);
        var veth = Veth(index, host);
        var init = """
            #!/bin/sh
            # First script of a lab host (under tini): the services a server runs, then wait.
            trap 'exit 0' TERM INT
            service rsyslog start >/dev/null 2>&1 || rsyslogd  # bookworm's rsyslog ships no SysV script
            service cron start >/dev/null 2>&1
            service ssh start
            while :; do sleep 3600 & wait $!; done
            """;
        var sshd = """
            # Lab host: fresh host keys, root by key. Named zz- so playbook drop-ins take precedence.
            HostKey /etc/ssh/ssh_host_ed25519_key
            HostKey /etc/ssh/ssh_host_ecdsa_key
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            UseDNS no
            MaxStartups 200:30:400
            MaxSessions 64
            """;
        var boot = $"""
            #!/bin/sh
            # Runs as the first process of the host's new pid, uts and mount namespaces (in its network namespace).
            set -e
            hostname {host.Name}
            R={Shell.Q(Path.Combine(home, "root"))}
            mount -t overlay overlay -o lowerdir=/,upperdir={Shell.Q(upper)},workdir={Shell.Q(Path.Combine(home, "work"))} "$R"
            mount -t proc proc "$R/proc"
            mount --bind "$R/proc/sys" "$R/proc/sys"
            mount --bind "$R/proc/sys/net" "$R/proc/sys/net"
            mount -o remount,bind,ro "$R/proc/sys"
            mount --rbind /dev "$R/dev"
            mount -t tmpfs -o mode=755 tmpfs "$R/run"
            mkdir -p "$R/run/sshd" "$R/run/lock"
            mount -t tmpfs -o mode=1777,size=256m tmpfs "$R/tmp"
            mount -t sysfs -o ro sysfs "$R/sys" 2>/dev/null || true
            mount --bind {AptRepository.RepoDir} "$R{AptRepository.MountPoint}"
            mount -o remount,bind,ro "$R{AptRepository.MountPoint}"
            exec chroot "$R" /usr/bin/tini -- /bin/sh /etc/fleet-lab/init.sh
            """;
        var u = Shell.Q(upper);
        var script = $"""
            set -e
            rm -rf {Shell.Q(home)}
            mkdir -p {u}/etc/ssh/sshd_config.d {u}/etc/fleet-lab {u}/root/.ssh {u}/etc/apt/sources.list.d {u}/var/lib/apt/lists/partial {u}{AptRepository.MountPoint} {Shell.Q(Path.Combine(home, "work"))} {Shell.Q(Path.Combine(home, "root"))}
            echo {host.Name} > {u}/etc/hostname
            printf '127.0.0.1 localhost\n{host.Address} {host.Name}\n' > {u}/etc/hosts
            ssh-keygen -q -t ed25519 -N '' -C root@{host.Name} -f {u}/etc/ssh/ssh_host_ed25519_key
            ssh-keygen -q -t ecdsa -b 256 -N '' -C root@{host.Name} -f {u}/etc/ssh/ssh_host_ecdsa_key
            cat > {u}/etc/ssh/sshd_config.d/zz-fleet-lab.conf <<'FLEET_EOF'
            {sshd}
            FLEET_EOF
            cat > {u}/etc/fleet-lab/init.sh <<'FLEET_EOF'
            {init}
            FLEET_EOF
            cat > {Shell.Q(Path.Combine(home, "boot.sh"))} <<'FLEET_EOF'
            {boot}
            FLEET_EOF
            echo {Shell.Q(publicKey)} > {u}/root/.ssh/authorized_keys
            chmod 700 {u}/root/.ssh; chmod 600 {u}/root/.ssh/authorized_keys
            cp /etc/skel/.bashrc /etc/skel/.profile {u}/root/
            echo {Shell.Q(AptRepository.SourceLine)} > {u}/etc/apt/sources.list
            for f in /etc/apt/sources.list.d/*; do [ -e "$f" ] && mknod {u}/etc/apt/sources.list.d/"$(basename "$f")" c 0 0; done
            for f in /var/lib/apt/lists/*; do [ -f "$f" ] && mknod {u}/var/lib/apt/lists/"$(basename "$f")" c 0 0; done
            cp {AptRepository.ListsDir}/* {u}/var/lib/apt/lists/
            ip netns add {ns}
            ip link add {veth} type veth peer name eth0 netns {ns}
            ip link set {veth} master {Bridge(index)} up
            ip -n {ns} link set lo up
            ip -n {ns} addr add {host.Address}/24 dev eth0
            ip -n {ns} link set eth0 up
            """;
        await Shell.MustAsync($"preparing {host.Name}", script, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a host detached; returns the PID of its <c>unshare</c> process.</summary>
    private static int Start(string dir, int index, LabHost host)
    {
        var home = Path.Combine(dir, "hosts", host.Name);
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec setsid ip netns exec {Namespace(index, host)} unshare --mount --pid --uts --ipc --fork --propagation private /bin/sh {Shell.Q(Path.Combine(home, "boot.sh"))} </dev/null >{Shell.Q(Path.Combine(home, "boot.log"))} 2>&1");
        using var process = Process.Start(start) ?? throw new LabException($"could not start {host.Name}");
        return process.Id;
    }

    /// <summary>The PID of the host's first process: the child of its unshare process.</summary>
    private static async Task<int> InitPidAsync(LabHost host, CancellationToken cancellationToken)
    {
        var children = string.Create(CultureInfo.InvariantCulture, $"/proc/{host.InitPid}/task/{host.InitPid}/children");
        for (var i = 0; i < 200; i++)
        {
            if (File.Exists(children) && (await File.ReadAllTextAsync(children, cancellationToken).ConfigureAwait(false)).Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var first, ..])
            {
                return int.Parse(first, CultureInfo.InvariantCulture);
            }

            await Task.Delay(25, cancellationToken).ConfigureAwait(false);
        }

        throw new LabException($"{host.Name} did not start");
    }

    private static async Task WaitForSshAsync(string dir, LabHost host, string address, int port, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (!IsAlive(host.InitPid))
            {
                var bootLog = Path.Combine(dir, "hosts", host.Name, "boot.log");
                var reason = File.Exists(bootLog) ? (await File.ReadAllTextAsync(bootLog, cancellationToken).ConfigureAwait(false)).Trim() : "";
                throw new LabException($"{host.Name} stopped while starting: {reason}");
            }

            try
            {
                using var client = new TcpClient();
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(TimeSpan.FromSeconds(2));
                await client.ConnectAsync(address, port, attempt.Token).ConfigureAwait(false);
                var buffer = new byte[4];
                var read = await client.GetStream().ReadAsync(buffer, attempt.Token).ConfigureAwait(false);
                if (read > 0 && Encoding.ASCII.GetString(buffer, 0, read).StartsWith("SSH", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        throw new LabException($"sshd on {host.Name} ({address}:{port}) did not accept connections within 90 s");
    }

    private static async Task<LabInfo> WriteClientFilesAsync(string dir, int index, IReadOnlyList<LabHost> hosts, CancellationToken cancellationToken)
    {
        var info = Info(dir, index, hosts);
        var knownHosts = new StringBuilder();
        foreach (var host in hosts)
        {
            foreach (var type in new[] { "ed25519", "ecdsa" })
            {
                var pub = (await File.ReadAllTextAsync(Path.Combine(dir, "hosts", host.Name, "upper", "etc", "ssh", $"ssh_host_{type}_key.pub"), cancellationToken).ConfigureAwait(false)).Split(' ');
                knownHosts.Append(CultureInfo.InvariantCulture, $"{host.Address} {pub[0]} {pub[1]}\n");
                if (host.ProxyPort > 0)
                {
                    knownHosts.Append(CultureInfo.InvariantCulture, $"[{BridgeAddress(index)}]:{host.ProxyPort} {pub[0]} {pub[1]}\n");
                }
            }
        }

        await File.WriteAllTextAsync(info.KnownHostsPath, knownHosts.ToString(), cancellationToken).ConfigureAwait(false);
        var inventory = new StringBuilder();
        inventory.Append(CultureInfo.InvariantCulture, $"""
            # The lab's inventory, written by `fleet lab up` (lab {index}, {hosts.Count} hosts). Removed by `fleet lab down`.
            all:
              vars:
                user: root
                identity_file: {info.PrivateKeyPath}
                admin_public_key: {info.PublicKeyPath}
                known_hosts: {info.KnownHostsPath}
                # Hosts overlay this machine's root: AIDE (playbooks/10-integrity.yml) leaves its toolchains and caches out.
                aide_rules_extra: [{string.Join(", ", AideExcludes.Select(p => $"'!{p}'"))}]
              children:
                lab:
                  hosts:

            """);
        foreach (var host in hosts)
        {
            if (host.ProxyPort > 0)
            {
                inventory.Append(CultureInfo.InvariantCulture, $"        {host.Name}: {{ address: {BridgeAddress(index)}, port: {host.ProxyPort} }}  # {host.Address} behind the delaying proxy (lab up --rtt)\n");
            }
            else
            {
                inventory.Append(CultureInfo.InvariantCulture, $"        {host.Name}: {{ address: {host.Address} }}\n");
            }
        }

        await File.WriteAllTextAsync(info.InventoryPath, inventory.ToString(), cancellationToken).ConfigureAwait(false);
        return info;
    }

    private static LabInfo Info(string dir, int index, IReadOnlyList<LabHost> hosts) => new(
        dir,
        Path.Combine(dir, "lab-inventory.yml"),
        Path.Combine(dir, "id_ed25519"),
        Path.Combine(dir, "id_ed25519.pub"),
        Path.Combine(dir, "known_hosts"),
        hosts,
        index);

    private static State? Load(string dir)
    {
        var path = Path.Combine(dir, StateFile);
        return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), StateJson.Default.State) : null;
    }

    private static async Task SaveAsync(string dir, State state, CancellationToken cancellationToken) =>
        await File.WriteAllTextAsync(Path.Combine(dir, StateFile), JsonSerializer.Serialize(state, StateJson.Default.State), cancellationToken).ConfigureAwait(false);
}
