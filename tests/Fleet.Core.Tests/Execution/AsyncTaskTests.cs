using System.Diagnostics;
using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Execution;

/// <summary>
/// <c>async</c> + <c>poll</c> and <c>async_status</c> run by the engine against the machine's own sh (the job files land in this
/// user's ~/.ansible_async, as on a host): the result Ansible registers, the time limit, check mode. The lab tests add SSH and a
/// dropped connection.
/// </summary>
public sealed class AsyncTaskTests : IDisposable
{
    private readonly TempFiles _files = new();

    private Task<RunReport> RunAsync(string playbook, RunOptions? options = null) => LocalRuns.RunAsync(_files, LocalRuns.OneHost, playbook, options);

    [Fact]
    public async Task Run_AsyncWithPoll_WaitsForTheJobAndRegistersItsOutputWithTheJobFields()
    {
        var report = await RunAsync("""
            - hosts: all
              gather_facts: false
              tasks:
                - name: Job
                  shell: "sleep 1; echo out; echo err >&2"
                  async: 20
                  poll: 1
                  register: job
                - name: Check
                  assert:
                    that:
                      - job is changed
                      - job.stdout == 'out'
                      - job.stderr == 'err'
                      - job.rc == 0
                      - job.finished == 1
                      - job.started == 1
                      - job.ansible_job_id is match('j[0-9]+[.][0-9]+$')
                      - job.results_file.endswith('/.ansible_async/' ~ job.ansible_job_id)
                - name: Cleaned up after the read, as Ansible does
                  shell: "test ! -e '{{ job.results_file }}'"
            """);

        Assert.True(report.ExitCode == ExitCodes.Success, Describe(report));
        Assert.Equal([TaskOutcome.Changed, TaskOutcome.Ok, TaskOutcome.Changed], report.Hosts[0].Tasks.Select(t => t.Status));
        Assert.InRange(report.Hosts[0].Tasks[0].DurationMs, 900, 15_000);
    }

    [Fact]
    public async Task Run_AsyncJobFails_TaskFailsWithTheCommandsResult()
    {
        var report = await RunAsync("""
            - hosts: all
              gather_facts: false
              tasks:
                - name: Job
                  command: sh -c "echo partial; exit 4"
                  async: 10
                  poll: 1
                  register: job
                  ignore_errors: true
                - assert: { that: ["job is failed", "job is changed", "job.rc == 4", "job.stdout == 'partial'", "job.finished == 1"] }
            """);

        Assert.True(report.ExitCode == ExitCodes.Success, Describe(report));
        Assert.True(report.Hosts[0].Tasks[0].Ignored);
    }

    [Fact]
    public async Task Run_JobOutlivesItsAsyncSeconds_KilledAndTheTaskFailsAsInAnsible()
    {
        var report = await RunAsync("""
            - hosts: all
              gather_facts: false
              tasks:
                - name: Too long
                  shell: "sleep 3187 & sleep 3187; wait"
                  async: 2
                  poll: 1
                  register: job
                  ignore_errors: true
                - assert: { that: ["job is failed", "job is not changed", "job.async_result.ansible_job_id is defined"] }
            """);

        var task = report.Hosts[0].Tasks[0];
        Assert.Equal((TaskOutcome.Failed, "async task did not complete within the requested time - 2s"), (task.Status, task.Message));
        Assert.True(report.ExitCode == ExitCodes.Success, Describe(report));
        Assert.True(await GoneAsync("sleep 3187"), "the job's processes outlived the task");
    }

