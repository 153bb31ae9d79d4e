using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Lab;

/// <summary>What the lab leaves in its directory: lab.json for down and status, the client files (inventory, key, known_hosts) for fleet.</summary>
public static partial class Lab
{
    private const string StateFile = "lab.json";

    /// <summary>What down needs: the hosts' first processes, and the delaying proxy's process when there is one (0: none).</summary>
    private sealed record State(int Index, List<LabHost> Hosts, int ProxyPid = 0, double RttMs = 0);

    /// <summary>lab.json's reader and writer, generated at compile time (no reflection: the NativeAOT build reads it too).</summary>
    [JsonSerializable(typeof(State))]
    private sealed partial class StateJson : JsonSerializerContext;

    /// <summary>Trees of the build machine that a lab host sees but a server would not have (SDKs, caches, homes of tools).</summary>
    private static readonly string[] AideExcludes =
        ["/root", "/opt", "/usr/local", "/usr/share/dotnet", "/usr/lib/google-cloud-sdk", "/usr/lib/jvm", "/usr/lib/llvm-14", "/usr/share/fpcsrc", "/usr/lib/python3", "/usr/include", "/var/cache", "/var/lib/docker"];

    /// <summary>Writes the known_hosts (both host key types, and the proxy's address for delayed hosts) and the inventory of the lab.</summary>
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

    /// <summary>Where the lab in <paramref name="dir"/> keeps its client files.</summary>
    private static LabInfo Info(string dir, int index, IReadOnlyList<LabHost> hosts) => new(
        dir,
        Path.Combine(dir, "lab-inventory.yml"),
        Path.Combine(dir, "id_ed25519"),
        Path.Combine(dir, "id_ed25519.pub"),
        Path.Combine(dir, "known_hosts"),
        hosts,
        index);

    /// <summary>The state in lab.json, or null when no lab is up in <paramref name="dir"/>.</summary>
    private static State? Load(string dir)
    {
        var path = Path.Combine(dir, StateFile);
        return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), StateJson.Default.State) : null;
    }

    /// <summary>Writes lab.json.</summary>
    private static async Task SaveAsync(string dir, State state, CancellationToken cancellationToken) =>
        await File.WriteAllTextAsync(Path.Combine(dir, StateFile), JsonSerializer.Serialize(state, StateJson.Default.State), cancellationToken).ConfigureAwait(false);

    /// <summary>Removes the hosts' trees and every file up wrote in <paramref name="dir"/>, and the directory when that leaves it empty.</summary>
    private static async Task RemoveFilesAsync(string dir, CancellationToken cancellationToken)
    {
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
    }
}
