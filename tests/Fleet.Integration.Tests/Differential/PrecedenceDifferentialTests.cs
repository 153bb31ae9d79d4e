using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;
using Xunit.Abstractions;

namespace Fleet.Integration.Tests.Differential;

/// <summary>
/// Ansible's variable precedence, layer by layer, against ansible-playbook: Differential/Precedence sets one variable in each
/// adjacent pair of layers (inventory files, group_vars/ and host_vars/ beside the inventory and the playbook, facts, play vars,
/// vars_files, role defaults, vars and params, block and task vars, include_vars, set_fact, include params, extra vars, loop and
/// magic variables) and writes which layer won each; both tools must write the same.
/// </summary>
[Collection("lab")]
public sealed class PrecedenceDifferentialTests(LabFixture lab, ITestOutputHelper output)
{
    private const string AnsibleHost = "lab-03";
    private const string FleetHost = "lab-04";

    [LabFact]
    public async Task EveryAdjacentPairOfLayers_WinsAsInAnsible()
    {
        var source = Path.Combine(AppContext.BaseDirectory, "Differential", "Precedence");
        var dir = Directory.CreateTempSubdirectory("fleet-precedence-").FullName;
        try
        {
            Copy(source, dir);
            var ansibleInventory = Inventory(dir, AnsibleHost, $"ansible_host={Address(AnsibleHost)}", $"""
                ansible_user=root
                ansible_ssh_private_key_file={lab.Info.PrivateKeyPath}
                ansible_ssh_common_args='-o UserKnownHostsFile={lab.Info.KnownHostsPath} -o StrictHostKeyChecking=yes'
                ansible_python_interpreter=/usr/bin/python3
                """);
            var fleetInventory = Inventory(dir, FleetHost, $"address={Address(FleetHost)}", $"""
                user=root
                identity_file={lab.Info.PrivateKeyPath}
                known_hosts={lab.Info.KnownHostsPath}
                """);
            var hostVars = Path.Combine(dir, "playbook", "host_vars", "HOST.yml");
            File.Copy(hostVars, Path.Combine(dir, "playbook", "host_vars", AnsibleHost + ".yml"));
            File.Move(hostVars, Path.Combine(dir, "playbook", "host_vars", FleetHost + ".yml"));

            var reset = await File.ReadAllTextAsync(Path.Combine(dir, "reset.sh"));
            foreach (var host in new[] { AnsibleHost, FleetHost })
            {
                await LabRun.ExecAsync(lab, host, reset + "\ntrue");
            }

            var inputs = new DifferentialInputs
            {
                AnsibleInventory = ansibleInventory,
                FleetInventory = fleetInventory,
                ExtraVars = new Dictionary<string, object?> { ["v20"] = "extra", ["item"] = "extra", ["playbook_dir"] = "/extra" },
            };
            var harness = new DifferentialHarness(lab, AnsibleHost, FleetHost, output);
            var state = await File.ReadAllTextAsync(Path.Combine(dir, "state.sh"));
            var run = await harness.CompareAsync(Path.Combine(dir, "playbook", "site.yml"), dir, state, "precedence", inputs);

            // Equal to Ansible, and not vacuously: every layer pair wrote its winner.
            output.WriteLine(run.FleetState);
            Assert.Equal(20, run.FleetState.Split('\n').Count(l => l.StartsWith('v')));
            Assert.Contains("v19=include_params", run.FleetState, StringComparison.Ordinal);
            Assert.Contains("loop_var playbook extra", run.FleetState, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private string Address(string host) => lab.Info.Hosts.Single(h => h.Name == host).Address;

    /// <summary>The case's inventory directory for one host, with that tool's connection variables.</summary>
    private static string Inventory(string dir, string host, string hostConnection, string allConnection)
    {
        var inventory = Path.Combine(dir, "inventory-" + host);
        Copy(Path.Combine(dir, "inventory"), inventory);
        File.Move(Path.Combine(inventory, "host_vars", "HOST.yml"), Path.Combine(inventory, "host_vars", host + ".yml"));
        var file = Path.Combine(inventory, "hosts.ini");
        var text = File.ReadAllText(file)
            .Replace("\nHOST ", $"\n{host} {hostConnection} ", StringComparison.Ordinal)
            .Replace("[all:vars]\n", "[all:vars]\n" + allConnection + "\n", StringComparison.Ordinal);
        File.WriteAllText(file, text);
        return file;
    }

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