    [Fact]
    public async Task Run_PollZeroThenAsyncStatusUntilFinished_ReadsTheJobsResultThenCleansUp()
    {
        var report = await RunAsync("""
            - hosts: all
              gather_facts: false
              vars: { limit: 30, interval: 0 }
              tasks:
                - name: Fire
                  shell: "sleep 1; echo done"
                  async: "{{ limit }}"
                  poll: "{{ interval }}"
                  register: fired
                - assert: { that: ["fired is changed", "fired.finished == 0", "fired.started == 1", "fired.results_file is defined"] }
                - name: Wait
                  async_status: { jid: "{{ fired.ansible_job_id }}" }
                  register: job
                  until: job.finished
                  retries: 20
                  delay: 1
                - assert: { that: ["job.stdout == 'done'", "job.rc == 0", "job is changed", "job.attempts > 1"] }
                - name: Clean
                  async_status: { jid: "{{ fired.ansible_job_id }}", mode: cleanup }
                  register: cleaned
                - assert: { that: ["cleaned.erased == fired.results_file", "cleaned is not changed"] }
                - name: Gone
                  async_status: { jid: "{{ fired.ansible_job_id }}" }
                  register: gone
                  ignore_errors: true
                - assert: { that: ["gone is failed", "gone.msg == 'could not find job'"] }
            """);

        Assert.True(report.ExitCode == ExitCodes.Success, Describe(report));
        Assert.Equal(TaskOutcome.Changed, report.Hosts[0].Tasks[0].Status);
    }

    [Fact]
    public async Task Run_PollZeroWithNothingToChange_StillRegistersAJobAsyncStatusFinds()
    {
        var report = await RunAsync("""
            - hosts: all
              gather_facts: false
              tasks:
                - name: Nothing to do
                  command: { cmd: "false", creates: / }
                  async: 10
                  poll: 0
                  register: fired
                - async_status: { jid: "{{ fired.ansible_job_id }}", mode: status }
                  register: job
                - assert: { that: ["job.finished == 1", "job is not changed", "job is not failed"] }
                - async_status: { jid: "{{ fired.ansible_job_id }}", mode: cleanup }
            """);

        Assert.True(report.ExitCode == ExitCodes.Success, Describe(report));
    }

    [Fact]
    public async Task Run_AsyncInCheckMode_FailsAsAnsibleDoes_AsyncStatusIsSkipped()
    {
        var report = await RunAsync("""
            - hosts: all
              gather_facts: false
              tasks:
                - name: Job
                  command: echo hi
                  async: 10
                  poll: 1
                  ignore_errors: true
                - name: Status
                  async_status: { jid: j1.1 }
            """, new RunOptions { Mode = "check" });

        var tasks = report.Hosts[0].Tasks;
        Assert.Equal((TaskOutcome.Failed, "check mode and async cannot be used on same task."), (tasks[0].Status, tasks[0].Message));
        Assert.Equal(TaskOutcome.Skipped, tasks[1].Status);
    }

    [Fact]
    public async Task Run_AsyncInALoop_EachItemIsItsOwnJob()
    {
        var report = await RunAsync("""
            - hosts: all
              gather_facts: false
              tasks:
                - name: Jobs
                  command: "echo {{ item }}"
                  loop: [a, b]
                  async: 10
                  poll: 1
                  register: jobs
                - assert:
                    that:
                      - jobs.results | map(attribute='stdout') | list == ['a', 'b']
                      - jobs.results | map(attribute='ansible_job_id') | unique | length == 2
            """);

        Assert.True(report.ExitCode == ExitCodes.Success, Describe(report));
    }

    private static string Describe(RunReport report) =>
        string.Join("\n", report.Hosts[0].Tasks.Select(t => $"{t.Name}: {t.Status} {t.Message}")) + "\n" + report.Hosts[0].Error;

    /// <summary>True once no process runs <paramref name="marker"/> (the kill is sent before the task ends; the kernel may take a moment).</summary>
    private static async Task<bool> GoneAsync(string marker)
    {
        for (var i = 0; i < 20; i++)
        {
            var ps = Process.Start(new ProcessStartInfo("pgrep", ["-f", marker]) { RedirectStandardOutput = true })!;
            await ps.WaitForExitAsync();
            if (ps.ExitCode != 0)
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    public void Dispose() => _files.Dispose();
}
