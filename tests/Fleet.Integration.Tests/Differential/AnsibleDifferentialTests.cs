using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;
using Xunit.Abstractions;

namespace Fleet.Integration.Tests.Differential;

/// <summary>
/// Differential tests against Ansible itself (Debian's ansible-core 2.14): each case under Differential/Cases runs with
/// ansible-playbook on one lab host and with Fleet on another; the host state, the per-task statuses and the recap counts must be
/// the same, then again for the second (no-op) run. A case is a directory with <c>site.yml</c>, <c>state.sh</c> (prints what the
/// case leaves on a host, the same on both hosts when Fleet does what Ansible does) and <c>reset.sh</c> (puts a host back as the
/// lab started it, also when the lab ran the case before).
/// </summary>
[Collection("lab")]
public sealed class AnsibleDifferentialTests(LabFixture lab, ITestOutputHelper output)
{
    private const string AnsibleHost = "lab-03";
    private const string FleetHost = "lab-04";

    /// <summary>Every case directory.</summary>
    public static TheoryData<string> Cases() => new(Directory.EnumerateDirectories(CasesDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    /// <summary>
    /// Round trips a case's no-op run may cost, where the case pins it: the connect trip reads the facts of every task whose
    /// arguments render from the play's variables (the 30-item lineinfile and 5-item sysctl loops included); the rest are the two
    /// commands, which always run, one read for each task that waits for a result or a file read at run time (registered
    /// results, the per-family include, the second play), and the facts read again after a command that ran: under
    /// <c>changed_when: false</c> it may still have rewritten a file a later task edits (pam-auth-update did): 9 measured for hardening.
    /// </summary>
    private static readonly Dictionary<string, int> MaxNoOpRoundTrips = new(StringComparer.Ordinal) { ["hardening"] = 9 };

    private static string CasesDirectory => Path.Combine(AppContext.BaseDirectory, "Differential", "Cases");

    [LabTheory]
    [MemberData(nameof(Cases))]
    public async Task Case_SameStateStatusesAndRecapAsAnsible_ThenNoOp(string name)
    {
        var dir = CopyCase(name);
        try
        {
            var reset = await File.ReadAllTextAsync(Path.Combine(dir, "reset.sh"));
            var state = await File.ReadAllTextAsync(Path.Combine(dir, "state.sh"));
            foreach (var host in new[] { AnsibleHost, FleetHost })
            {
                await LabRun.ExecAsync(lab, host, reset + "\ntrue");
            }

            var before = await LabRun.ExecAsync(lab, FleetHost, state + "\ntrue");
            var playbook = Path.Combine(dir, "site.yml");
            var harness = new DifferentialHarness(lab, AnsibleHost, FleetHost, output);
            var first = await harness.CompareAsync(playbook, dir, state, "first run");
            Assert.True(first.Fleet.Changed > 0, "the first run changes the host");
            Assert.NotEqual(before, first.FleetState);

            var second = await harness.CompareAsync(playbook, dir, state, "second run");
            Assert.DoesNotContain(second.FleetTasks, t => t.Status == "changed");

            var ratio = second.AnsibleSeconds / second.FleetSeconds;
            output.WriteLine($"{name}: no-op run on one host: ansible-playbook {second.AnsibleSeconds:0.00} s, Fleet {second.FleetSeconds:0.00} s (×{ratio:0.0}); Fleet round trips: first run {first.FleetRoundTrips}, no-op run {second.FleetRoundTrips}");
            if (MaxNoOpRoundTrips.TryGetValue(name, out var most))
            {
                Assert.True(second.FleetRoundTrips <= most, $"a no-op run costs the connect trip, the commands and one trip per generation of registered results, at most {most}, not {second.FleetRoundTrips}");
            }

            Assert.True(ratio >= 5, $"Fleet's no-op run should be far faster than ansible-playbook's: {second.FleetSeconds:0.00} s vs {second.AnsibleSeconds:0.00} s");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// Fleet's facts against Ansible's own <c>setup</c> module on the same host: every fact Fleet gives has Ansible's value
    /// (memfree_mb moves between the two reads; env is compared on the variables both sessions set the same way; mounts on
    /// Ansible's device, mount, fstype and options; default_ipv4 on the keys Fleet gives).
    /// </summary>
    [LabFact]
    public async Task Facts_SameAsAnsiblesSetupModule()
    {
        var dir = Directory.CreateTempSubdirectory("fleet-facts-").FullName;
        try
        {
            var inventory = Path.Combine(dir, "inventory.ini");
            await File.WriteAllTextAsync(inventory, new DifferentialHarness(lab, AnsibleHost, FleetHost, output).AnsibleInventory());
            var start = new ProcessStartInfo("ansible", ["-i", inventory, FleetHost, "-m", "setup", "--tree", Path.Combine(dir, "tree")])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = dir,
            };
            using (var process = Process.Start(start)!)
            {
                var stderr = process.StandardError.ReadToEndAsync();
                await process.StandardOutput.ReadToEndAsync();
                await process.WaitForExitAsync();
                Assert.True(process.ExitCode == 0, "ansible -m setup failed: " + await stderr);
            }

            using var ansibleJson = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "tree", FleetHost)));
            var ansible = ansibleJson.RootElement.GetProperty("ansible_facts");
            var report = await LabRun.RunAsync(lab, """
                - hosts: all
                  tasks:
                    - name: Facts as Fleet reads them
                      copy: { dest: /tmp/fleet-facts.json, content: "{{ ansible_facts | to_json }}" }
                """, new RunOptions { Limit = FleetHost });
            Assert.Equal(0, report.Hosts.Single().Count(TaskOutcome.Failed));
            using var fleetJson = JsonDocument.Parse(await LabRun.ExecAsync(lab, FleetHost, "cat /tmp/fleet-facts.json"));
            var fleet = fleetJson.RootElement;

            string[] sessionOnly = ["_", "SHLVL", "PWD", "LANG", "LC_ALL", "SSH_CLIENT", "SSH_CONNECTION", "SSH_TTY", "TERM", "MOTD_SHOWN", "PYTHONPATH"];
            var compared = new List<string>();
            foreach (var fact in fleet.EnumerateObject())
            {
                // gather_subset and module_setup carry no ansible_ prefix in Ansible's setup either.
                var theirs = ansible.TryGetProperty("ansible_" + fact.Name, out var value) || ansible.TryGetProperty(fact.Name, out value) ? value : default;
                Assert.True(theirs.ValueKind != JsonValueKind.Undefined, $"Ansible's setup has no ansible_{fact.Name}");
                switch (fact.Name)
                {
                    case "memfree_mb":
                        continue;
                    case "env":
                        var names = fact.Value.EnumerateObject().Select(e => e.Name).Where(n => !sessionOnly.Contains(n) && !n.StartsWith("LC_", StringComparison.Ordinal));
                        foreach (var name in names)
                        {
                            Assert.Equal(theirs.TryGetProperty(name, out var v) ? v.GetString() : "(unset in Ansible's session)", fact.Value.GetProperty(name).GetString());
                        }

                        break;
                    case "mounts":
                        static string Mounts(JsonElement list) => string.Join('\n', list.EnumerateArray()
                            .Select(m => $"{m.GetProperty("device")} {m.GetProperty("mount")} {m.GetProperty("fstype")} {m.GetProperty("options")}").Order(StringComparer.Ordinal));
                        Assert.Equal(Mounts(theirs), Mounts(fact.Value));
                        break;
                    case "interfaces":
                        Assert.Equal(theirs.EnumerateArray().Select(i => i.GetString()).Order(), fact.Value.EnumerateArray().Select(i => i.GetString()).Order());
                        break;
                    case "default_ipv4":
                        foreach (var key in fact.Value.EnumerateObject())
                        {
                            Assert.Equal(theirs.GetProperty(key.Name).ToString(), key.Value.ToString());
                        }

                        break;
                    default:
                        Assert.True(theirs.ToString() == fact.Value.ToString() && theirs.ValueKind == fact.Value.ValueKind, $"ansible_{fact.Name}: Ansible {theirs.GetRawText()}, Fleet {fact.Value.GetRawText()}");
                        break;
                }

                compared.Add(fact.Name);
            }

            output.WriteLine("compared with Ansible's setup: " + string.Join(", ", compared));
            string[] required = ["os_family", "distribution", "distribution_major_version", "distribution_release", "hostname", "architecture", "kernel", "service_mgr", "pkg_mgr", "user_id", "fqdn"];
            Assert.Empty(required.Except(compared));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string CopyCase(string name)
    {
        var source = Path.Combine(CasesDirectory, name);
        var target = Directory.CreateTempSubdirectory("fleet-diff-").FullName;
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        return target;
    }
}
