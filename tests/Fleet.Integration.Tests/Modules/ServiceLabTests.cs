using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Modules;

/// <summary>service/systemd on lab hosts (SysV init, no systemd), checked with pgrep, the init script's status and the rc links.</summary>
[Collection("lab")]
public sealed class ServiceLabTests(LabFixture lab)
{
    private const string Host = "lab-04";
    private const string Service = "fleet-svc-test";

    /// <summary>An LSB init script whose daemon is a sleep with a pid file, as Debian's scripts are written.</summary>
    private const string InitScript = """
        #!/bin/sh
        ### BEGIN INIT INFO
        # Provides:          fleet-svc-test
        # Required-Start:    $remote_fs
        # Required-Stop:     $remote_fs
        # Default-Start:     2 3 4 5
        # Default-Stop:      0 1 6
        # Short-Description: Fleet lab test service
        ### END INIT INFO
        PIDFILE=/run/fleet-svc-test.pid
        case "$1" in
          start) start-stop-daemon --start --quiet --oknodo --background --make-pidfile --pidfile $PIDFILE --startas /bin/sleep -- 4242424 ;;
          stop) start-stop-daemon --stop --quiet --oknodo --pidfile $PIDFILE --remove-pidfile --retry 5 ;;
          restart|force-reload) "$0" stop && "$0" start ;;
          status) start-stop-daemon --status --pidfile $PIDFILE ;;
          *) echo "Usage: $0 {start|stop|restart|status}" >&2; exit 3 ;;
        esac

        """;

    private static string Playbook(string args, string hosts = Host) => $$"""
        - name: Service
          hosts: {{hosts}}
          tasks:
            - name: Service
              service: { {{args}} }
        """;

    private static TaskResult Task(RunReport report) => Assert.Single(Assert.Single(report.Hosts).Tasks);

    /// <summary>
    /// "running"/"stopped" from pgrep (start-stop-daemon writes the pid file just before the daemon's exec, so pgrep may look
    /// twice), the status exit code, and the S and K links in rc2.d.
    /// </summary>
    private Task<string> StateAsync() => LabRun.ExecAsync(lab, Host, $"""
        i=0; while [ -e /run/{Service}.pid ] && [ $i -lt 20 ] && ! pgrep -f '^/bin/[s]leep 4242424' >/dev/null; do sleep 0.1; i=$((i+1)); done
        if pgrep -f '^/bin/[s]leep 4242424' >/dev/null; then echo running; else echo stopped; fi
        /etc/init.d/{Service} status; echo "status=$?"
        ls /etc/rc2.d | grep -- '{Service}' || echo no-links
        """);

    [LabFact]
    public async Task Sysv_StartEnable_ThenNoOp_ThenStopDisable_ThenNoOp()
    {
        await LabRun.ExecAsync(lab, Host, $"cat > /etc/init.d/{Service} <<'EOF'\n{InitScript}EOF\nchmod 755 /etc/init.d/{Service}");
        try
        {
            var up = Task(await LabRun.RunAsync(lab, Playbook($"name: {Service}, state: started, enabled: true")));
            var upState = await StateAsync();
            var upAgain = Task(await LabRun.RunAsync(lab, Playbook($"name: {Service}, state: started, enabled: true")));

            Assert.Equal(TaskOutcome.Changed, up.Status);
            Assert.Equal([$"enable {Service} at boot", $"start {Service}"], up.Changes);
            Assert.Equal($"running\nstatus=0\nS01{Service}\n", upState);
            Assert.Equal(TaskOutcome.Ok, upAgain.Status);
            Assert.False(upAgain.Result.ContainsKey("rc"), "the no-op run ran a script");

            // restarted always acts (as in Ansible): it belongs in handlers.
            var restart = Task(await LabRun.RunAsync(lab, Playbook($"name: {Service}, state: restarted")));
            Assert.Equal(TaskOutcome.Changed, restart.Status);
            Assert.StartsWith("running\n", await StateAsync(), StringComparison.Ordinal);

            var down = Task(await LabRun.RunAsync(lab, Playbook($"name: {Service}, state: stopped, enabled: false")));
            var downState = await StateAsync();
            var downAgain = Task(await LabRun.RunAsync(lab, Playbook($"name: {Service}, state: stopped, enabled: false")));

            Assert.Equal(TaskOutcome.Changed, down.Status);
            Assert.Equal($"stopped\nstatus=3\nK01{Service}\n", downState);
            Assert.Equal(TaskOutcome.Ok, downAgain.Status);
            Assert.False(downAgain.Result.ContainsKey("rc"), "the no-op run ran a script");
        }
        finally
        {
            await LabRun.ExecAsync(lab, Host, $"/etc/init.d/{Service} stop; update-rc.d -f {Service} remove >/dev/null 2>&1; rm -f /etc/init.d/{Service}");
        }
    }

    [LabFact]
    public async Task Cron_StartedAndEnabled_OnEveryHost_SecondRunChangesNothing()
    {
        var first = await LabRun.RunAsync(lab, Playbook("name: cron, state: started, enabled: true", "all"));
        var second = await LabRun.RunAsync(lab, Playbook("name: cron, state: started, enabled: true", "all"));

        Assert.All(first.Hosts, h => Assert.True(h.Status is HostStatus.Ok or HostStatus.Changed, $"{h.Name}: {h.Error}"));
        foreach (var host in lab.Info.Hosts)
        {
            Assert.Equal("cron is running.\nS01cron\n", await LabRun.ExecAsync(lab, host.Name, "service cron status; ls /etc/rc2.d | grep cron"));
        }

        Assert.All(second.Hosts, h => Assert.Equal(0, h.Count(TaskOutcome.Changed)));
    }

    [LabFact]
    public async Task NoSuchService_AndMaskedWithoutSystemd_FailClearly()
    {
        var report = await LabRun.RunAsync(lab, $$"""
            - name: Failures
              hosts: {{Host}}
              tasks:
                - name: missing
                  service: { name: fleet-no-such-service, state: started }
                  ignore_errors: true
                - name: masked
                  systemd_service: { name: cron, masked: true }
                  ignore_errors: true
            """);

        var tasks = Assert.Single(report.Hosts).Tasks;
        Assert.Equal("Could not find the requested service fleet-no-such-service: host", tasks[0].Message);
        Assert.Equal("masked needs systemd: this host's service manager is SysV init", tasks[1].Message);
        Assert.All(tasks, t => Assert.Equal(TaskOutcome.Failed, t.Status));
    }
}
