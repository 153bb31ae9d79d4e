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

/// <summary>A play recap as ansible-playbook counts it.</summary>
internal sealed record Recap(int Ok, int Changed, int Failed, int Skipped, int Rescued, int Ignored);

/// <summary>What both tools are given besides the playbook: a roles path, extra variables, an environment for ansible-playbook.</summary>
internal sealed record DifferentialInputs
{
    /// <summary>Directories searched for roles (ANSIBLE_ROLES_PATH, Fleet's roles path). The default is none.</summary>
    public IReadOnlyList<string> RolesPath { get; init; } = [];

    /// <summary>Extra variables, highest precedence on both sides. The default is none.</summary>
    public IReadOnlyDictionary<string, object?> ExtraVars { get; init; } = new Dictionary<string, object?>();

    /// <summary>Environment of ansible-playbook (ANSIBLE_COLLECTIONS_PATH…). The default is none.</summary>
    public IReadOnlyDictionary<string, string> AnsibleEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>The inventory ansible-playbook reads. The default is null: the lab's, as <see cref="DifferentialHarness.AnsibleInventory"/> writes it.</summary>
    public string? AnsibleInventory { get; init; }

    /// <summary>The inventory Fleet reads. The default is null: the lab's.</summary>
    public string? FleetInventory { get; init; }
}

/// <summary>The two runs of one playbook, side by side.</summary>
internal sealed record Comparison(
    Recap Ansible, Recap Fleet, List<(string Name, string Status)> FleetTasks, string FleetState, double AnsibleSeconds, double FleetSeconds, int FleetRoundTrips);

/// <summary>
/// One differential run: a playbook with ansible-playbook on one lab host and with Fleet on its twin; the per-task statuses, the
/// recap and what a state script prints on each host must be equal.
/// </summary>
internal sealed class DifferentialHarness(LabFixtureBase lab, string ansibleHost, string fleetHost, ITestOutputHelper output)
{
    /// <summary>Runs both sides and asserts that statuses, recap and state agree.</summary>
    public async Task<Comparison> CompareAsync(string playbook, string dir, string stateScript, string what, DifferentialInputs? inputs = null)
    {
        inputs ??= new DifferentialInputs();
        var ansible = await RunAnsibleAsync(playbook, dir, inputs);
        var fleet = await RunFleetAsync(playbook, inputs);
        output.WriteLine($"{what}: ansible {ansible.Recap} in {ansible.Seconds:0.00} s; Fleet {fleet.Recap} in {fleet.Seconds:0.00} s");
        Assert.Equal(Lines(ansible.Tasks), Lines(fleet.Tasks));
        Assert.Equal(ansible.Recap, fleet.Recap);

        // What Ansible censors (no_log), Fleet's report hides too: no output, no module data.
        foreach (var censored in ansible.Censored)
        {
            var reported = fleet.Report.Tasks.First(t => t.Name == censored);
            Assert.False(reported.Result.ContainsKey("stdout"), $"no_log task '{censored}' reports its output");
        }

        var ansibleState = await LabRun.ExecAsync(lab, ansibleHost, stateScript + "\ntrue");
        var fleetState = await LabRun.ExecAsync(lab, fleetHost, stateScript + "\ntrue");
        Assert.True(ansibleState == fleetState, $"{what}: the hosts differ (- {ansibleHost} by ansible-playbook, + {fleetHost} by Fleet):\n{LineDifferences(ansibleState, fleetState)}");
        return new Comparison(ansible.Recap, fleet.Recap, fleet.Tasks, fleetState, ansible.Seconds, fleet.Seconds, fleet.RoundTrips);

        static string Lines(IEnumerable<(string Name, string Status)> tasks) => string.Join('\n', tasks.Select(t => $"{t.Status,-8} {t.Name}"));
    }

    /// <summary>The lines only one side printed, in order ("- " Ansible's host, "+ " Fleet's): a readable account of a long state.</summary>
    public static string LineDifferences(string ansible, string fleet)
    {
        var theirs = ansible.Split('\n');
        var ours = fleet.Split('\n');
        var text = new StringBuilder();
        foreach (var line in theirs.Except(ours, StringComparer.Ordinal))
        {
            text.Append("- ").AppendLine(line);
        }

        foreach (var line in ours.Except(theirs, StringComparer.Ordinal))
        {
            text.Append("+ ").AppendLine(line);
        }

        return text.ToString();
    }

