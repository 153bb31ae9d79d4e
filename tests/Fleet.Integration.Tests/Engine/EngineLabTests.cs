using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Engine;

/// <summary>A temporary directory removed after the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-test-");

    public string Path => _dir.FullName;

    public void Dispose() => _dir.Delete(recursive: true);
}

/// <summary>The engine over real SSH against the shared lab: tasks, idempotence, check mode, parallel hosts, failures.</summary>
[Collection("lab")]
public sealed class EngineLabTests(LabFixture lab)
{
    private const string Converge = """
        - name: Converge
          hosts: all
          tasks:
            - name: Directory
              file: { path: /etc/fleet-engine-test, state: directory, mode: "0755" }
            - name: Config
              copy: { dest: /etc/fleet-engine-test/app.conf, content: "port = 80\n", mode: "0640" }
            - name: Setting
              lineinfile: { path: /etc/fleet-engine-test/other.conf, regexp: '^level', line: "level = high", create: true }
            - name: Once
              command: { cmd: touch /etc/fleet-engine-test/once, creates: /etc/fleet-engine-test/once }
        """;

    [LabFact]
    public async Task Apply_ThenApplyAgain_SecondRunChangesNothing()
    {
        var first = await LabRun.RunAsync(lab, Converge);

        Assert.All(first.Hosts, h => Assert.True(h.Status is HostStatus.Changed or HostStatus.Ok, $"{h.Name}: {h.Status} {h.Error}"));
        Assert.Equal(lab.Info.Hosts.Count, first.Hosts.Count);
        var content = await LabRun.ExecAsync(lab, lab.Info.Hosts[0].Name, "cat /etc/fleet-engine-test/app.conf /etc/fleet-engine-test/other.conf; stat -c %a /etc/fleet-engine-test/app.conf");
        Assert.Equal("port = 80\nlevel = high\n640\n", content);

        var second = await LabRun.RunAsync(lab, Converge);

        Assert.All(second.Hosts, h => Assert.Equal(HostStatus.Ok, h.Status));
        Assert.All(second.Hosts, h => Assert.Equal(0, h.Count(TaskOutcome.Changed)));
        Assert.Equal(ExitCodes.Success, second.ExitCode);
    }

    [LabFact]
    public async Task LabInventory_AdminPublicKey_IsTheKeyFileRootLogsInWith()
    {
        // admin_public_key names a public key file on the controller; the lab's is the key root logs in with.
        var report = await LabRun.RunAsync(lab, """
            - name: Key
              hosts: all
              tasks:
                - name: Lab key is root's authorized key
                  copy: { dest: /root/.ssh/authorized_keys, src: "{{ admin_public_key }}" }
            """, new RunOptions { Mode = "check" });

        Assert.All(report.Hosts, h => Assert.True(h.Status == HostStatus.Ok, $"{h.Name}: {h.Status} {h.Error} {h.Tasks.FirstOrDefault()?.Diff}"));
        Assert.Equal(lab.Info.PublicKeyPath, InventoryLoader.Load(lab.Info.InventoryPath).Hosts[0].Vars["admin_public_key"]);
    }

    [LabFact]
    public async Task Check_FreshHost_DependentTasksAreDriftNotFailures()
    {
        var playbook = """
            - name: Fresh
              hosts: all
              tasks:
                - name: Directory
                  file: { path: /etc/fleet-fresh-test, state: directory }
                - name: Base file
                  copy: { dest: /etc/fleet-fresh-test/app.conf, content: "a = 1\n", force: false }
                - name: Edit one
                  lineinfile: { path: /etc/fleet-fresh-test/app.conf, line: "b = 2" }
                - name: Edit two
                  lineinfile: { path: /etc/fleet-fresh-test/app.conf, regexp: '^a', line: "a = 3" }
                - name: Marker
                  command: { cmd: touch /etc/fleet-fresh-test/marker, creates: /etc/fleet-fresh-test/marker }
                - name: Marker mode
                  file: { path: /etc/fleet-fresh-test/marker, mode: "0600" }
            """;
        var host = lab.Info.Hosts[3].Name;
        await LabRun.ExecAsync(lab, host, "rm -rf /etc/fleet-fresh-test");

        var check = await LabRun.RunAsync(lab, playbook, new RunOptions { Mode = "check", Limit = host });

        var result = Assert.Single(check.Hosts);
        Assert.All(result.Tasks, t => Assert.Equal(TaskOutcome.Changed, t.Status));
        Assert.Contains("-a = 1\n+a = 3", result.Tasks[3].Diff, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Drift, check.ExitCode);
        Assert.Equal("absent\n", await LabRun.ExecAsync(lab, host, "[ -e /etc/fleet-fresh-test ] && echo present || echo absent"));

        var apply = await LabRun.RunAsync(lab, playbook, new RunOptions { Limit = host });
        var again = await LabRun.RunAsync(lab, playbook, new RunOptions { Mode = "check", Limit = host });

        Assert.Equal(HostStatus.Changed, Assert.Single(apply.Hosts).Status);
        Assert.Equal("a = 3\nb = 2\n", await LabRun.ExecAsync(lab, host, "cat /etc/fleet-fresh-test/app.conf"));
        Assert.Equal(ExitCodes.Success, again.ExitCode);
    }

