using System.Diagnostics;
using System.Globalization;

namespace Fleet.Lab;

/// <summary>The lab's delaying proxy (<c>lab up --rtt</c>): one process of its own, recorded in lab.json and ended by down.</summary>
public static partial class Lab
{
    /// <summary>A host's proxy port on the bridge address: 22000 + the host's number.</summary>
    private const int ProxyPortBase = 22000;

    /// <summary>The longest round trip the lab offers.</summary>
    private static readonly TimeSpan MaxRtt = TimeSpan.FromSeconds(10);

    /// <summary>Which hosts go behind the proxy; refuses a round trip out of range or a host the lab will not have.</summary>
    private static Func<string, bool> DelayedHosts(LabUpOptions options)
    {
        if (options.Rtt < TimeSpan.Zero || options.Rtt > MaxRtt)
        {
            throw new LabException(string.Create(CultureInfo.InvariantCulture, $"--rtt must be between 0 and {MaxRtt.TotalSeconds:0} s"));
        }

        if (options.Rtt == TimeSpan.Zero)
        {
            return options.RttHosts is { Count: > 0 } ? throw new LabException("--rtt-hosts needs --rtt") : _ => false;
        }

        if (options.RttHosts is not { Count: > 0 } names)
        {
            return _ => true;
        }

        var all = Enumerable.Range(1, options.Hosts).Select(i => string.Create(CultureInfo.InvariantCulture, $"lab-{i:00}")).ToHashSet(StringComparer.Ordinal);
        var unknown = names.Where(n => !all.Contains(n)).ToList();
        return unknown.Count > 0
            ? throw new LabException($"--rtt-hosts names hosts the lab will not have: {string.Join(", ", unknown)} (hosts are lab-01 … lab-{options.Hosts:00})")
            : names.ToHashSet(StringComparer.Ordinal).Contains;
    }

    /// <summary>Starts <c>fleet lab rtt-proxy</c> detached (it outlives lab up, down ends it); returns its PID.</summary>
    private static int StartProxy(string dir, int index, IReadOnlyList<LabHost> hosts, TimeSpan rtt)
    {
        var args = new List<string>(ProxyProgram()) { "lab", "rtt-proxy", "--one-way-ms", (rtt.TotalMilliseconds / 2).ToString("0.###", CultureInfo.InvariantCulture) };
        foreach (var host in hosts.Where(h => h.ProxyPort > 0))
        {
            args.Add("--route");
            args.Add(string.Create(CultureInfo.InvariantCulture, $"{BridgeAddress(index)}:{host.ProxyPort}={host.Address}:{host.Port}"));
        }

        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec setsid {string.Join(' ', args.Select(Shell.Q))} </dev/null >{Shell.Q(Path.Combine(dir, "rtt-proxy.log"))} 2>&1");
        using var process = Process.Start(start) ?? throw new LabException("could not start the delaying proxy");
        return process.Id;
    }

    /// <summary>How to run this build of fleet: its own executable, or <c>dotnet fleet.dll</c> beside the calling code (tests).</summary>
    private static IEnumerable<string> ProxyProgram()
    {
        var self = Environment.ProcessPath ?? "";
        if (Path.GetFileName(self) == "fleet")
        {
            return [self];
        }

        var dll = Path.Combine(AppContext.BaseDirectory, "fleet.dll");
        if (!File.Exists(dll))
        {
            throw new LabException($"--rtt runs the proxy with fleet, which is neither this process nor beside it ({dll})");
        }

        return [Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet", dll];
    }

    /// <summary>True when the PID is still the lab's proxy (not a process that reused the number).</summary>
    private static bool IsProxy(int pid)
    {
        var cmdline = string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/cmdline");
        return File.Exists(cmdline) && File.ReadAllText(cmdline).Contains("rtt-proxy", StringComparison.Ordinal);
    }

    /// <summary>Ends the delaying proxy recorded in lab.json, when there is one and it is still the proxy.</summary>
    private static async Task StopProxyAsync(int proxyPid, CancellationToken cancellationToken)
    {
        if (proxyPid > 0 && IsProxy(proxyPid))
        {
            try
            {
                using var proxy = Process.GetProcessById(proxyPid);
                proxy.Kill();
                await proxy.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // Already gone.
            }
        }
    }
}
