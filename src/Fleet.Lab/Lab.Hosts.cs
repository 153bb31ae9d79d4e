using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Fleet.Lab;

/// <summary>The lab's hosts: each prepared as an overlay of the machine's root, started as the first process of its own namespaces, and ended by down.</summary>
public static partial class Lab
{
    /// <summary>Writes a host's overlay (host keys, sshd drop-in, first script, shutdown and reboot, apt sources), its boot script, and its namespace and veth.</summary>
    private static async Task PrepareHostAsync(string dir, int index, LabHost host, string publicKey, CancellationToken cancellationToken)
    {
        var home = Path.Combine(dir, "hosts", host.Name);
        var upper = Path.Combine(home, "upper");
        var ns = Namespace(index, host);
        var veth = Veth(index, host);
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
            mount -t sysfs -o ro sysfs "$R/sys" 2>/dev/null || true
            mount --bind {AptRepository.RepoDir} "$R{AptRepository.MountPoint}"
            mount -o remount,bind,ro "$R{AptRepository.MountPoint}"
            exec chroot "$R" /usr/bin/tini -- /bin/sh /etc/fleet-lab/init.sh
            """;
        var u = Shell.Q(upper);
        var script = $"""
            set -e
            rm -rf {Shell.Q(home)}
            mkdir -p {u}/etc/ssh/sshd_config.d {u}/etc/fleet-lab {u}/usr/sbin {u}/root/.ssh {u}/etc/apt/sources.list.d {u}/var/lib/apt/lists/partial {u}{AptRepository.MountPoint} {Shell.Q(Path.Combine(home, "work"))} {Shell.Q(Path.Combine(home, "root"))}
            echo {host.Name} > {u}/etc/hostname
            printf '127.0.0.1 localhost\n{host.Address} {host.Name}\n' > {u}/etc/hosts
            ssh-keygen -q -t ed25519 -N '' -C root@{host.Name} -f {u}/etc/ssh/ssh_host_ed25519_key
            ssh-keygen -q -t ecdsa -b 256 -N '' -C root@{host.Name} -f {u}/etc/ssh/ssh_host_ecdsa_key
            cat > {u}/etc/ssh/sshd_config.d/zz-fleet-lab.conf <<'FLEET_EOF'
            {sshd}
            FLEET_EOF
            cat > {u}/etc/fleet-lab/init.sh <<'FLEET_EOF'
            {InitScript}
            FLEET_EOF
            cat > {u}/usr/sbin/shutdown <<'FLEET_EOF'
            {ShutdownScript}
            FLEET_EOF
            cat > {u}/usr/sbin/reboot <<'FLEET_EOF'
            {RebootScript}
            FLEET_EOF
            chmod 755 {u}/usr/sbin/shutdown {u}/usr/sbin/reboot
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

    /// <summary>Waits (up to 90 s) until sshd answers at <paramref name="address"/>:<paramref name="port"/>; fails when the host stops first.</summary>
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

    /// <summary>Ends every host's first process and waits (up to 2 s each) until it is gone.</summary>
    private static async Task StopHostsAsync(IReadOnlyList<LabHost> hosts, CancellationToken cancellationToken)
    {
        foreach (var host in hosts.Where(h => h.InitPid > 0 && IsAlive(h.InitPid)))
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

        foreach (var host in hosts.Where(h => h.InitPid > 0))
        {
            for (var i = 0; i < 100 && IsAlive(host.InitPid); i++)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Whether a process is running.</summary>
    private static bool IsAlive(int pid) => Directory.Exists(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}"));
}
