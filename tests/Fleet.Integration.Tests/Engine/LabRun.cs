using System.Collections.Concurrent;
using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Reports;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Lab;
using Fleet.Ssh;
using Fleet.Tests;

namespace Fleet.Integration.Tests.Engine;

/// <summary>Runs a playbook text against the shared test lab over real SSH and returns the report.</summary>
internal static class LabRun
{
    /// <summary>Writes <paramref name="playbookYaml"/> to a temp file and applies (or checks) it on the lab.</summary>
    public static Task<RunReport> RunAsync(LabFixtureBase lab, string playbookYaml, RunOptions? options = null, IRunObserver? observer = null, string? inventoryPath = null) =>
        RunAsync(lab, playbookYaml, new Dictionary<string, string>(), options, observer, inventoryPath);

    /// <summary>Like <see cref="RunAsync(LabFixtureBase, string, RunOptions?, IRunObserver?, string?)"/>, with more files beside the playbook (relative path → text), such as templates/x.j2.</summary>
    public static async Task<RunReport> RunAsync(LabFixtureBase lab, string playbookYaml, IReadOnlyDictionary<string, string> files, RunOptions? options = null, IRunObserver? observer = null, string? inventoryPath = null)
    {
        var dir = Directory.CreateTempSubdirectory("fleet-engine-test-");
        try
        {
            foreach (var (relative, text) in files)
            {
                var file = Path.Combine(dir.FullName, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                await File.WriteAllTextAsync(file, text);
            }

            var path = Path.Combine(dir.FullName, "playbook.yml");
            await File.WriteAllTextAsync(path, playbookYaml);
            return await RunFileAsync(lab, path, options, observer, inventoryPath);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Applies (or checks) a playbook file, with its imports, on the lab.</summary>
    public static async Task<RunReport> RunFileAsync(LabFixtureBase lab, string path, RunOptions? options = null, IRunObserver? observer = null, string? inventoryPath = null)
    {
        var inventory = InventoryLoader.Load(inventoryPath ?? lab.Info.InventoryPath);
        var playbook = PlaybookLoader.Load(path, ModuleCatalog.Default);
        options ??= new RunOptions();
        var errors = PlaybookValidator.Validate([playbook], inventory, options.ExtraVars, ModuleCatalog.Default);
        Assert.Empty(errors);
        var connector = new SshConnector(new SshOptions { KnownHostsPath = lab.Info.KnownHostsPath, HostKeyPolicy = HostKeyPolicy.Strict });
        var report = await new PlaybookRunner(connector, ModuleCatalog.Default, observer).RunAsync(inventory, [playbook], options, CancellationToken.None);

        // Every report of a real run over SSH must also be a valid fleet-report/3 (hostKey, facts, audit as hosts give them).
        ReportSchema.AssertValid(JsonReportWriter.ToJson(report));
        return report;
    }

    /// <summary>Waits until a host's sshd accepts TCP connections again (sshd re-executes itself on SIGHUP: a moment without a listener).</summary>
    public static async Task WaitUntilListeningAsync(string address, int port)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(address, port);
                return;
            }
            catch (System.Net.Sockets.SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Runs a shell command inside a lab host without SSH (to inspect or disturb it).</summary>
    public static async Task<string> ExecAsync(LabFixtureBase lab, string host, string command)
    {
        var (exit, stdout, stderr) = await Fleet.Lab.Lab.ExecAsync(lab.Info.Dir, host, command, CancellationToken.None);
        Assert.True(exit == 0, $"'{command}' on {host} exited {exit}: {stderr}");
        return stdout;
    }
}

/// <summary>Records when each host started and finished, to prove hosts ran at the same time.</summary>
internal sealed class TimingObserver : IRunObserver
{
    public ConcurrentDictionary<string, DateTime> Started { get; } = new();

    public ConcurrentDictionary<string, DateTime> Finished { get; } = new();

    public void HostStarted(string host) => Started[host] = DateTime.UtcNow;

    public void TaskStarted(string host, string play, string task) { }

    public void TaskFinished(string host, TaskResult result) { }

    public void HostFinished(HostResult result) => Finished[result.Name] = DateTime.UtcNow;
}

/// <summary>An SSH connector that counts the commands each host receives (round trips).</summary>
internal sealed class CountingConnector(LabFixtureBase lab) : IConnector
{
    private readonly SshConnector _inner = new(new SshOptions { KnownHostsPath = lab.Info.KnownHostsPath, HostKeyPolicy = HostKeyPolicy.Strict });

    public ConcurrentDictionary<string, int> CommandsPerHost { get; } = new();

    public async Task<IHostConnection> ConnectAsync(HostTarget target, CancellationToken cancellationToken) =>
        new Counting(await _inner.ConnectAsync(target, cancellationToken), this);

    public async Task<RunReport> RunAsync(string playbookYaml)
    {
        var dir = Directory.CreateTempSubdirectory("fleet-engine-test-");
        try
        {
            var path = Path.Combine(dir.FullName, "playbook.yml");
            await File.WriteAllTextAsync(path, playbookYaml);
            var inventory = InventoryLoader.Load(lab.Info.InventoryPath);
            var playbook = PlaybookLoader.Load(path, ModuleCatalog.Default);
            return await new PlaybookRunner(this, ModuleCatalog.Default).RunAsync(inventory, [playbook], new RunOptions(), CancellationToken.None);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private sealed class Counting(IHostConnection inner, CountingConnector owner) : IHostConnection
    {
        public HostTarget Target => inner.Target;

        public string HostKeyFingerprint => inner.HostKeyFingerprint;

        public string? KeyExchange => inner.KeyExchange;

        public Task<CommandResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
        {
            owner.CommandsPerHost.AddOrUpdate(inner.Target.Name, 1, (_, n) => n + 1);
            return inner.RunAsync(command, cancellationToken);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
