using System.Text.Json;
using Fleet.Integration.Tests.Cli;
using Fleet.Tests;

namespace Fleet.Integration.Tests.Ssh;

/// <summary>The CLI run the key-exchange tests share: a one-command playbook applied with <c>--ssh-kex</c>, <c>--verbose</c> and <c>--json</c>.</summary>
internal static class KeyExchangeRun
{
    /// <summary>
    /// Applies the playbook to every host of <paramref name="inventory"/> (host keys strictly from <paramref name="knownHosts"/>),
    /// asserts exit 0 and a schema-valid report; returns each host's <c>keyExchange</c> from the report and the run's stderr
    /// (where <c>--verbose</c> logs "HOST connected to …, key exchange …").
    /// </summary>
    public static async Task<(Dictionary<string, string?> Exchanges, string Stderr)> ApplyAsync(DirectoryInfo dir, string inventory, string knownHosts, string mode)
    {
        var playbook = Path.Combine(dir.FullName, "kex.yml");
        await File.WriteAllTextAsync(playbook, """
            - name: Kex
              hosts: all
              tasks:
                - name: Touch
                  command: "true"
            """);
        var json = Path.Combine(dir.FullName, $"kex-{mode}.json");

        var (exit, stdout, stderr) = await FleetProcess.RunAsync(
            "apply", "-i", inventory, playbook, "--json", json, "--no-progress", "--verbose", "--ssh-kex", mode,
            "--known-hosts", knownHosts, "--host-key-policy", "strict");

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        ReportSchema.AssertValidFile(json);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var exchanges = report.RootElement.GetProperty("hosts").EnumerateArray()
            .ToDictionary(h => h.GetProperty("name").GetString()!, h => h.GetProperty("keyExchange").GetString());
        return (exchanges, stderr);
    }
}
