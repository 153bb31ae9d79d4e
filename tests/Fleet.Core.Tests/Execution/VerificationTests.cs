using Fleet.Core.Execution;
using Fleet.Core.Facts;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Execution;

/// <summary>A change with a verification: the check (and a fresh connection) after it, the rollback when they fail.</summary>
public sealed class VerificationTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-verify-test-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string ConfirmDirectory => Path.Combine(_dir.FullName, "confirm");

    private async Task<(TaskResult Task, List<string> Events)> RunAsync(string host, string check, bool newConnection, string extra = "")
    {
        var inventory = Path.Combine(_dir.FullName, "inventory.yml");
        File.WriteAllText(inventory, $"all:\n  hosts:\n    {host}: {{ address: 127.0.0.1 }}\n");
        var playbook = Path.Combine(_dir.FullName, "playbook.yml");
        File.WriteAllText(playbook, $"""
            - name: Verify
              hosts: all
              tasks:
                - name: Risky change
                  verified: {"{"} check: "{check}", new_connection: {(newConnection ? "true" : "false")}{extra} {"}"}
            """);
        var catalog = new ModuleCatalog([new VerifiedModule()]);
        var loaded = InventoryLoader.Load(inventory);
        var book = PlaybookLoader.Load(playbook, catalog);
        Assert.Empty(PlaybookValidator.Validate([book], loaded, new Dictionary<string, object?>(), catalog));
        var connector = new LocalShellConnector();
        var report = await new PlaybookRunner(connector, catalog).RunAsync(loaded, [book], new RunOptions { ConfirmDirectory = ConfirmDirectory }, CancellationToken.None);
        return (Assert.Single(report.Hosts[0].Tasks), connector.Events.ToList());
    }

    [Fact]
    public async Task CheckPasses_ChangeStands()
    {
        var (task, events) = await RunAsync("h1", "true", newConnection: true);

        Assert.Equal(TaskOutcome.Changed, task.Status);
        Assert.Equal(["connect h1", "changed", "connect h1"], events);
    }

    [Fact]
    public async Task CheckFails_RollsBackAndFails()
    {
        var (task, events) = await RunAsync("h1", "echo config invalid >&2; exit 1", newConnection: false);

        Assert.Equal(TaskOutcome.Failed, task.Status);
        Assert.Equal("rolled back: the new state works failed: config invalid", task.Message);
        Assert.Equal(["connect h1", "changed", "rolled-back"], events);
    }

    [Fact]
    public async Task NewConnectionRefused_RollsBackAndFails()
    {
        var (task, events) = await RunAsync("lockout1", "true", newConnection: true);

        Assert.Equal(TaskOutcome.Failed, task.Status);
        Assert.StartsWith("rolled back: a new connection was refused after the change", task.Message, StringComparison.Ordinal);
        Assert.Equal(["connect lockout1", "changed", "rolled-back"], events);
    }

    [Fact]
    public async Task CommitConfirmed_NewConnectionWorks_TimerArmedFirstThenDisarmed()
    {
        var (task, events) = await RunAsync("h1", "true", newConnection: true, ", confirm: 30, save: 'echo event saved'");

        Assert.Equal(TaskOutcome.Changed, task.Status);
        Assert.Equal(["connect h1", "saved", "changed", "connect h1"], events);

        // Disarmed: the timer's process group is gone and it left nothing behind.
        Assert.Empty(Directory.GetFiles(ConfirmDirectory));
        Assert.Equal("", LocalHostSh($"pgrep -f '{ConfirmDirectory}' || true"));
    }

    [Fact]
    public async Task CommitConfirmed_NewConnectionRefused_ControllerRollsBackAndStopsTheTimer()
    {
        var marker = Path.Combine(_dir.FullName, "restored");
        var (task, events) = await RunAsync("lockout2", "true", newConnection: true, $", confirm: 30, rollback: 'echo event rolled-back; echo x >> {marker}'");

        Assert.Equal(TaskOutcome.Failed, task.Status);
        Assert.StartsWith("rolled back: a new connection was refused after the change", task.Message, StringComparison.Ordinal);
        Assert.Equal(["connect lockout2", "changed", "rolled-back"], events);
        Assert.Empty(Directory.GetFiles(ConfirmDirectory));
        Assert.Equal("x\n", File.ReadAllText(marker));
    }

    [Fact]
    public async Task CommitConfirmed_ControllerCutOffByTheChange_HostRestoresItselfWithinTheTimeout()
    {
        var marker = Path.Combine(_dir.FullName, "restored");
        var (task, events) = await RunAsync("drop1", "true", newConnection: true, $", confirm: 1, change: 'drop-here', rollback: 'echo restored-by-timer > {marker}'");

        Assert.Equal(TaskOutcome.Failed, task.Status);
        Assert.Contains("the host rolls the change back by itself within 1 s (commit confirmed)", task.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("rolled-back", events);

        // Nobody confirms: the detached timer on the "host" runs the rollback by itself.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(marker) && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
        }

        Assert.Equal("restored-by-timer\n", File.ReadAllText(marker));
    }

    [Fact]
    public async Task CommitConfirmed_CheckOutlastsTheTimer_TheHostRestoredItself_TaskFailsSayingSo()
    {
        var marker = Path.Combine(_dir.FullName, "restored");
        var (task, events) = await RunAsync("h2", "sleep 2", newConnection: false, $", confirm: 1, rollback: 'echo restored-by-timer > {marker}'");

        Assert.Equal(TaskOutcome.Failed, task.Status);
        Assert.Equal("rolled back: the change was not confirmed within 1 s (confirm_timeout): the host's timer restored the previous state", task.Message);
        Assert.Equal("restored-by-timer\n", File.ReadAllText(marker));
        Assert.Empty(Directory.GetFiles(ConfirmDirectory));
    }

    private static string LocalHostSh(string script) => Fleet.Core.Tests.Modules.LocalHost.Sh(script).Stdout;

    /// <summary>A change that declares a verification: its check script and fresh connection come from the task.</summary>
    private sealed class VerifiedModule : Module
    {
        public override string Name => "verified";

        public override IReadOnlyList<ParameterSpec> Parameters { get; } =
        [
            new("check", ParameterType.String, "The check script.", Required: true),
            new("new_connection", ParameterType.Bool, "Also open a fresh connection."),
            new("confirm", ParameterType.Int, "Commit confirmed after this many seconds."),
            new("save", ParameterType.String, "The save script."),
            new("change", ParameterType.String, "Extra change script text."),
            new("rollback", ParameterType.String, "The rollback script."),
        ];

        public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context) => [];

        public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context) =>
            new Change(["something risky"], "echo 'event changed'\n" + (args.GetString("change") ?? "") + "\n", [])
            {
                Verify = new Verification("the new state works", args.GetRequiredString("check"), args.GetBool("new_connection") ?? false, args.GetString("rollback") ?? "echo 'event rolled-back'\n")
                {
                    Save = args.GetString("save"),
                    ConfirmTimeout = args.GetInt("confirm") is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                },
            };
    }
}
