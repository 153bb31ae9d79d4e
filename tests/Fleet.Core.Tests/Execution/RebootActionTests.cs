using Fleet.Core.Execution;
using Fleet.Core.Execution.Actions;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Execution;

/// <summary>
/// reboot as Ansible's action does it, on a scripted host and a clock that jumps over every wait: the commands it sends, the
/// wait for a new boot id over new connections with Ansible's back-off, its failures in Ansible's words, and check mode.
/// </summary>
public sealed class RebootActionTests : IDisposable
{
    private const string Shutdown = "/sbin/shutdown -r 0 'Reboot initiated by Ansible'";
    private const string BootId = "cat /proc/sys/kernel/random/boot_id";
    private readonly TempFiles _files = new();
    private readonly InstantClock _clock = new();

    public void Dispose() => _files.Dispose();

    private async Task<TaskResult> RunAsync(FakeHost host, string args = "{}", bool checkMode = false)
    {
        var inventory = InventoryLoader.Load(_files.Write("inventory.yml", "all:\n  hosts:\n    h1: { address: 127.0.0.1 }\n"));
        var play = PlaybookLoader.Load(_files.Write("playbook.yml", $"- hosts: all\n  tasks:\n    - reboot: {args}\n"), ModuleCatalog.Default).Plays[0];
        var variables = new HostVariables(inventory.Hosts[0], inventory.GroupsVariable, new RunOptions());
        var run = new SharedPlayState(play, new Dictionary<string, object?>());
        var task = play.Tasks[0];
        var call = new ActionCall(run, task, variables.Scope(run, task, Frame.Root(play), null), variables) { CheckMode = checkMode, Become = true };
        return await new RebootAction(_clock).RunAsync(call, host, CancellationToken.None);
    }

    [Fact]
    public async Task Run_HostComesBack_ReadsBootIdFindsShutdownRebootsAndReconnects()
    {
        var host = new FakeHost();

        var result = await RunAsync(host);

        Assert.Equal(TaskOutcome.Changed, result.Status);
        Assert.Equal([BootId, "for d in /sbin /bin /usr/sbin /usr/bin /usr/local/sbin; do if [ -e \"$d\"/shutdown ] || [ -L \"$d\"/shutdown ]; then printf '%s\\n' \"${d%/}\"/shutdown; break; fi; done", Shutdown, BootId, "whoami"], host.Commands);
        Assert.Equal(1, host.Reconnects);
        Assert.True(host.FactsForgotten);
        Assert.True(host.AllBecome);
        Assert.Equal(true, result.Result["rebooted"]);
        Assert.Equal(0L, result.Result["elapsed"]);
        Assert.Equal(true, result.Result["changed"]);
        Assert.False(result.Result.ContainsKey("msg"));
    }

    [Fact]
    public async Task Run_HostStillUpThenDown_BacksOffAsAnsible_ElapsedCountsTheWait()
    {
        var host = new FakeHost { StaleProbes = 1, RefusedConnects = 2 };

        var result = await RunAsync(host);

        Assert.Equal(TaskOutcome.Changed, result.Status);
        Assert.Equal(4, host.Reconnects);
        Assert.Collection(
            _clock.Sleeps,
            s => Assert.InRange(s.TotalSeconds, 1, 2),
            s => Assert.InRange(s.TotalSeconds, 2, 3),
            s => Assert.InRange(s.TotalSeconds, 4, 5));
        Assert.Equal((long)_clock.Sleeps.Sum(s => s.TotalSeconds), result.Result["elapsed"]);
    }

    [Fact]
    public async Task Run_HostNeverComesBack_FailsWithAnsiblesTimeoutMessage_BackOffCappedAt12s()
    {
        var host = new FakeHost { RefusedConnects = int.MaxValue };

        var result = await RunAsync(host, "{ reboot_timeout: 60 }");

        Assert.Equal(TaskOutcome.Failed, result.Status);
        Assert.Equal("Timed out waiting for last boot time check (timeout=60)", result.Message);
        Assert.Equal(true, result.Result["rebooted"]);
        Assert.InRange((long)result.Result["elapsed"]!, 60, 73);
        Assert.All(_clock.Sleeps, s => Assert.InRange(s.TotalSeconds, 1, 13));
        Assert.Contains(_clock.Sleeps, s => s.TotalSeconds >= 12);
    }