    [LabFact]
    public async Task Check_DriftedHost_ReportsDiffAndChangesNothing()
    {
        await LabRun.RunAsync(lab, Converge);
        var drifted = lab.Info.Hosts[1].Name;
        await LabRun.ExecAsync(lab, drifted, "echo 'level = low' > /etc/fleet-engine-test/app.conf");

        var check = await LabRun.RunAsync(lab, Converge, new RunOptions { Mode = "check" });

        var host = Assert.Single(check.Hosts, h => h.Name == drifted);
        Assert.Equal(HostStatus.Changed, host.Status);
        var changed = host.Tasks.Where(t => t.Status == TaskOutcome.Changed).ToList();
        Assert.Contains(changed, t => t.Diff is { } d && d.Contains("-level = low", StringComparison.Ordinal) && d.Contains("+port = 80", StringComparison.Ordinal));
        Assert.All(check.Hosts.Where(h => h.Name != drifted), h => Assert.Equal(HostStatus.Ok, h.Status));
        Assert.Equal(ExitCodes.Drift, check.ExitCode);
        Assert.Equal("level = low\n", await LabRun.ExecAsync(lab, drifted, "cat /etc/fleet-engine-test/app.conf"));
    }

    [LabFact]
    public async Task Apply_AllHosts_RunInParallel()
    {
        var timing = new TimingObserver();

        var report = await LabRun.RunAsync(lab, """
            - name: Slow
              hosts: all
              tasks:
                - name: Sleep
                  command: sleep 1
            """, observer: timing);

        Assert.All(report.Hosts, h => Assert.Equal(HostStatus.Changed, h.Status));
        // Every host started before any host finished: they ran at the same time, not one after another.
        // (No bound on the wall time: on a loaded machine it says nothing about parallelism, which the overlap above proves.)
        Assert.True(timing.Started.Values.Max() < timing.Finished.Values.Min(), "hosts ran one after another");
    }

    [LabFact]
    public async Task Apply_TaskFailsOnOneHost_OthersFinishAndHandlersRunOnce()
    {
        var failing = lab.Info.Hosts[0].Name;

        var report = await LabRun.RunAsync(lab, $$"""
            - name: Failure on one host
              hosts: all
              tasks:
                - name: Fails on one host
                  command: "false"
                  when: inventory_hostname == '{{failing}}'
                - name: Marker
                  shell: "echo run >> /var/tmp/fleet-handler-test"
                  notify: [count]
                - name: Marker again
                  shell: "echo run >> /var/tmp/fleet-handler-test"
                  notify: count
              handlers:
                - name: count
                  shell: "echo handler >> /var/tmp/fleet-handler-test"
            """);

        var failed = Assert.Single(report.Hosts, h => h.Status == HostStatus.Failed);
        Assert.Equal(failing, failed.Name);
        Assert.Equal(1, failed.Count(TaskOutcome.Failed));
        Assert.Equal(ExitCodes.TaskFailed, report.ExitCode);
        var other = lab.Info.Hosts[1].Name;
        var log = await LabRun.ExecAsync(lab, other, "cat /var/tmp/fleet-handler-test; rm -f /var/tmp/fleet-handler-test");
        Assert.Equal("run\nrun\nhandler\n", log);
        Assert.Equal("absent\n", await LabRun.ExecAsync(lab, failing, "test -e /var/tmp/fleet-handler-test && echo present || echo absent"));
    }

