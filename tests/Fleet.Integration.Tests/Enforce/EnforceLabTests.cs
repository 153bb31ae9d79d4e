using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Fleet.Integration.Tests.Cli;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Enforce;

/// <summary>
/// <c>fleet enforce --mode apply</c> as a process on three lab hosts: a firewall rule broken by hand is repaired by the next
/// cycle, the metrics show the drift and the repair, a connection the host dropped is opened again, and SIGTERM during a
/// cycle lets it finish and write its report.
/// </summary>
[Collection("lab")]
public sealed class EnforceLabTests(LabFixture lab) : IDisposable
{
    private const string Marker = "4173";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-enforce-test-");
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private List<string> Hosts => lab.Info.Hosts.Take(3).Select(h => h.Name).ToList();

    [LabFact]
    public async Task ApplyEvery2s_RepairsAHandBrokenFirewallRule_MetricsShowIt_SigtermLetsTheCycleFinish()
    {
        await Task.WhenAll(Hosts.Select(h => LabRun.ExecAsync(lab, h, "DEBIAN_FRONTEND=noninteractive apt-get install -y -q ufw >/dev/null")));
        Process? process = null;
        try
        {
            var playbook = Path.Combine(_dir.FullName, "enforced.yml");
            await File.WriteAllTextAsync(playbook, $$"""
                - name: Enforced
                  hosts: all
                  tasks:
                    - name: web port open
                      ufw: { rule: allow, port: "8080", proto: tcp, comment: fleet enforce test }
                    - name: a moment of work, so that SIGTERM finds a cycle running
                      shell: sleep 1.{{Marker}}
                      changed_when: false
                """);
            var state = Path.Combine(_dir.FullName, "state");
            var port = FreePort();
            process = Start("enforce", "-i", lab.Info.InventoryPath, playbook, "--limit", string.Join(":", Hosts), "--every", "2s", "--mode", "apply",
                "--state-dir", state, "--metrics-listen", $"127.0.0.1:{port}", "--shutdown-grace", "20s");
            var output = process.StandardError.ReadToEndAsync();
            var metrics = $"http://127.0.0.1:{port}/metrics";

            // The first cycle adds the rule everywhere; a later one finds nothing to do.
            var converged = await PollAsync(() => Latest(state), r => r.GetProperty("outcome").GetString() == "ok", process, output);
            Assert.All(await Task.WhenAll(Hosts.Select(h => LabRun.ExecAsync(lab, h, "ufw show added"))), rules => Assert.Contains("allow 8080/tcp", rules, StringComparison.Ordinal));

            var broken = Hosts[1];
            await LabRun.ExecAsync(lab, broken, "ufw delete allow 8080/tcp >/dev/null");

            // The next cycle finds the drift on that host alone and repairs it; the metrics of that cycle say so.
            var repaired = await PollAsync(() => Latest(state), r => r.GetProperty("cycle").GetInt64() > converged.GetProperty("cycle").GetInt64() && r.GetProperty("outcome").GetString() == "repaired", process, output);
            var hosts = repaired.GetProperty("hosts").EnumerateArray().ToDictionary(h => h.GetProperty("name").GetString()!, h => h.GetProperty("status").GetString());
            Assert.Equal("repaired", hosts[broken]);
            Assert.All(Hosts.Where(h => h != broken), h => Assert.Equal("ok", hosts[h]));
            Assert.Contains("allow 8080/tcp", await LabRun.ExecAsync(lab, broken, "ufw show added"), StringComparison.Ordinal);
            var scrape = await PollAsync(() => Http.GetStringAsync(metrics), m => m.Contains("fleet_hosts{status=\"repaired\"} 1", StringComparison.Ordinal), process, output);
            Assert.Contains("fleet_drifted_tasks 1", scrape, StringComparison.Ordinal);
            Assert.Contains("fleet_hosts{status=\"ok\"} 2", scrape, StringComparison.Ordinal);
            Assert.Contains("fleet_unreachable_hosts 0", scrape, StringComparison.Ordinal);
            Assert.Contains($"fleet_host_last_success_timestamp_seconds{{host=\"{broken}\"}}", scrape, StringComparison.Ordinal);
            Assert.Matches(@"fleet_repaired_hosts_total 4\b", scrape); // three at the first cycle, one now
            Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync($"http://127.0.0.1:{port}/healthz")).StatusCode);
            using var history = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(state, "hosts.json")));
            Assert.Equal(repaired.GetProperty("startedAt").GetString(), history.RootElement.GetProperty("hosts").GetProperty(broken).GetProperty("lastRepaired").GetString());

            // A connection the host dropped between cycles is opened again (retry pipeline, host key checked): no unreachable host.
            var dropped = Hosts[0];
            await LabRun.ExecAsync(lab, dropped, "pkill -f 'sshd: root@nott[y]'");
            var reconnected = await PollAsync(() => Latest(state), r => r.GetProperty("cycle").GetInt64() > repaired.GetProperty("cycle").GetInt64() + 1, process, output);
            Assert.Equal("ok", reconnected.GetProperty("outcome").GetString());

            // SIGTERM while a cycle runs: it finishes within the grace period, its report is written, the service exits 0.
            var before = Latest(state).GetProperty("cycle").GetInt64();
            await HostProcessTable.WaitUntilRunningAsync(lab, Hosts, $"sleep 1.{Marker}");
            var clock = Stopwatch.StartNew();
            await MachineProcess.RunAsync("kill", "-TERM", process.Id.ToString(CultureInfo.InvariantCulture));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
            var log = await output;

            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {log}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {clock.Elapsed}");
            Assert.Contains("stopping: the running cycle has 20 s to finish", log, StringComparison.Ordinal);
            var last = Latest(state);
            Assert.Equal(before + 1, last.GetProperty("cycle").GetInt64());
            Assert.Equal("ok", last.GetProperty("outcome").GetString());
            Assert.False(last.GetProperty("apply").GetProperty("interrupted").GetBoolean());
            Assert.Single(Directory.GetFiles(Path.Combine(state, "reports")), f => f.EndsWith($"-{before + 1:D6}.json", StringComparison.Ordinal));
            Fleet.Tests.ReportSchema.AssertValid(last.GetProperty("apply").GetRawText());
        }
        finally
        {
            if (process is { HasExited: false })
            {
                process.Kill();
            }

            process?.Dispose();
            await Task.WhenAll(Hosts.Select(h => LabRun.ExecAsync(lab, h, """
                ufw --force reset >/dev/null 2>&1 || true
                DEBIAN_FRONTEND=noninteractive apt-get purge -y -q ufw >/dev/null 2>&1 || true
                rm -rf /etc/ufw
                """)));
        }
    }

    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = false, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fleet.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NO_COLOR"] = "1";
        return Process.Start(start) ?? throw new InvalidOperationException("could not start fleet");
    }

    /// <summary>latest.json's root, or default while there is none yet.</summary>
    private static JsonElement Latest(string state)
    {
        var path = Path.Combine(state, "latest.json");
        if (!File.Exists(path))
        {
            return default;
        }

        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.Clone();
    }

    /// <summary>Polls until <paramref name="done"/> holds (30 s at most); fails early with the service's log when it exited.</summary>
    private static async Task<T> PollAsync<T>(Func<T> read, Func<T, bool> done, Process process, Task<string> output) =>
        await PollAsync(() => Task.FromResult(read()), done, process, output);

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done, Process process, Task<string> output)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                Assert.Fail($"fleet enforce exited {process.ExitCode}: {await output}");
            }

            try
            {
                var value = await read();
                if (value is not JsonElement { ValueKind: JsonValueKind.Undefined } && done(value))
                {
                    return value;
                }
            }
            catch (HttpRequestException)
            {
                // The endpoint is not bound yet.
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "timed out waiting for the service");
            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose() => _dir.Delete(recursive: true);
}