    [Fact]
    public async Task Run_TestCommandFailsOnce_RetriedUntilItPasses()
    {
        var host = new FakeHost { FailingTests = 1 };

        var result = await RunAsync(host, "{ test_command: 'systemctl is-system-running' }");

        Assert.Equal(TaskOutcome.Changed, result.Status);
        Assert.Equal(2, host.Commands.Count(c => c == "systemctl is-system-running"));
    }

    [Fact]
    public async Task Run_TestCommandNeverPasses_FailsAfterTheSecondWait()
    {
        var host = new FakeHost { FailingTests = int.MaxValue };

        var result = await RunAsync(host, "{ reboot_timeout: 20 }");

        Assert.Equal((TaskOutcome.Failed, "Timed out waiting for post-reboot test command (timeout=20)"), (result.Status, result.Message));
    }

    [Fact]
    public async Task Run_CheckMode_ReportsTheRebootWithoutContactingTheHost()
    {
        var host = new FakeHost();

        var result = await RunAsync(host, checkMode: true);

        Assert.Equal(TaskOutcome.Changed, result.Status);
        Assert.Empty(host.Commands);
        Assert.Equal(0, host.Reconnects);
        Assert.Equal((true, 0L), (result.Result["rebooted"], result.Result["elapsed"]));
    }

    [Fact]
    public async Task Run_RebootCommandFails_NotRebootedFactsKept()
    {
        var host = new FakeHost { RebootResult = new CommandResult(1, "out\n", "Failed to talk to init daemon.\n", TimeSpan.Zero) };

        var result = await RunAsync(host);

        Assert.Equal((TaskOutcome.Failed, "Reboot command failed. Error was: 'out, Failed to talk to init daemon.'"), (result.Status, result.Message));
        Assert.Equal(false, result.Result["rebooted"]);
        Assert.False(host.FactsForgotten);
        Assert.Equal(0, host.Reconnects);
    }

    [Fact]
    public async Task Run_ConnectionDropsDuringTheRebootCommand_CountsAsIssued()
    {
        var host = new FakeHost { DropOnReboot = true };

        var result = await RunAsync(host);

        Assert.Equal(TaskOutcome.Changed, result.Status);
    }

    [Fact]
    public async Task Run_BootTimeCommandFails_FailsBeforeRebooting()
    {
        var host = new FakeHost { BootIdResult = new CommandResult(1, "", "cat: nope: No such file or directory\n", TimeSpan.Zero) };

        var result = await RunAsync(host, "{ boot_time_command: cat nope }");

        Assert.Equal("reboot: failed to get host boot time info, rc: 1, stdout: , stderr: cat: nope: No such file or directory", result.Message);
        Assert.Equal(["cat nope"], host.Commands);
    }