    [LabFact]
    public async Task Apply_UnreachableHostAmongHealthy_OthersConverge()
    {
        using var files = new TempDirectory();
        var inventory = Path.Combine(files.Path, "with-unreachable.yml");
        var text = await File.ReadAllTextAsync(lab.Info.InventoryPath);
        // A real address of the lab with a closed port: connection refused, retried, then unreachable.
        var address = lab.Info.Hosts[0].Address;
        await File.WriteAllTextAsync(inventory, text.TrimEnd() + $"\n        ghost: {{ address: {address}, port: 2 }}\n");

        var report = await LabRun.RunAsync(lab, Converge, inventoryPath: inventory);

        var ghost = Assert.Single(report.Hosts, h => h.Name == "ghost");
        Assert.Equal(HostStatus.Unreachable, ghost.Status);
        Assert.Contains("refused", ghost.Error, StringComparison.OrdinalIgnoreCase);
        Assert.All(report.Hosts.Where(h => h.Name != "ghost"), h => Assert.True(h.Status is HostStatus.Ok or HostStatus.Changed, $"{h.Name}: {h.Status} {h.Error}"));
        Assert.Equal(lab.Info.Hosts.Count + 1, report.Hosts.Count);
        Assert.Equal(ExitCodes.Unreachable, report.ExitCode);
    }

    [LabFact]
    public async Task Apply_FactsShowNoChange_CostsNoFurtherRoundTrip()
    {
        await LabRun.RunAsync(lab, Converge);
        var counter = new CountingConnector(lab);

        var report = await counter.RunAsync(Converge);

        Assert.All(report.Hosts, h => Assert.Equal(HostStatus.Ok, h.Status));
        // One round trip per host: system facts and every task's facts in one script; no task needed another.
        Assert.All(counter.CommandsPerHost.Values, n => Assert.Equal(1, n));
    }

    [LabFact]
    public async Task Apply_SeveralPlays_ConvergedHostCostsOneRoundTrip_AndALaterPlaySeesAnEarlierPlaysChange()
    {
        // Three plays (as site.yml imports one playbook per step): a converged host is read once, with the connect trip, not once
        // per play; and a fact read ahead for play 3 that play 2 changes is read again, not planned on its stale value.
        const string plays = """
            - name: One
              hosts: all
              tasks:
                - name: Directory
                  file: { path: /etc/fleet-plays-test, state: directory, mode: "0755" }
            - name: Two
              hosts: all
              tasks:
                - name: Setting
                  lineinfile: { path: /etc/fleet-plays-test/app.conf, regexp: '^level', line: "level = {{ level }}", create: true }
            - name: Three
              hosts: all
              tasks:
                - name: Read by a later play
                  replace: { path: /etc/fleet-plays-test/app.conf, regexp: '^level = low$', replace: "level = lowered" }
                - name: Sysctl
                  sysctl: { name: net.ipv4.conf.all.log_martians, value: "1", sysctl_file: /etc/fleet-plays-test/sysctl.conf }
            """;
        foreach (var each in lab.Info.Hosts)
        {
            await LabRun.ExecAsync(lab, each.Name, "rm -rf /etc/fleet-plays-test");
        }

        await LabRun.RunAsync(lab, plays.Replace("{{ level }}", "high", StringComparison.Ordinal));

        var counter = new CountingConnector(lab);
        var noop = await counter.RunAsync(plays.Replace("{{ level }}", "high", StringComparison.Ordinal));
        var changedInPlayTwo = await LabRun.RunAsync(lab, plays.Replace("{{ level }}", "low", StringComparison.Ordinal));

        Assert.All(noop.Hosts, h => Assert.Equal(HostStatus.Ok, h.Status));
        Assert.All(counter.CommandsPerHost.Values, n => Assert.Equal(1, n));
        var host = changedInPlayTwo.Hosts[0];
        Assert.Equal(["ok", "changed", "changed", "ok"], host.Tasks.Select(t => t.Status.ToString().ToLowerInvariant()));
        Assert.Equal("level = lowered\n", await LabRun.ExecAsync(lab, host.Name, "cat /etc/fleet-plays-test/app.conf"));
    }
}
