using System.Globalization;
using System.Text;

namespace Fleet.Lab;

/// <summary>The lab's network: one bridge per lab number (flabK, 10.213.K.0/24), a namespace and a veth per host, and the names of each.</summary>
public static partial class Lab
{
    /// <summary>Creates lab <paramref name="index"/>'s bridge and the rules that keep its traffic on the machine.</summary>
    private static async Task CreateNetworkAsync(int index, CancellationToken cancellationToken)
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
    }

    /// <summary>Removes the hosts' namespaces, the bridge and its rules, and waits until the kernel has freed the hosts' links.</summary>
    private static async Task RemoveNetworkAsync(int index, IReadOnlyList<LabHost> hosts, CancellationToken cancellationToken)
    {
        var bridge = Bridge(index);
        var script = new StringBuilder();
        foreach (var host in hosts)
        {
            script.Append(CultureInfo.InvariantCulture, $"ip netns del {Namespace(index, host)} 2>/dev/null\n");
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
        var veths = hosts.Select(h => Veth(index, h)).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < 100; i++)
        {
            if (!(await LinkNamesAsync(cancellationToken).ConfigureAwait(false)).Any(veths.Contains))
            {
                break;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The lowest lab number (1 to 250) of which no bridge, host link or namespace exists.</summary>
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

    /// <summary>The lab bridge of lab <paramref name="index"/>.</summary>
    private static string Bridge(int index) => string.Create(CultureInfo.InvariantCulture, $"flab{index}");

    /// <summary>A host's network namespace.</summary>
    private static string Namespace(int index, LabHost host) => string.Create(CultureInfo.InvariantCulture, $"flab{index}-{host.Name}");

    /// <summary>The machine's end of a host's veth, named by the host's address.</summary>
    private static string Veth(int index, LabHost host) => string.Create(CultureInfo.InvariantCulture, $"fl{index}h{host.Address.Split('.')[3]}");
}