    [Fact]
    public async Task Run_ProgramInNoSearchPath_FailsNamingThePathsAsAnsible()
    {
        var host = new FakeHost { Found = "" };

        var result = await RunAsync(host, "{ search_paths: [/opt/bin, /usr/local/bin] }");

        Assert.Equal("Unable to find command \"shutdown\" in search paths: ['/opt/bin', '/usr/local/bin']", result.Message);
        Assert.DoesNotContain(host.Commands, c => c.Contains(" -r ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_MessageWithShellText_IsOneQuotedWord_DelayInWholeMinutes()
    {
        var host = new FakeHost();

        await RunAsync(host, "{ msg: \"it's $(touch /tmp/owned)\", pre_reboot_delay: 150 }");

        Assert.Contains("/sbin/shutdown -r 2 'it'\\''s $(touch /tmp/owned)'", host.Commands);
    }

    [Fact]
    public async Task Run_RebootCommandWithAbsoluteProgram_RunsAsWrittenWithoutLookup()
    {
        var host = new FakeHost();

        await RunAsync(host, "{ reboot_command: /usr/bin/systemctl reboot --force, post_reboot_delay: 5 }");

        Assert.Equal([BootId, "/usr/bin/systemctl reboot --force", BootId, "whoami"], host.Commands);
        Assert.Equal(TimeSpan.FromSeconds(5), _clock.Sleeps[0]);
    }

    [Fact]
    public async Task Run_ConnectTimeout_BoundsEachConnectAttempt()
    {
        var host = new FakeHost { HangingConnects = 1 };

        var result = await RunAsync(host, "{ connect_timeout: 7 }");

        Assert.Equal(TaskOutcome.Changed, result.Status);
        Assert.Equal(2, host.Reconnects);
        Assert.Equal(TimeSpan.FromSeconds(7), _clock.Sleeps[0]);
    }

    [Fact]
    public async Task Run_TemplatedTimeoutNotANumber_FailsTheTaskNamingIt()
    {
        var host = new FakeHost();

        var error = await Assert.ThrowsAsync<FleetInputException>(() => RunAsync(host, "{ reboot_timeout: \"{{ 'soon' }}\" }"));

        Assert.Contains("reboot: reboot_timeout must be a whole number of seconds, got 'soon'", error.Message, StringComparison.Ordinal);
        Assert.Empty(host.Commands);
    }

    /// <summary>A host whose boot id changes when its reboot command runs; the connection open then is lost.</summary>
    private sealed class FakeHost : IHostLink
    {
        private int _boot = 1;
        private bool _lost;
        private int _refused;
        private int _stale;
        private int _testsFailed;
        private int _hung;

        public List<string> Commands { get; } = [];

        public bool AllBecome { get; private set; } = true;

        public int Reconnects { get; private set; }

        public bool FactsForgotten { get; private set; }

        /// <summary>Probes after the reboot that still see the old boot id (the host has not gone yet).</summary>
        public int StaleProbes { get; init; }

        /// <summary>Connects refused while the host is down.</summary>
        public int RefusedConnects { get; init; }

        /// <summary>Connects that never answer (until cancelled).</summary>
        public int HangingConnects { get; init; }

        public int FailingTests { get; init; }

        public bool DropOnReboot { get; init; }

        public CommandResult? RebootResult { get; init; }

        public CommandResult? BootIdResult { get; init; }

        public string Found { get; init; } = "/sbin/shutdown\n";

        public Task<CommandResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
        {
            Commands.Add(command.Script);
            AllBecome &= command.Become;
            if (_lost)
            {
                throw new HostUnreachableException("connection lost");
            }

            var script = command.Script;
            if (script.StartsWith("for d in", StringComparison.Ordinal))
            {
                return Ok(Found);
            }

            if (script.Contains(" -r ", StringComparison.Ordinal) || script.Contains("reboot", StringComparison.Ordinal))
            {
                if (RebootResult is { } failed)
                {
                    return Task.FromResult(failed);
                }

                _boot++;
                _lost = true;
                return DropOnReboot ? throw new HostUnreachableException("connection lost") : Ok("");
            }

            if (BootIdResult is { } bootId)
            {
                return Task.FromResult(bootId);
            }

            if (script.Contains("boot_id", StringComparison.Ordinal))
            {
                return Ok(_boot > 1 && _stale++ < StaleProbes ? "boot-1\n" : $"boot-{_boot}\n");
            }

            return _testsFailed++ < FailingTests ? Task.FromResult(new CommandResult(1, "", "degraded\n", TimeSpan.Zero)) : Ok("root\n");
        }

        public async Task ReconnectAsync(CancellationToken cancellationToken)
        {
            Reconnects++;
            if (_hung++ < HangingConnects)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            if (_boot > 1 && _refused++ < RefusedConnects)
            {
                throw new HostUnreachableException("connection refused");
            }

            _lost = false;
        }

        public void ForgetFacts() => FactsForgotten = true;

        private static Task<CommandResult> Ok(string stdout) => Task.FromResult(new CommandResult(0, stdout, "", TimeSpan.Zero));
    }

    /// <summary>A clock on which every timer fires at once, the clock moved on by its due time; what the action slept is kept.</summary>
    private sealed class InstantClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

        public List<TimeSpan> Sleeps { get; } = [];

        public override DateTimeOffset GetUtcNow() => _now;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                Sleeps.Add(dueTime);
                _now += dueTime;
                ThreadPool.QueueUserWorkItem(_ => callback(state));
            }

            return new Fired();
        }

        private sealed class Fired : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => false;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
