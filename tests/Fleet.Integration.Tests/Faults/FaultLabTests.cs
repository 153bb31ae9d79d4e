using System.Diagnostics;
using System.Text.Json;
using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Cli;
using Fleet.Integration.Tests.Engine;

namespace Fleet.Integration.Tests.Faults;

/// <summary>
/// Real faults on real hosts: sshd killed mid-run, a host that drops every packet, the dpkg lock held by another process, a full
/// disk, packet loss. Each test names what it breaks and mends it in a finally so the next test finds three healthy hosts.
/// </summary>
[Collection("faults")]
public sealed class FaultLabTests(FaultLab lab) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-fault-test-");

    private string Host(int index) => lab.Info.Hosts[index].Name;

    private Task<string> ExecAsync(string host, string command) => LabRun.ExecAsync(lab, host, command);

    /// <summary>A one-task playbook (`command: "true"` on all hosts): what a fault that is about reaching hosts needs.</summary>
    private async Task<string> TouchPlaybookAsync(string file)
    {
        var playbook = Path.Combine(_dir.FullName, file);
        await System.IO.File.WriteAllTextAsync(playbook, """
            - name: Faults
              hosts: all
              tasks:
                - name: Touch
                  command: "true"
            """);
        return playbook;
    }

    [LabFact]
    public async Task SshdKilledMidRun_ThatHostUnreachableWithTheReason_OthersComplete_NoHalfWrittenFile()
    {
        var victim = Host(1);
        const string File = "/var/tmp/fleet-fault-file";
        foreach (var host in lab.Info.Hosts)
        {
            await ExecAsync(host.Name, $"printf 'old\\n' > {File}");
        }

        var waiting = new TaskStartedSignal(victim, "Wait");
        var playbook = $$"""
            - name: Faults
              hosts: all
              tasks:
                - name: Wait
                  shell: sleep 3
                - name: Write
                  copy: { dest: {{File}}, content: "{{new string('n', 64 * 1024)}}\n" }
            """;
        try
        {
            var running = LabRun.RunAsync(lab, playbook, observer: waiting);
            await waiting.Started.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await ExecAsync(victim, "pkill -KILL -x sshd");

            var report = await running;

            var killed = Assert.Single(report.Hosts, h => h.Name == victim);
            Assert.Equal(HostStatus.Unreachable, killed.Status);
            Assert.Contains("lost", killed.Error, StringComparison.Ordinal);
            Assert.All(report.Hosts.Where(h => h.Name != victim), h => Assert.Equal((HostStatus.Changed, 2), (h.Status, h.Tasks.Count)));
            Assert.Equal(ExitCodes.Unreachable, report.ExitCode);
            Assert.Equal("old\n", await ExecAsync(victim, $"cat {File}"));
            foreach (var host in lab.Info.Hosts.Where(h => h.Name != victim))
            {
                Assert.Equal($"{64 * 1024 + 1}\n", await ExecAsync(host.Name, $"wc -c < {File}"));
            }

            Assert.Equal("", await ExecAsync(victim, "ls -A /var/tmp | grep '^\\.fleet' || true"));
        }
        finally
        {
            await ExecAsync(victim, $"pgrep -x sshd >/dev/null || service ssh start >/dev/null; rm -f {File}");
            foreach (var host in lab.Info.Hosts.Where(h => h.Name != victim))
            {
                await ExecAsync(host.Name, $"rm -f {File}");
            }
        }
    }

    [LabFact]
    public async Task HostThatNeverAnswers_BoundedWait_Exit3_JsonNamesHostAndReason()
    {
        // Not the delayed host: its proxy accepts the connection itself, the fault here is a host that answers nothing at all.
        var silent = Host(1);
        var playbook = await TouchPlaybookAsync("ping.yml");
        var json = Path.Combine(_dir.FullName, "silent.json");
        await ExecAsync(silent, "iptables -I INPUT -j DROP");
        try
        {
            var clock = Stopwatch.StartNew();
            var (exit, stdout, stderr) = await FleetProcess.RunAsync(
                "apply", "-i", lab.Info.InventoryPath, playbook, "--json", json, "--no-progress", "--connect-timeout", "3",
                "--known-hosts", lab.Info.KnownHostsPath, "--host-key-policy", "strict");

            Assert.True(exit == ExitCodes.Unreachable, $"exit {exit}\n{stdout}\n{stderr}");
            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(3), $"gave up after {clock.Elapsed}, before the connect budget");
            using var report = JsonDocument.Parse(await System.IO.File.ReadAllTextAsync(json));
            var hosts = report.RootElement.GetProperty("hosts").EnumerateArray().ToList();
            var host = Assert.Single(hosts, h => h.GetProperty("name").GetString() == silent);
            Assert.Equal("unreachable", host.GetProperty("status").GetString());
            Assert.Contains("timed out", host.GetProperty("error").GetString(), StringComparison.Ordinal);
            // Bounded by --connect-timeout 3, not the default 25 s: the host's own time, which leaves out the process's start (that
            // varies with the machine's load, the budget does not).
            Assert.InRange(host.GetProperty("durationMs").GetInt64(), 2500, 12_000);
            Assert.All(hosts.Where(h => h.GetProperty("name").GetString() != silent), h => Assert.Equal("changed", h.GetProperty("status").GetString()));
        }
        finally
        {
            await ExecAsync(silent, "iptables -D INPUT -j DROP");
        }
    }

    [LabFact]
    public async Task DpkgLockHeldByAnotherProcess_AptWaitsAndSucceeds()
    {
        var host = Host(0);
        const string Package = "debsums";
        // apt and dpkg take fcntl record locks: flock(1) would not stop them, so the holder uses lockf as another apt would.
        const string Hold = "python3 -c 'import fcntl, time; f = open(\"/var/lib/dpkg/lock-frontend\", \"w\"); fcntl.lockf(f, fcntl.LOCK_EX); time.sleep(10)'";
        // Not installed on the machine the hosts overlay (the lab is this category's alone, so it is not removed afterwards).
        Assert.NotEqual("installed", await ExecAsync(host, $"dpkg-query -W -f='${{db:Status-Status}}' {Package} 2>/dev/null || true"));
        try
        {
            await ExecAsync(host, $"setsid {Hold} >/dev/null 2>&1 < /dev/null & sleep 1; pgrep -f '^python3 -c import fcntl' >/dev/null");
            var clock = Stopwatch.StartNew();

            var report = await LabRun.RunAsync(lab, $$"""
                - name: Faults
                  hosts: {{host}}
                  tasks:
                    - name: Package
                      apt: { name: {{Package}}, state: present }
                """);

            var task = Assert.Single(Assert.Single(report.Hosts).Tasks);
            Assert.True(task.Status == TaskOutcome.Changed, $"{task.Status}: {task.Message}");
            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(8), $"finished in {clock.Elapsed}: the lock did not hold it back");
            Assert.StartsWith("install ok installed", await ExecAsync(host, $"dpkg-query -W -f='${{Status}}' {Package}"), StringComparison.Ordinal);
        }
        finally
        {
            await ExecAsync(host, "pkill -f '^python3 -c import fcntl' || true");
        }
    }

    [LabFact]
    public async Task FullDisk_CopyFailsCleanly_OldFileIntact()
    {
        var host = Host(1);
        const string Dir = "/srv/fleet-fault-disk";
        await ExecAsync(host, $"mkdir -p {Dir} && mount -t tmpfs -o size=64k tmpfs {Dir} && printf 'old\\n' > {Dir}/data");
        try
        {
            var report = await LabRun.RunAsync(lab, $$"""
                - name: Faults
                  hosts: {{host}}
                  tasks:
                    - name: Big
                      copy: { src: big.txt, dest: {{Dir}}/data }
                """, new Dictionary<string, string> { ["big.txt"] = new string('x', 256 * 1024) });

            var task = Assert.Single(Assert.Single(report.Hosts).Tasks);
            Assert.Equal(TaskOutcome.Failed, task.Status);
            Assert.Contains("No space left on device", task.Message, StringComparison.Ordinal);
            Assert.Equal("old\n", await ExecAsync(host, $"cat {Dir}/data"));
            Assert.Equal("data\n", await ExecAsync(host, $"ls -A {Dir}"));
        }
        finally
        {
            await ExecAsync(host, $"umount {Dir}; rmdir {Dir}");
        }
    }

    [LabFact]
    public async Task TwoHundredMsRoundTripAndFivePercentLoss_RunCompletesWithCorrectResults()
    {
        var delayed = FaultLab.DelayedHost;
        string[] lossy = [Host(1), delayed];
        const string Rule = "INPUT -m statistic --mode random --probability 0.05 -j DROP";
        const string File = "/var/tmp/fleet-fault-loss";
        var content = string.Concat(Enumerable.Range(0, 4000).Select(i => $"line {i}\n"));
        var playbook = $$"""
            - name: Faults
              hosts: all
              tasks:
                - name: Copy
                  copy: { src: lines.txt, dest: {{File}} }
                - name: Line
                  lineinfile: { path: {{File}}.conf, line: "end", create: true }
                - name: Count
                  command: wc -l {{File}}
            """;
        var files = new Dictionary<string, string> { ["lines.txt"] = content };
        foreach (var host in lossy)
        {
            await ExecAsync(host, $"iptables -I {Rule}");
        }

        try
        {
            var first = await LabRun.RunAsync(lab, playbook, files);
            var again = await LabRun.RunAsync(lab, playbook, files);

            Assert.Equal(FaultLab.Size, first.Hosts.Count);
            foreach (var host in first.Hosts)
            {
                Assert.True(host.Status == HostStatus.Changed, $"{host.Name}: {host.Status} {host.Error}");
                Assert.Equal([TaskOutcome.Changed, TaskOutcome.Changed, TaskOutcome.Changed], host.Tasks.Select(t => t.Status));
                Assert.Equal($"4000 {File}", ((string)host.Tasks[2].Result["stdout"]!).TrimEnd('\n'));
                Assert.Equal(content + "end\n", await ExecAsync(host.Name, $"cat {File} {File}.conf"));
            }

            Assert.All(again.Hosts, h => Assert.Equal([TaskOutcome.Ok, TaskOutcome.Ok, TaskOutcome.Changed], h.Tasks.Select(t => t.Status)));

            // The report's own timings show the round trip: a command is at least one (open a channel, run it), connecting and
            // reading facts several.
            var slow = Assert.Single(first.Hosts, h => h.Name == delayed);
            var rtt = (long)FaultLab.Rtt.TotalMilliseconds;
            Assert.True(slow.Tasks[2].DurationMs >= rtt, $"the command on {delayed} took {slow.Tasks[2].DurationMs} ms, below the {rtt} ms round trip");
            Assert.True(slow.DurationMs >= 3 * rtt, $"{delayed} took {slow.DurationMs} ms from connect to its last task");
        }
        finally
        {
            foreach (var host in lossy)
            {
                await ExecAsync(host, $"iptables -D {Rule}; rm -f {File} {File}.conf");
            }

            await ExecAsync(Host(0), $"rm -f {File} {File}.conf");
        }
    }

    [LabFact]
    public async Task HangingTask_TimeoutEndsItAndItsProcessGroup_OtherHostsComplete()
    {
        var hung = Host(0);
        const string Marker = "sleep 3193";

        // The shell's background child hangs as long as the shell: the timeout must end the whole group, not the shell alone.
        var report = await LabRun.RunAsync(lab, $$"""
            - name: Faults
              hosts: all
              tasks:
                - name: Hangs
                  shell: "{{Marker}} & {{Marker}}; wait"
                  timeout: 2
                  when: inventory_hostname == '{{hung}}'
                - name: After
                  command: echo after
            """);

        var failed = Assert.Single(report.Hosts, h => h.Name == hung);
        Assert.Equal(HostStatus.Failed, failed.Status);
        var task = Assert.Single(failed.Tasks);
        Assert.Equal((TaskOutcome.Failed, "timed out after 2 s"), (task.Status, task.Message));
        Assert.All(report.Hosts.Where(h => h.Name != hung), h => Assert.Equal(
            [("Hangs", TaskOutcome.Skipped), ("After", TaskOutcome.Changed)], h.Tasks.Select(t => (t.Name, t.Status))));
        Assert.Equal(ExitCodes.TaskFailed, report.ExitCode);
        // Read once, right after the run: the run reported the timeout only after the group was gone.
        Assert.Equal("", await ExecAsync(hung, "ps -eo pid,pgid,args | grep '[s]leep 3193' || true"));
    }

    [LabFact]
    public async Task SerialWithMaxFailPercent_UnreachableHostFailsTheBatch_RollingRunStops()
    {
        var down = Host(1);
        var playbook = await TouchPlaybookAsync("rolling.yml");
        var json = Path.Combine(_dir.FullName, "rolling.json");
        // Refused at once: the batch fails by being unreachable, not by a task.
        await ExecAsync(down, "iptables -I INPUT -p tcp --dport 22 -j REJECT --reject-with tcp-reset");
        try
        {
            var (exit, stdout, stderr) = await FleetProcess.RunAsync(
                "apply", "-i", lab.Info.InventoryPath, playbook, "--json", json, "--no-progress", "--serial", "1", "--max-fail-percent", "0",
                "--known-hosts", lab.Info.KnownHostsPath, "--host-key-policy", "strict");

            using var report = JsonDocument.Parse(await System.IO.File.ReadAllTextAsync(json));
            var hosts = report.RootElement.GetProperty("hosts").EnumerateArray()
                .ToDictionary(h => h.GetProperty("name").GetString()!, h => (Status: h.GetProperty("status").GetString(), Error: h.GetProperty("error").GetString() ?? "", Tasks: h.GetProperty("tasks").GetArrayLength()));
            Assert.True(hosts[Host(0)] is ("changed", _, 1), $"{hosts[Host(0)]}\n{stdout}\n{stderr}");
            Assert.Equal("unreachable", hosts[down].Status);
            Assert.Contains("connection refused", hosts[down].Error, StringComparison.Ordinal);
            Assert.True(hosts[Host(2)] is ("failed", _, 0), $"{hosts[Host(2)]}: the batch after the failed one ran");
            Assert.StartsWith("not run", hosts[Host(2)].Error, StringComparison.Ordinal);
            Assert.True(exit is ExitCodes.TaskFailed, $"exit {exit}\n{stdout}\n{stderr}");
        }
        finally
        {
            await ExecAsync(down, "iptables -D INPUT -p tcp --dport 22 -j REJECT --reject-with tcp-reset");
        }
    }

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>Completes when the named task starts on the named host.</summary>
    internal sealed class TaskStartedSignal(string host, string task) : IRunObserver
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void HostStarted(string name) { }

        public void TaskStarted(string name, string play, string started)
        {
            if (name == host && started == task)
            {
                Started.TrySetResult();
            }
        }

        public void TaskFinished(string name, TaskResult result) { }

        public void HostFinished(HostResult result) { }
    }
}
