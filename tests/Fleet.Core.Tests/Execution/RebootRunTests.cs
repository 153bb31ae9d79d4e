using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Execution;

/// <summary>A reboot task in a run: the session replaces its connection, closing the old one, and the tasks after it run over the new one.</summary>
public sealed class RebootRunTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Run_RebootThenTask_NextTaskRunsOverTheNewConnection_OldOneClosed()
    {
        var connector = new RebootingConnector();
        var inventory = InventoryLoader.Load(_files.Write("inventory.yml", "all:\n  hosts:\n    h1: { address: 127.0.0.1 }\n"));
        var loaded = PlaybookLoader.Load(_files.Write("playbook.yml", """
            - hosts: all
              gather_facts: false
              tasks:
                - name: Reboot
                  ansible.builtin.reboot: { reboot_command: /sbin/fake-reboot }
                  register: out
                - name: After
                  command: "echo after {{ out.rebooted }}"
            """), ModuleCatalog.Default);
        Assert.Empty(PlaybookValidator.Validate([loaded], inventory, new Dictionary<string, object?>(), ModuleCatalog.Default));

        var report = await new PlaybookRunner(connector, ModuleCatalog.Default).RunAsync(inventory, [loaded], new RunOptions(), CancellationToken.None);

        var tasks = report.Hosts[0].Tasks;
        Assert.Equal([TaskOutcome.Changed, TaskOutcome.Changed], tasks.Select(t => t.Status));
        Assert.Equal("after True", tasks[1].Result["stdout"]);
        Assert.Equal(2, connector.Opened);
        Assert.Equal(2, connector.Runs.Single(r => r.Script.Contains("after", StringComparison.Ordinal)).Connection);
        Assert.Equal([1, 2], connector.Closed);
    }

    [Fact]
    public async Task Run_RebootUnderBecomeUserAndFlags_EveryCommandBecomesAsTheTasks_AndTheConnectFactsUseTheFlags()
    {
        var connector = new RebootingConnector();
        var inventory = InventoryLoader.Load(_files.Write("inventory.yml", "all:\n  hosts:\n    h1: { address: 127.0.0.1, ansible_become_flags: -H -S -n -E }\n"));
        var loaded = PlaybookLoader.Load(_files.Write("playbook.yml", """
            - hosts: all
              gather_facts: false
              become: true
              become_user: app
              tasks:
                - name: Reboot
                  ansible.builtin.reboot: { reboot_command: /sbin/fake-reboot }
            """), ModuleCatalog.Default);

        var report = await new PlaybookRunner(connector, ModuleCatalog.Default).RunAsync(inventory, [loaded], new RunOptions(), CancellationToken.None);

        Assert.Equal([TaskOutcome.Changed], report.Hosts[0].Tasks.Select(t => t.Status));
        var connect = connector.Commands.First();
        Assert.Equal((true, (string?)null, "-H -S -n -E"), (connect.Become, connect.BecomeUser, string.Join(" ", connect.BecomeFlags ?? [])));
        var reboot = connector.Commands.Where(c => c.Script.Contains("boot_id", StringComparison.Ordinal) || c.Script.StartsWith("/sbin/fake-reboot", StringComparison.Ordinal)).ToList();
        Assert.True(reboot.Count >= 3, $"{reboot.Count} commands"); // the boot id before, the reboot, the boot id after
        Assert.All(reboot, c => Assert.Equal((true, "app", "-H -S -n -E"), (c.Become, c.BecomeUser, string.Join(" ", c.BecomeFlags ?? []))));
    }

    /// <summary>Real /bin/sh per connection, except the boot id (which the reboot command changes) and the reboot, after which the connection open then is lost.</summary>
    private sealed class RebootingConnector : IConnector
    {
        private readonly LocalShellConnector _shell = new();
        private int _boot = 1;

        public int Opened { get; private set; }

        public List<int> Closed { get; } = [];

        public List<(int Connection, string Script)> Runs { get; } = [];

        /// <summary>Every command asked of any connection, in order, with how it becomes.</summary>
        public List<RemoteCommand> Commands { get; } = [];

        public async Task<IHostConnection> ConnectAsync(HostTarget target, CancellationToken cancellationToken) =>
            new Connection(this, await _shell.ConnectAsync(target, cancellationToken), ++Opened, _boot);

        private sealed class Connection(RebootingConnector owner, IHostConnection shell, int number, int boot) : IHostConnection
        {
            public HostTarget Target => shell.Target;

            public string HostKeyFingerprint => shell.HostKeyFingerprint;

            public async Task<CommandResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
            {
                owner.Commands.Add(command);
                if (boot != owner._boot)
                {
                    throw new HostUnreachableException("connection lost");
                }

                if (command.Script == "cat /proc/sys/kernel/random/boot_id")
                {
                    return new CommandResult(0, $"boot-{owner._boot}\n", "", TimeSpan.Zero);
                }

                if (command.Script.StartsWith("/sbin/fake-reboot", StringComparison.Ordinal))
                {
                    owner._boot++;
                    return new CommandResult(0, "", "", TimeSpan.Zero);
                }

                owner.Runs.Add((number, command.Script));
                return await shell.RunAsync(command, cancellationToken);
            }

            public ValueTask DisposeAsync()
            {
                owner.Closed.Add(number);
                return ValueTask.CompletedTask;
            }
        }
    }
}