    private async Task<(List<(string Name, string Status)> Tasks, Recap Recap, double Seconds, List<string> Censored)> RunAnsibleAsync(string playbook, string dir, DifferentialInputs inputs)
    {
        var inventory = inputs.AnsibleInventory ?? Path.Combine(dir, "ansible-inventory.ini");
        if (inputs.AnsibleInventory is null)
        {
            await File.WriteAllTextAsync(inventory, AnsibleInventory());
        }
        var arguments = new List<string> { "-i", inventory, "--limit", ansibleHost, playbook };
        if (inputs.ExtraVars.Count > 0)
        {
            arguments.AddRange(["-e", JsonSerializer.Serialize(inputs.ExtraVars)]);
        }

        var start = new ProcessStartInfo("ansible-playbook", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dir,
        };
        start.Environment["ANSIBLE_STDOUT_CALLBACK"] = "ansible.posix.json";
        start.Environment["ANSIBLE_NOCOLOR"] = "1";
        start.Environment["ANSIBLE_RETRY_FILES_ENABLED"] = "0";
        if (inputs.RolesPath.Count > 0)
        {
            start.Environment["ANSIBLE_ROLES_PATH"] = string.Join(':', inputs.RolesPath);
        }

        foreach (var (name, value) in inputs.AnsibleEnvironment)
        {
            start.Environment[name] = value;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        using var json = JsonDocument.Parse(await stdout);
        var tasks = new List<(string, string)>();
        var censored = new List<string>();
        var gathering = 0;
        foreach (var play in json.RootElement.GetProperty("plays").EnumerateArray())
        {
            foreach (var task in play.GetProperty("tasks").EnumerateArray())
            {
                var name = task.GetProperty("task").GetProperty("name").GetString()!;
                foreach (var host in task.GetProperty("hosts").EnumerateObject())
                {
                    if (name == "Gathering Facts")
                    {
                        gathering++; // Fleet reads its facts with the connect round trip: no task
                        continue;
                    }

                    var r = host.Value;
                    if (r.TryGetProperty("censored", out _))
                    {
                        censored.Add(name);
                    }

                    bool Flag(string key) => r.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.True;
                    tasks.Add((name, Flag("failed") ? "failed" : Flag("skipped") ? "skipped" : Flag("changed") ? "changed" : "ok"));
                }
            }
        }

        var stats = json.RootElement.GetProperty("stats").GetProperty(ansibleHost);
        int Stat(string key) => stats.GetProperty(key).GetInt32();
        Assert.True(Stat("unreachable") == 0, "ansible could not reach the host: " + await stderr);
        return (tasks, new Recap(Stat("ok") - gathering, Stat("changed"), Stat("failures"), Stat("skipped"), Stat("rescued"), Stat("ignored")), seconds, censored);
    }

    private async Task<(List<(string Name, string Status)> Tasks, Recap Recap, double Seconds, int RoundTrips, HostResult Report)> RunFleetAsync(string playbook, DifferentialInputs inputs)
    {
        var connector = new CountingConnector(lab);
        // group_vars/ and host_vars/ beside the playbook too, as ansible-playbook reads them (RunInputs does the same for the CLI).
        var inventory = InventoryLoader.Load(inputs.FleetInventory ?? lab.Info.InventoryPath, [], Path.GetDirectoryName(playbook));
        var loaded = PlaybookLoader.Load(playbook, ModuleCatalog.Default, inputs.RolesPath.Count > 0 ? inputs.RolesPath : null);
        Assert.Empty(PlaybookValidator.Validate([loaded], inventory, inputs.ExtraVars, ModuleCatalog.Default));
        var clock = Stopwatch.StartNew();
        var options = new RunOptions { Limit = fleetHost, ExtraVars = inputs.ExtraVars };
        var report = await new PlaybookRunner(connector, ModuleCatalog.Default).RunAsync(inventory, [loaded], options, CancellationToken.None);
        var seconds = clock.Elapsed.TotalSeconds;
        var host = Assert.Single(report.Hosts);
        var tasks = host.Tasks.Select(t => (t.Name, t.Status.ToString().ToLowerInvariant())).ToList();

        // Ansible counts a changed task as ok too, and an ignored failure as ok (and as changed when its result says it changed,
        // as a command that ran and failed does).
        var recap = new Recap(
            host.Tasks.Where(t => t.Status is TaskOutcome.Ok or TaskOutcome.Changed || t.Ignored).Sum(t => t.Tally),
            host.Tasks.Count(t => t.Status == TaskOutcome.Changed || (t.Ignored && t.Result.TryGetValue("changed", out var changed) && changed is true)),
            host.Count(TaskOutcome.Failed),
            host.Count(TaskOutcome.Skipped),
            host.Tasks.Count(t => t.Rescued),
            host.Tasks.Count(t => t.Ignored));
        return (tasks, recap, seconds, connector.CommandsPerHost.GetValueOrDefault(fleetHost), host);
    }

    /// <summary>The lab's hosts and groups in Ansible's INI inventory, with the lab's key and known_hosts.</summary>
    public string AnsibleInventory()
    {
        var inventory = InventoryLoader.Load(lab.Info.InventoryPath);
        var text = new StringBuilder();
        text.AppendLine("[all:vars]");
        text.AppendLine("ansible_user=root");
        text.AppendLine($"ansible_ssh_private_key_file={lab.Info.PrivateKeyPath}");
        text.AppendLine($"ansible_ssh_common_args='-o UserKnownHostsFile={lab.Info.KnownHostsPath} -o StrictHostKeyChecking=yes'");
        text.AppendLine("ansible_python_interpreter=/usr/bin/python3");
        foreach (var group in inventory.Hosts.SelectMany(h => h.Groups).Where(g => g != "all").Distinct())
        {
            text.AppendLine($"[{group}]");
            foreach (var host in inventory.Hosts.Where(h => h.Groups.Contains(group)))
            {
                text.AppendLine($"{host.Name} ansible_host={lab.Info.Hosts.Single(h => h.Name == host.Name).Address}");
            }
        }

        return text.ToString();
    }
}
