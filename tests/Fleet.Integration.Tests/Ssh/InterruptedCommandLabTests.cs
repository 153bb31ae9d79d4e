using System.Diagnostics;
using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;
using Fleet.Ssh;

namespace Fleet.Integration.Tests.Ssh;

/// <summary>
/// A command that is cancelled or times out ends on the host with its whole process group, while the connection stays open for the
/// next command: the host's runner ends the script when the channel's stdin closes, without the SSH <c>signal</c> request.
/// </summary>
[Collection("lab")]
public sealed class InterruptedCommandLabTests(LabFixture lab)
{
    private SshConnector Connector { get; } = new(new SshOptions { KnownHostsPath = lab.Info.KnownHostsPath, HostKeyPolicy = HostKeyPolicy.Strict });

    [LabTheory]
    [InlineData("inline", "3181")]
    [InlineData("large", "3182")]
    [InlineData("become", "3183")]
    public async Task Cancel_RunningCommand_ReturnsAtOnceAndEndsItsProcessGroup(string kind, string marker)
    {
        var host = lab.Info.Hosts[3];
        var target = new HostTarget(host.Name, host.Address, host.Port, "root", lab.Info.PrivateKeyPath);
        if (kind == "become")
        {
            await EnsureSudoUserAsync(host.Name);
            target = target with { User = "deploy", Become = true };
        }

        // A child in the background and one in the foreground: both belong to the script and both must end.
        var script = $"sleep {marker} & sleep {marker}\nwait";
        if (kind == "large")
        {
            script = "# " + new string('x', 40 * 1024) + "\n" + script;
        }

        await using var connection = await Connector.ConnectAsync(target, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var running = connection.RunAsync(new RemoteCommand(script, Become: kind == "become"), cancel.Token);
        await HostProcessTable.WaitUntilRunningAsync(lab, [host.Name], $"sleep {marker}");
        var clock = Stopwatch.StartNew();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(500), $"cancelling took {clock.Elapsed}");
        await HostProcessTable.WaitUntilGoneAsync(lab, [host.Name], $"sleep {marker}");
        Assert.Equal("ok\n", (await connection.RunAsync(new RemoteCommand("echo ok"), CancellationToken.None)).Stdout);
    }

    [LabFact]
    public async Task TaskTimeout_EndsTheScriptBeforeTheNextTaskStarts()
    {
        var host = lab.Info.Hosts[3].Name;
        var observer = new LeftoversAtNextTask(lab, host, "sleep 3184");

        var report = await LabRun.RunAsync(lab, $"""
            - name: Timeout
              hosts: {host}
              tasks:
                - name: Hangs
                  shell: "sleep 3184 & sleep 3184; wait"
                  timeout: 1
                  ignore_errors: true
                - name: Next
                  command: "true"
            """, observer: observer);

        var tasks = report.Hosts.Single().Tasks;
        Assert.Equal((TaskOutcome.Failed, "timed out after 1 s"), (tasks[0].Status, tasks[0].Message));
        Assert.Equal(TaskOutcome.Changed, tasks[1].Status);
        Assert.True(observer.Checked, observer.Failure?.Message ?? "the next task did not start");
    }

    [LabFact]
    public async Task LargeScript_SudoLeavesThePasswordUnread_RefusesInsteadOfRunningPartOfIt()
    {
        var host = lab.Info.Hosts[3];
        await EnsureSudoUserAsync(host.Name);
        // NOPASSWD: sudo -S never reads the password, which then sits on stdin in front of the script.
        var target = new HostTarget(host.Name, host.Address, host.Port, "deploy", lab.Info.PrivateKeyPath, Become: true, BecomePassword: new Secret("not-read"));
        var script = "# " + new string('x', 40 * 1024) + "\necho whole";
        await using var connection = await Connector.ConnectAsync(target, CancellationToken.None);

        var result = await connection.RunAsync(new RemoteCommand(script, Become: true), CancellationToken.None);

        Assert.Equal((125, ""), (result.ExitCode, result.Stdout));
        Assert.Contains("did not arrive intact", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("not-read", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Makes a user <c>deploy</c> that logs in with the lab key and may run anything through <c>sudo -n</c>.</summary>
    private async Task EnsureSudoUserAsync(string host)
    {
        var publicKey = (await File.ReadAllTextAsync(lab.Info.PublicKeyPath)).Trim();
        await LabRun.ExecAsync(lab, host, $"""
            set -e
            command -v sudo >/dev/null || apt-get install -y -qq sudo >/dev/null 2>&1
            id deploy >/dev/null 2>&1 || useradd -m -s /bin/sh deploy
            mkdir -p /home/deploy/.ssh
            echo '{publicKey}' > /home/deploy/.ssh/authorized_keys
            chown -R deploy:deploy /home/deploy/.ssh; chmod 700 /home/deploy/.ssh; chmod 600 /home/deploy/.ssh/authorized_keys
            echo 'deploy ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/deploy; chmod 440 /etc/sudoers.d/deploy
            """);
    }

    /// <summary>When the task "Next" starts (its host's connection still open), waits until nothing matching the pattern runs.</summary>
    private sealed class LeftoversAtNextTask(LabFixture lab, string watchedHost, string pattern) : IRunObserver
    {
        /// <summary>Nothing was left when the next task started.</summary>
        public bool Checked { get; private set; }

        /// <summary>Why the check failed (the leftover processes), or null.</summary>
        public Exception? Failure { get; private set; }

        public void TaskStarted(string host, string play, string task)
        {
            if (task != "Next")
            {
                return;
            }

            // The observer is synchronous; blocking this host's worker is the point: its next command waits for the check.
            Failure = Record.ExceptionAsync(() => HostProcessTable.WaitUntilGoneAsync(lab, [watchedHost], pattern)).GetAwaiter().GetResult();
            Checked = Failure is null;
        }

        public void HostStarted(string host) { }

        public void TaskFinished(string host, TaskResult result) { }

        public void HostFinished(HostResult result) { }
    }
}
