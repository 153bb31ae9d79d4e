using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;

namespace Fleet.Integration.Tests.Faults;

/// <summary>
/// <c>async</c> + <c>poll</c> and <c>async_status</c> over SSH on real hosts: a polled job's output, a job that outlives the SSH
/// connection it started on, the time limit (checked with the host's ps), and <c>poll: 0</c> read back with <c>until</c>.
/// </summary>
[Collection("faults")]
public sealed class AsyncLabTests(FaultLab lab)
{
    private string Host(int index) => lab.Info.Hosts[index].Name;

    private Task<string> ExecAsync(string host, string command) => LabRun.ExecAsync(lab, host, command);

    [LabFact]
    public async Task PolledJob_EndsWithItsOutput_AndLeavesNoJobFiles()
    {
        var report = await LabRun.RunAsync(lab, """
            - hosts: all
              gather_facts: false
              tasks:
                - name: Job
                  shell: "sleep 2; hostname; echo warn >&2"
                  async: 60
                  poll: 1
                  register: job
                - name: Its result
                  assert: { that: ["job.stdout == inventory_hostname", "job.stderr == 'warn'", "job.rc == 0", "job.finished == 1"] }
            """);

        Assert.Equal(ExitCodes.Success, report.ExitCode);
        foreach (var host in report.Hosts)
        {
            Assert.Equal([TaskOutcome.Changed, TaskOutcome.Ok], host.Tasks.Select(t => t.Status));
            var jid = (string)host.Tasks[0].Result["ansible_job_id"]!;
            Assert.Equal("", await ExecAsync(host.Name, $"ls -A /root/.ansible_async | grep -F '{jid}' || true"));
        }
    }

    [LabFact]
    public async Task ConnectionDroppedMidJob_PollReconnects_TaskEndsWithTheJobsResult()
    {
        var victim = Host(1);
        const string Survivor = "/var/tmp/fleet-async-survivor";
        var started = new FaultLabTests.TaskStartedSignal(victim, "Long job");
        try
        {
            var running = LabRun.RunAsync(lab, $$$"""
                - hosts: all
                  gather_facts: false
                  tasks:
                    - name: Long job
                      shell: "sleep 6; echo survived > {{{Survivor}}}; echo done"
                      async: 120
                      poll: 2
                      register: job
                    - name: After
                      command: "echo {{ job.stdout }}"
                """, observer: started);
            await started.Started.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await Task.Delay(TimeSpan.FromSeconds(2));
            // The sessions' processes only, not the listener: the controller's connection drops, the host stays reachable.
            await ExecAsync(victim, "pkill -KILL -f 'sshd: root@nott[y]'");

            var report = await running;

            var host = Assert.Single(report.Hosts, h => h.Name == victim);
            Assert.True(host.Status == HostStatus.Changed, $"{host.Status}: {host.Error} {string.Join("; ", host.Tasks.Select(t => t.Message))}");
            Assert.Equal((TaskOutcome.Changed, "done"), (host.Tasks[0].Status, host.Tasks[0].Result["stdout"]));
            Assert.Equal((TaskOutcome.Changed, "done"), (host.Tasks[1].Status, host.Tasks[1].Result["stdout"]));
            Assert.Equal("survived\n", await ExecAsync(victim, $"cat {Survivor}"));
            Assert.Equal(ExitCodes.Success, report.ExitCode);
        }
        finally
        {
            foreach (var host in lab.Info.Hosts)
            {
                await ExecAsync(host.Name, $"rm -f {Survivor}");
            }
        }
    }

    [LabFact]
    public async Task JobOutlivesItsAsyncSeconds_KilledWithItsChildren_TaskFailsAsInAnsible()
    {
        var report = await LabRun.RunAsync(lab, """
            - hosts: all
              gather_facts: false
              tasks:
                - name: Too long
                  shell: "sleep 3191 & sleep 3191; wait"
                  async: 3
                  poll: 1
                - name: Never
                  command: "true"
            """);

        foreach (var host in report.Hosts)
        {
            var task = Assert.Single(host.Tasks);
            Assert.Equal((TaskOutcome.Failed, "async task did not complete within the requested time - 3s"), (task.Status, task.Message));
            // Read right after the run: the group was killed before the task was reported.
            Assert.Equal("", await ExecAsync(host.Name, "ps -eo pid,pgid,args | grep '[s]leep 3191' || true"));
        }

        Assert.Equal(ExitCodes.TaskFailed, report.ExitCode);
    }

    [LabFact]
    public async Task PollZero_ThenAsyncStatusUntilFinished_ReadsTheJobsOutput()
    {
        var report = await LabRun.RunAsync(lab, """
            - hosts: all
              gather_facts: false
              tasks:
                - name: Fire
                  shell: "sleep 3; echo fired"
                  async: 60
                  poll: 0
                  register: fired
                - name: Not waited for
                  assert: { that: ["fired.finished == 0", "fired.results_file == '/root/.ansible_async/' ~ fired.ansible_job_id"] }
                - name: Wait
                  async_status: { jid: "{{ fired.ansible_job_id }}" }
                  register: job
                  until: job.finished
                  retries: 30
                  delay: 1
                - name: Clean
                  async_status: { jid: "{{ fired.ansible_job_id }}", mode: cleanup }
                - name: Its output
                  assert: { that: ["job.stdout == 'fired'", "job.rc == 0", "job.attempts > 1"] }
            """);

        Assert.Equal(ExitCodes.Success, report.ExitCode);
        foreach (var host in report.Hosts)
        {
            Assert.Equal([TaskOutcome.Changed, TaskOutcome.Ok, TaskOutcome.Changed, TaskOutcome.Ok, TaskOutcome.Ok], host.Tasks.Select(t => t.Status));
            Assert.Equal("", await ExecAsync(host.Name, $"ls -A /root/.ansible_async | grep -F '{host.Tasks[0].Result["ansible_job_id"]}' || true"));
        }
    }
}
