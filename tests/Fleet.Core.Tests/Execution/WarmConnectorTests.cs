using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Execution;

/// <summary>Connections kept open between runs: one connect for many runs, facts read afresh each run, dead connections replaced.</summary>
public sealed class WarmConnectorTests : IDisposable
{
    private readonly TempFiles _files = new();

    private (Fleet.Core.Inventory.Inventory Inventory, Playbook Playbook, string Dest) Inputs()
    {
        var dest = Path.Combine(_files.Dir, "motd");
        var inventory = InventoryLoader.Load(_files.Write("inventory.yml", "all:\n  hosts:\n    h1: { address: 127.0.0.1 }\n"));
        var playbook = PlaybookLoader.Load(_files.Write("pb.yml", $$"""
            - name: Motd
              hosts: all
              tasks:
                - name: motd
                  copy: { dest: {{dest}}, content: "managed\n" }
            """), ModuleCatalog.Default);
        return (inventory, playbook, dest);
    }

    [Fact]
    public async Task Runs_ShareOneConnection_AndReadFactsAfreshEachRun()
    {
        var (inventory, playbook, dest) = Inputs();
        var local = new LocalShellConnector();
        await using var warm = new WarmConnector(local);
        var runner = new PlaybookRunner(warm, ModuleCatalog.Default);

        var first = await runner.RunAsync(inventory, [playbook], new RunOptions(), CancellationToken.None);
        var second = await runner.RunAsync(inventory, [playbook], new RunOptions(), CancellationToken.None);
        await File.WriteAllTextAsync(dest, "edited by hand\n");
        var third = await runner.RunAsync(inventory, [playbook], new RunOptions { Mode = "check" }, CancellationToken.None);

        Assert.Equal(HostStatus.Changed, first.Hosts[0].Status);
        Assert.Equal(HostStatus.Ok, second.Hosts[0].Status);
        // The hand edit between runs is seen: nothing of the last run's facts was kept with the connection.
        Assert.Equal(HostStatus.Changed, third.Hosts[0].Status);
        Assert.Equal(1, warm.Connects);
        Assert.Single(local.Events, e => e == "connect h1");
        Assert.Equal(["h1"], warm.OpenHosts);
    }

    [Fact]
    public async Task HostFacts_AreKeptWithTheConnection_ForTheirLifetime_TaskFactsNever()
    {
        var (inventory, playbook, dest) = Inputs();
        var fake = new FakeConnector();
        var clock = new ManualClock();
        await using var warm = new WarmConnector(fake, clock);
        var runner = new PlaybookRunner(warm, ModuleCatalog.Default);
        int HostFactReads() => fake.Opened.Sum(c => c.Scripts.Count(s => s.Contains(new Fleet.Core.Facts.SystemFact().Command, StringComparison.Ordinal)));

        await runner.RunAsync(inventory, [playbook], new RunOptions(), CancellationToken.None);
        await File.WriteAllTextAsync(dest, "edited by hand\n");
        var second = await runner.RunAsync(inventory, [playbook], new RunOptions { Mode = "check" }, CancellationToken.None);
        Assert.Equal(1, HostFactReads());
        Assert.Equal(HostStatus.Changed, second.Hosts[0].Status); // the file's fact was read again: the edit is drift
        Assert.Equal("Linux", second.Hosts[0].Facts!["ansible_system"]);

        clock.Now += WarmConnector.HostFactsLifetime;
        await runner.RunAsync(inventory, [playbook], new RunOptions(), CancellationToken.None);
        Assert.Equal(2, HostFactReads());
        clock.Now += WarmConnector.HostFactsLifetime / 2;
        await runner.RunAsync(inventory, [playbook], new RunOptions(), CancellationToken.None);
        Assert.Equal(2, HostFactReads()); // the facts read again are kept again, for a lifetime of their own

        fake.Opened[0].Open = false;
        await runner.RunAsync(inventory, [playbook], new RunOptions(), CancellationToken.None);
        Assert.Equal(3, HostFactReads()); // a new connection reads them anew
    }

