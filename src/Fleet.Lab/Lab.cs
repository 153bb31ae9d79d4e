using System.Diagnostics;
using System.Globalization;

namespace Fleet.Lab;

/// <summary>
/// A local test fleet of real Debian hosts: each host is a network namespace on a lab bridge (10.213.k.0/24), its own pid, uts and
/// mount namespaces, a copy-on-write overlay of the machine's root filesystem, and tini as first process starting sshd, cron and
/// rsyslog with their SysV scripts (again when the host reboots, see Lab.Boot.cs). Nothing addressed to 10.213.0.0/16 leaves the
/// machine: an unreachable route covers the range and forwarding from or to a lab bridge is dropped.
/// </summary>
public static partial class Lab
{
    /// <summary>The lab address range.</summary>
    public const string Range = "10.213.0.0/16";

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
            await CreateNetworkAsync(index, cancellationToken).ConfigureAwait(false);

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

        await StopProxyAsync(state.ProxyPid, cancellationToken).ConfigureAwait(false);
        await StopHostsAsync(state.Hosts, cancellationToken).ConfigureAwait(false);
        await RemoveNetworkAsync(state.Index, state.Hosts, cancellationToken).ConfigureAwait(false);
        await RemoveFilesAsync(dir, cancellationToken).ConfigureAwait(false);
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
}