/// <summary>
/// enforce without the lab: it refuses to start on invalid input (exit 1, the location named) before any host is contacted, and
/// under systemd (NOTIFY_SOCKET) it says READY=1 and STOPPING=1 and writes journald priorities.
/// </summary>
public sealed class EnforceServiceTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-enforce-input-test-");

    [Fact]
    public async Task UnderSystemd_NotifiesReadyAndStopping_LogsWithJournaldPriorities_UnreachableHostReported()
    {
        var inventory = Path.Combine(_dir.FullName, "inv.yml");
        var playbook = Path.Combine(_dir.FullName, "pb.yml");
        var key = Path.Combine(_dir.FullName, "id");
        await File.WriteAllTextAsync(key, "not a key: the host is reported unreachable for it\n");
        await File.WriteAllTextAsync(inventory, $"all:\n  hosts:\n    closed: {{ address: 127.0.0.1, port: 1, identity_file: {key} }}\n");
        await File.WriteAllTextAsync(playbook, "- name: P\n  hosts: all\n  tasks:\n    - name: t\n      file: { path: /tmp/x, state: directory }\n");
        var socketPath = Path.Combine(_dir.FullName, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        var state = Path.Combine(_dir.FullName, "state");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "fleet.dll"), "enforce", "-i", inventory, playbook, "--every", "1h", "--state-dir", state, "--metrics-listen", "off", "--shutdown-grace", "0s" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NOTIFY_SOCKET"] = socketPath;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            Assert.Equal("READY=1", await ReceiveAsync(notify));
            var first = Path.Combine(state, "latest.json");
            var clock = Stopwatch.StartNew();
            while (!File.Exists(first) && clock.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
            {
                await Task.Delay(100);
            }

            await MachineProcess.RunAsync("kill", "-TERM", process.Id.ToString(CultureInfo.InvariantCulture));
            Assert.Equal("STOPPING=1", await ReceiveAsync(notify));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);

            var log = await stdout;
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {log} {await stderr}");
            Assert.Contains("\n<3>closed: unreachable: ", "\n" + log, StringComparison.Ordinal);
            Assert.Contains("\n<6>cycle 1 failed: 1 hosts", "\n" + log, StringComparison.Ordinal);
            Assert.DoesNotMatch(@"(^|\n)\d\d:\d\d:\d\d ", log); // journald adds the time
            using var report = JsonDocument.Parse(await File.ReadAllTextAsync(first));
            Assert.Equal("unreachable", report.RootElement.GetProperty("hosts")[0].GetProperty("status").GetString());
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, read).Trim();
    }

    [Fact]
    public async Task InvalidPlaybookAtStart_Exit1_WithFileLineColumn()
    {
        var inventory = Path.Combine(_dir.FullName, "inv.yml");
        var playbook = Path.Combine(_dir.FullName, "pb.yml");
        await File.WriteAllTextAsync(inventory, "all:\n  hosts:\n    h1: { address: 192.0.2.1 }\n");
        await File.WriteAllTextAsync(playbook, "- name: P\n  hosts: all\n  tasks:\n    - name: t\n      nosuchmodule: {}\n");

        var (exit, _, stderr) = await FleetProcess.RunAsync("enforce", "-i", inventory, playbook, "--state-dir", Path.Combine(_dir.FullName, "state"), "--metrics-listen", "off");

        Assert.True(exit == 1, $"exit {exit}: {stderr}");
        Assert.Contains($"{playbook}:5:7", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidOptions_Exit1_EveryProblemNamed()
    {
        var (exit, _, stderr) = await FleetProcess.RunAsync("enforce", "-i", "x.yml", "pb.yml", "--every", "often", "--mode", "fix", "--state-dir", Path.Combine(_dir.FullName, "state"));

        Assert.True(exit == 1, $"exit {exit}: {stderr}");
        Assert.Contains("Every must be a duration", stderr, StringComparison.Ordinal);
        Assert.Contains("Mode (--mode) must be check or apply, not 'fix'", stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