    [Fact]
    public async Task ClosedConnection_IsReplacedOnTheNextRun()
    {
        var (inventory, playbook, _) = Inputs();
        var fake = new FakeConnector();
        await using var warm = new WarmConnector(fake);
        var runner = new PlaybookRunner(warm, ModuleCatalog.Default);
        await runner.RunAsync(inventory, [playbook], new RunOptions(), CancellationToken.None);

        fake.Opened[0].Open = false;
        var report = await runner.RunAsync(inventory, [playbook], new RunOptions(), CancellationToken.None);

        Assert.Equal(HostStatus.Ok, report.Hosts[0].Status);
        Assert.Equal(2, warm.Connects);
        Assert.True(fake.Opened[0].Disposed);
    }

    [Fact]
    public async Task ConnectionThatDiedUnnoticed_FactBatchIsResentOnANewConnection()
    {
        var (inventory, playbook, _) = Inputs();
        var fake = new FakeConnector();
        await using var warm = new WarmConnector(fake);
        var runner = new PlaybookRunner(warm, ModuleCatalog.Default);
        await runner.RunAsync(inventory, [playbook], new RunOptions(), CancellationToken.None);

        fake.Opened[0].DeadButOpen = true;
        var report = await runner.RunAsync(inventory, [playbook], new RunOptions(), CancellationToken.None);

        Assert.True(report.Hosts[0].Status == HostStatus.Ok, report.Hosts[0].Error);
        Assert.Equal(2, warm.Connects);
        Assert.Equal(1, fake.Opened[0].Refused);
    }

    [Fact]
    public async Task ConnectionLostAfterTheFirstCommand_IsNotResent_HostUnreachable()
    {
        var (inventory, _, dest) = Inputs();
        var playbook = PlaybookLoader.Load(_files.Write("two.yml", $$"""
            - name: Two
              hosts: all
              tasks:
                - name: first change
                  copy: { dest: {{dest}}, content: "one\n" }
                - name: second change
                  copy: { dest: {{dest}}.2, content: "two\n" }
            """), ModuleCatalog.Default);
        var fake = new FakeConnector { DropAfterCommands = 2 };
        await using var warm = new WarmConnector(fake);

        var report = await new PlaybookRunner(warm, ModuleCatalog.Default).RunAsync(inventory, [playbook], new RunOptions(), CancellationToken.None);

        Assert.Equal(HostStatus.Unreachable, report.Hosts[0].Status);
        Assert.Equal(1, warm.Connects);
        Assert.Empty(warm.OpenHosts);
    }

    public void Dispose() => _files.Dispose();

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>Connections over the local shell whose death the test decides.</summary>
    private sealed class FakeConnector : IConnector
    {
        private readonly LocalShellConnector _local = new();

        public List<FakeConnection> Opened { get; } = [];

        public int? DropAfterCommands { get; init; }

        public async Task<IHostConnection> ConnectAsync(HostTarget target, CancellationToken cancellationToken)
        {
            var connection = new FakeConnection(await _local.ConnectAsync(target, cancellationToken), DropAfterCommands);
            Opened.Add(connection);
            return connection;
        }
    }

    private sealed class FakeConnection(IHostConnection inner, int? dropAfter) : IHostConnection
    {
        private int _commands;

        public bool Open { get; set; } = true;

        public bool DeadButOpen { get; set; }

        public bool Disposed { get; private set; }

        public int Refused { get; private set; }

        public List<string> Scripts { get; } = [];

        public HostTarget Target => inner.Target;

        public string HostKeyFingerprint => "SHA256:fake";

        public bool IsOpen => Open;

        public Task<CommandResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
        {
            Scripts.Add(command.Script);
            if (DeadButOpen || ++_commands > dropAfter)
            {
                Refused++;
                throw new HostUnreachableException("connection to 127.0.0.1:22 lost: An established connection was aborted by the server.");
            }

            return inner.RunAsync(command, cancellationToken);
        }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
