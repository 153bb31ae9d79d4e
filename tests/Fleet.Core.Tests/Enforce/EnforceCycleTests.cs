using Fleet.Core.Modules;
using Fleet.Core.Tests.Execution;
using Fleet.Enforce;

namespace Fleet.Core.Tests.Enforce;

/// <summary>Enforce cycles over the local shell: repair, check, the --max-changed-hosts guard, and invalid edits.</summary>
public sealed class EnforceCycleTests : IDisposable
{
    private readonly TempFiles _files = new();
    private readonly LocalShellConnector _local = new();

    private string Dest(string host) => Path.Combine(_files.Dir, host + ".conf");

    private string PlaybookText => $$$"""
        - name: Config
          hosts: all
          tasks:
            - name: config file
              copy: { dest: "{{{_files.Dir}}}/{{ inventory_hostname }}.conf", content: "wanted\n" }
        """;

    private EnforceCycle Cycle(string mode = "apply", int? maxChangedHosts = null) => new(
        new EnforceOptions
        {
            Inventory = _files.Write("inventory.yml", "all:\n  hosts:\n    h1: { address: 127.0.0.1 }\n    h2: { address: 127.0.0.1 }\n    h3: { address: 127.0.0.1 }\n"),
            Playbooks = [_files.Write("pb.yml", PlaybookText)],
            StateDir = Path.Combine(_files.Dir, "state"),
            Mode = mode,
            MaxChangedHosts = maxChangedHosts,
        },
        ModuleCatalog.Default,
        _ => _local);

    [Fact]
    public async Task Apply_RepairsWhatWasBrokenByHand_OnTheNextCycle()
    {
        await using var cycle = Cycle();

        var first = await cycle.RunAsync(CancellationToken.None);
        var quiet = await cycle.RunAsync(CancellationToken.None);
        await File.WriteAllTextAsync(Dest("h2"), "broken\n");
        var repair = await cycle.RunAsync(CancellationToken.None);

        Assert.Equal(CycleOutcome.Repaired, first.Outcome);
        Assert.Equal(3, first.Count(CycleHostStatus.Repaired));
        Assert.Equal(CycleOutcome.Ok, quiet.Outcome);
        Assert.Equal(0, quiet.DriftedTasks);
        Assert.Equal(CycleOutcome.Repaired, repair.Outcome);
        var h2 = Assert.Single(repair.Hosts, h => h.Status == CycleHostStatus.Repaired);
        Assert.Equal("h2", h2.Name);
        Assert.Equal(["Config: config file"], h2.DriftedTasks);
        Assert.Equal("wanted\n", await File.ReadAllTextAsync(Dest("h2")));
        Assert.Single(_local.Events, e => e == "connect h2");
    }

    [Fact]
    public async Task Check_ReportsDrift_ChangesNothing()
    {
        await using var cycle = Cycle(mode: "check");

        var report = await cycle.RunAsync(CancellationToken.None);

        Assert.Equal(CycleOutcome.Drift, report.Outcome);
        Assert.Equal(3, report.Count(CycleHostStatus.Drifted));
        Assert.Equal(3, report.DriftedTasks);
        Assert.NotNull(report.Plan);
        Assert.Null(report.Applied);
        Assert.False(File.Exists(Dest("h1")));
    }

    [Fact]
    public async Task Guard_MoreHostsWouldChangeThanAllowed_ChangesNoneAndReports()
    {
        await using var cycle = Cycle(maxChangedHosts: 2);

        var report = await cycle.RunAsync(CancellationToken.None);

        Assert.Equal(CycleOutcome.Guarded, report.Outcome);
        Assert.Equal(3, report.PlannedChangedHosts);
        Assert.Equal(3, report.Count(CycleHostStatus.Drifted));
        Assert.Null(report.Applied);
        Assert.All(["h1", "h2", "h3"], h => Assert.False(File.Exists(Dest(h))));
        Assert.Contains("\"tripped\": true", EnforceState.ToJson(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Guard_FewEnoughHostsDrifted_AppliesToThoseHostsOnly()
    {
        await File.WriteAllTextAsync(Dest("h1"), "wanted\n");
        await File.WriteAllTextAsync(Dest("h3"), "wanted\n");
        await using var cycle = Cycle(maxChangedHosts: 1);

        var report = await cycle.RunAsync(CancellationToken.None);

        Assert.Equal(CycleOutcome.Repaired, report.Outcome);
        Assert.Equal(1, report.PlannedChangedHosts);
        Assert.Equal(["h2"], report.Applied!.Hosts.Select(h => h.Name));
        Assert.Equal([CycleHostStatus.Ok, CycleHostStatus.Repaired, CycleHostStatus.Ok], report.Hosts.Select(h => h.Status));
        Assert.Equal("wanted\n", await File.ReadAllTextAsync(Dest("h2")));
    }

    [Fact]
    public async Task InvalidEdit_KeepsTheLastValidVersionRunning_AndReportsWhere()
    {
        await using var cycle = Cycle();
        cycle.Start();
        var playbook = Path.Combine(_files.Dir, "pb.yml");
        await File.WriteAllTextAsync(playbook, PlaybookText.Replace("copy:", "copyy:", StringComparison.Ordinal));

        var report = await cycle.RunAsync(CancellationToken.None);
        await File.WriteAllTextAsync(playbook, PlaybookText);
        var fixedUp = await cycle.RunAsync(CancellationToken.None);

        var error = Assert.Single(report.InputErrors);
        Assert.StartsWith(playbook + ":5:", error, StringComparison.Ordinal);
        Assert.Contains("copyy", error, StringComparison.Ordinal);
        Assert.Equal(CycleOutcome.Repaired, report.Outcome);
        Assert.Equal("wanted\n", await File.ReadAllTextAsync(Dest("h1")));
        Assert.Empty(fixedUp.InputErrors);
    }

    [Fact]
    public async Task InvalidInputAtStart_IsThrown_TheServiceDoesNotStart()
    {
        await using var cycle = Cycle();
        await File.WriteAllTextAsync(Path.Combine(_files.Dir, "pb.yml"), "- name: x\n  hosts: nosuchgroup\n  tasks: []\n");

        var ex = Assert.Throws<FleetInputException>(() => cycle.Start());

        Assert.Contains("nosuchgroup", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RolesPath_RolesOutsideThePlaybooksDirectory_AreFound()
    {
        _files.Write("shared-roles/config/tasks/main.yml", $$$"""
            - name: config file
              copy: { dest: "{{{_files.Dir}}}/{{ inventory_hostname }}.conf", content: "wanted\n" }
            """);
        var options = new EnforceOptions
        {
            Inventory = _files.Write("inventory.yml", "all:\n  hosts:\n    h1: { address: 127.0.0.1 }\n"),
            Playbooks = [_files.Write("play/pb.yml", "- name: Config\n  hosts: all\n  roles: [config]\n")],
            StateDir = Path.Combine(_files.Dir, "state"),
            Mode = "apply",
        };
        await using var without = new EnforceCycle(options, ModuleCatalog.Default, _ => _local);
        await using var with = new EnforceCycle(options with { RolesPath = Path.Combine(_files.Dir, "shared-roles") }, ModuleCatalog.Default, _ => _local);

        var ex = Assert.Throws<FleetInputException>(() => without.Start());
        var report = await with.RunAsync(CancellationToken.None);

        Assert.Contains("config", ex.Message, StringComparison.Ordinal);
        Assert.Equal(CycleOutcome.Repaired, report.Outcome);
        Assert.Equal("wanted\n", await File.ReadAllTextAsync(Dest("h1")));
    }

    public void Dispose() => _files.Dispose();
}
