using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Fleet.Tests;

namespace Fleet.Core.Tests.Execution;

/// <summary>The runner's scheduling rules (serial, max-fail-percent, tags, limit) over a local shell transport.</summary>
public sealed class PlaybookRunnerTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-runner-test-");

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task<(RunReport Report, List<string> Events)> RunAsync(
        string hosts, string playbook, RunOptions options, ModuleCatalog? catalog = null, IRunObserver? observer = null)
    {
        catalog ??= ModuleCatalog.Default;
        var inventory = InventoryLoader.Load(Write("inventory.yml", "all:\n  hosts:\n" + string.Join("", hosts.Split(',').Select(h => $"    {h}: {{ address: 127.0.0.1 }}\n"))));
        var loaded = PlaybookLoader.Load(Write("playbook.yml", playbook), catalog);
        Assert.Empty(PlaybookValidator.Validate([loaded], inventory, options.ExtraVars, catalog));
        var connector = new LocalShellConnector();
        var report = await new PlaybookRunner(connector, catalog, observer).RunAsync(inventory, [loaded], options, CancellationToken.None);
        ReportSchema.AssertValid(Fleet.Core.Reports.JsonReportWriter.ToJson(report));
        return (report, connector.Events.ToList());
    }

    private const string Echo = """
        - name: Echo
          hosts: all
          tasks:
            - name: Tagged a
              shell: echo "event a $FLEET_HOST"
              tags: [a]
            - name: Tagged b
              shell: echo "event b $FLEET_HOST"
              tags: [b]
            - name: Always
              shell: echo "event always $FLEET_HOST"
              tags: [always]
        """;

    [Fact]
    public async Task Run_Tags_RunsOnlyTaggedTasksAndAlways()
    {
        var (report, events) = await RunAsync("h1", Echo, new RunOptions { Tags = ["b"] });

        Assert.Equal(["connect h1", "b h1", "always h1"], events);
        Assert.Equal(2, report.Hosts[0].Tasks.Count);
    }

    [Fact]
    public async Task Run_SkipTags_NeverRunsThoseTasks()
    {
        var (_, events) = await RunAsync("h1", Echo, new RunOptions { SkipTags = ["a", "always"] });

        Assert.Equal(["connect h1", "b h1"], events);
    }

    [Fact]
    public async Task Run_NeverTag_RunsOnlyWhenAskedFor()
    {
        const string playbook = """
            - name: Never
              hosts: all
              tasks:
                - name: Normal
                  shell: echo "event normal $FLEET_HOST"
                - name: Debug only
                  shell: echo "event debug $FLEET_HOST"
                  tags: [never, debug]
            """;

        var (_, plain) = await RunAsync("h1", playbook, new RunOptions());
        var (_, asked) = await RunAsync("h1", playbook, new RunOptions { Tags = ["debug"] });

        Assert.Equal(["connect h1", "normal h1"], plain);
        Assert.Equal(["connect h1", "debug h1"], asked);
    }

    [Fact]
    public async Task Run_Limit_OnlyMatchingHosts()
    {
        var (report, _) = await RunAsync("web1,web2,db1", Echo, new RunOptions { Limit = "web*:!web2" });

        Assert.Equal(["web1"], report.Hosts.Select(h => h.Name));
    }

    [Fact]
    public async Task Run_Serial_BatchFinishesBeforeNextStarts()
    {
        var (report, events) = await RunAsync("h1,h2,h3,h4,h5", Echo, new RunOptions { Serial = "2", Tags = ["a"] });

        Assert.Equal(5, report.Hosts.Count);
        int Index(string e) => events.IndexOf(e);
        Assert.True(Index("always h1") < Index("connect h3") && Index("always h2") < Index("connect h3"), string.Join(" | ", events));
        Assert.True(Index("always h4") < Index("connect h5"), string.Join(" | ", events));
    }

    [Fact]
    public async Task Run_PlaySerialAndMaxFailPercentage_AsInAnsible()
    {
        var (report, events) = await RunAsync("down1,h2,h3,h4,h5", """
            - name: Rolling
              hosts: all
              serial: 2
              max_fail_percentage: 40
              tasks:
                - name: Echo
                  shell: echo "event echo $FLEET_HOST"
            """, new RunOptions());

        Assert.Equal(["connect h2", "echo h2"], events);
        Assert.All(report.Hosts.Where(h => h.Name is "h3" or "h4" or "h5"), h => Assert.Equal(HostStatus.Failed, h.Status));
    }

    [Fact]
    public async Task Run_MaxFailPercentExceeded_LaterBatchesDoNotRun()
    {
        var (report, events) = await RunAsync("down1,h2,h3,h4", Echo, new RunOptions { Serial = "2", MaxFailPercent = 40 });

        Assert.Equal(HostStatus.Unreachable, report.Hosts.Single(h => h.Name == "down1").Status);
        Assert.DoesNotContain(events, e => e.EndsWith("h3", StringComparison.Ordinal) || e.EndsWith("h4", StringComparison.Ordinal));
        Assert.All(report.Hosts.Where(h => h.Name is "h3" or "h4"), h => Assert.Equal((HostStatus.Failed, true), (h.Status, h.Error!.StartsWith("not run", StringComparison.Ordinal))));
        Assert.Equal(ExitCodes.TaskFailed, report.ExitCode);
    }

    [Fact]
    public async Task Run_UnreachableHost_OthersStillRun()
    {
        var (report, events) = await RunAsync("down1,h2", Echo, new RunOptions());

        Assert.Equal(HostStatus.Unreachable, report.Hosts[0].Status);
        Assert.Contains("refused", report.Hosts[0].Error, StringComparison.Ordinal);
        Assert.Equal(HostStatus.Changed, report.Hosts[1].Status);
        Assert.Contains("always h2", events);
    }

    [Fact]
    public async Task Run_WhenFalse_TaskSkippedWithReason()
    {
        var (report, events) = await RunAsync("h1,h2", """
            - name: Conditional
              hosts: all
              tasks:
                - name: Only h2, here {{ inventory_hostname }}
                  shell: echo "event only $FLEET_HOST"
                  when: inventory_hostname == 'h2'
            """, new RunOptions());

        Assert.Equal(["Only h2, here h1", "Only h2, here h2"], report.Hosts.Select(h => h.Tasks[0].Name));

        Assert.Equal(TaskOutcome.Skipped, report.Hosts[0].Tasks[0].Status);
        Assert.Equal(["only h2"], events.Where(e => e.StartsWith("only", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Run_WhenOnSystemFacts_SeesTheHostsFacts()
    {
        var kernel = (await File.ReadAllTextAsync("/proc/sys/kernel/osrelease")).Trim();

        var (report, events) = await RunAsync("h1", $$$"""
            - name: Facts
              hosts: all
              tasks:
                - name: Kernel known
                  shell: echo "event kernel {{ ansible_kernel }}"
                  when: ansible_kernel == '{{{kernel}}}' and ansible_os_family != ''
                - name: Never on this kernel
                  shell: echo "event never"
                  when: ansible_kernel in ['0.0-none']
            """, new RunOptions());

        Assert.Equal([TaskOutcome.Changed, TaskOutcome.Skipped], report.Hosts[0].Tasks.Select(t => t.Status));
        Assert.Equal(["kernel " + kernel], events.Where(e => e.StartsWith("kernel", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Run_GroupsMagicVariable_IsAvailableAtRunTime()
    {
        var (_, events) = await RunAsync("h1,h2", """
            - name: Groups
              hosts: all
              tasks:
                - name: Everyone
                  shell: echo "event all {{ groups['all'] | join(',') }} on {{ inventory_hostname }}"
                  when: "'h2' in groups['all'] and 'all' in groups"
            """, new RunOptions());

        Assert.Equal(["all h1,h2 on h1", "all h1,h2 on h2"], events.Where(e => e.StartsWith("all ", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Run_Handlers_OncePerPlayInWrittenOrder_ChainsAndNotOnFailedHosts()
    {
        var (report, events) = await RunAsync("h1,h2", """
            - name: Handlers
              hosts: all
              tasks:
                - name: First change
                  shell: echo "event task1 $FLEET_HOST"
                  notify: [restart, reload]
                - name: Second change
                  shell: echo "event task2 $FLEET_HOST"
                  notify: [reload]
                - name: Fails on h2
                  shell: '[ "$FLEET_HOST" != h2 ]'
              handlers:
                - name: reload
                  shell: echo "event reload $FLEET_HOST"
                  notify: [log]
                - name: restart
                  shell: echo "event restart $FLEET_HOST"
                - name: log
                  shell: echo "event log $FLEET_HOST"
            """, new RunOptions());

        Assert.Equal(["task1 h1", "task2 h1", "reload h1", "restart h1", "log h1"], events.Where(e => e.EndsWith(" h1", StringComparison.Ordinal) && !e.StartsWith("connect", StringComparison.Ordinal)));
        Assert.Equal(["task1 h2", "task2 h2"], events.Where(e => e.EndsWith(" h2", StringComparison.Ordinal) && !e.StartsWith("connect", StringComparison.Ordinal)));
        Assert.Equal(HostStatus.Failed, report.Hosts.Single(h => h.Name == "h2").Status);
    }

    [Fact]
    public async Task Check_EditsOfAFileAnEarlierTaskWouldCreate_ArePlannedOnItsPredictedContent()
    {
        var file = Path.Combine(_dir.FullName, "created-later.conf");
        var playbook = $$"""
            - name: Depends
              hosts: all
              tasks:
                - name: Create
                  copy: { dest: {{file}}, content: "a = 1\n", force: false, mode: "0600" }
                - name: Edit
                  lineinfile: { path: {{file}}, line: "b = 2" }
                - name: Mode already as the copy leaves it
                  file: { path: {{file}}, mode: "0600" }
            """;

        var (check, _) = await RunAsync("h1", playbook, new RunOptions { Mode = "check" });

        Assert.False(File.Exists(file), "check mode changed something");
        var tasks = check.Hosts[0].Tasks;
        Assert.Equal([TaskOutcome.Changed, TaskOutcome.Changed, TaskOutcome.Ok], tasks.Select(t => t.Status));
        Assert.Contains(" a = 1\n+b = 2", tasks[1].Diff, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Drift, check.ExitCode);

        await RunAsync("h1", playbook, new RunOptions());
        var (again, _) = await RunAsync("h1", playbook, new RunOptions { Mode = "check" });
        Assert.Equal(ExitCodes.Success, again.ExitCode);
    }

    [Fact]
    public async Task Check_TaskOnWhatACommandWouldCreate_IsReportedAsDependingOnIt()
    {
        var marker = Path.Combine(_dir.FullName, "made-by-command");

        var (check, _) = await RunAsync("h1", $$"""
            - name: Depends
              hosts: all
              tasks:
                - name: Make it
                  command: { cmd: touch {{marker}}, creates: {{marker}} }
                - name: Its mode
                  file: { path: {{marker}}, mode: "0600" }
            """, new RunOptions { Mode = "check" });

        var mode = check.Hosts[0].Tasks[1];
        Assert.Equal(TaskOutcome.Changed, mode.Status);
        Assert.Contains("an earlier task would change " + marker, mode.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(marker), "check mode ran the command");
    }

    [Fact]
    public async Task Check_KeyFileMissingForAUserAnEarlierTaskWouldCreate_FailsAsApplyWould()
    {
        // The missing controller file fails whatever the host's state; only what the earlier change alters is left unplanned.
        const string publicKey = "{{ public_key }}";
        var (check, _) = await RunAsync("h1", $$"""
            - name: Keys
              hosts: all
              tasks:
                - name: Where the key is (known at run time only, as a templated admin_public_key is)
                  set_fact: { public_key: "{{_dir.FullName}}/missing.pub" }
                - name: The user
                  user: { name: fleet-test-nobody-{{Environment.ProcessId}} }
                - name: Their key
                  authorized_key: { user: fleet-test-nobody-{{Environment.ProcessId}}, key_file: "{{publicKey}}" }
            """, new RunOptions { Mode = "check" });

        Assert.Equal(TaskOutcome.Changed, check.Hosts[0].Tasks[1].Status);
        var key = check.Hosts[0].Tasks[2];
        Assert.Equal(TaskOutcome.Failed, key.Status);
        Assert.Contains("key_file not found on the controller", key.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Run_ConnectionLostDuringTask_HostIsUnreachable(bool ignoreErrors)
    {
        var (report, events) = await RunAsync("drop1,h2", $$"""
            - name: Drop
              hosts: all
              tasks:
                - name: Connection drops on drop1
                  shell: echo "event ran $FLEET_HOST drop-here"
                  ignore_errors: {{(ignoreErrors ? "true" : "false")}}
                - name: After
                  shell: echo "event after $FLEET_HOST"
            """, new RunOptions());

        var dropped = report.Hosts.Single(h => h.Name == "drop1");
        Assert.Equal(HostStatus.Unreachable, dropped.Status);
        Assert.Contains("connection lost", dropped.Error, StringComparison.Ordinal);
        Assert.Single(dropped.Tasks);
        Assert.Equal(["after h2"], events.Where(e => e.StartsWith("after", StringComparison.Ordinal)));
        Assert.Equal(ExitCodes.Unreachable, report.ExitCode);
    }

    [Fact]
    public async Task Run_NoLog_HidesChangesDiffAndMessage()
    {
        var secretFile = Path.Combine(_dir.FullName, "secret.conf");

        var (report, _) = await RunAsync("h1", $$$"""
            - name: Secrets
              hosts: all
              vars: { token: s3cr3t-t0ken }
              tasks:
                - name: Secret file
                  copy: { dest: {{{secretFile}}}, content: "token={{ token }}\n" }
                  no_log: true
                - name: Secret failure
                  shell: echo "token={{ token }}" >&2; exit 3
                  no_log: true
                  ignore_errors: true
            """, new RunOptions { Diff = true });

        var json = Fleet.Core.Reports.JsonReportWriter.ToJson(report);
        Assert.DoesNotContain("s3cr3t-t0ken", json, StringComparison.Ordinal);
        Assert.Equal(["(hidden: no_log)"], report.Hosts[0].Tasks[0].Changes);
        Assert.Null(report.Hosts[0].Tasks[0].Diff);
        Assert.Equal((TaskOutcome.Failed, "(hidden: no_log)"), (report.Hosts[0].Tasks[1].Status, report.Hosts[0].Tasks[1].Message));
        Assert.Equal("token=s3cr3t-t0ken\n", await File.ReadAllTextAsync(secretFile));
    }

    [Fact]
    public async Task Run_NoLogWithRegister_LaterTasksUseTheResultTheReportHides()
    {
        var copied = Path.Combine(_dir.FullName, "length");

        var (report, _) = await RunAsync("h1", $$$"""
            - name: Secrets
              hosts: all
              tasks:
                - name: Secret command
                  command: echo s3cr3t-t0ken
                  register: secret
                  no_log: true
                  changed_when: secret.rc != 0
                  until: secret.stdout | length > 0
                - name: Uses it
                  copy: { dest: {{{copied}}}, content: "{{ secret.stdout | length }} {{ secret.rc }}\n" }
            """, new RunOptions());

        var json = Fleet.Core.Reports.JsonReportWriter.ToJson(report);
        Assert.DoesNotContain("s3cr3t-t0ken", json, StringComparison.Ordinal);
        Assert.Equal([TaskOutcome.Ok, TaskOutcome.Changed], report.Hosts[0].Tasks.Select(t => t.Status));
        Assert.Equal("12 0\n", await File.ReadAllTextAsync(copied));
    }

    [Fact]
    public async Task Run_UnforeseenErrorOnOneHost_FailsThatHostOnly()
    {
        var (report, events) = await RunAsync("boom1,h2", """
            - name: Boom
              hosts: all
              tasks:
                - name: Breaks on boom1
                  shell: echo "event ran $FLEET_HOST boom-here"
                - name: After
                  shell: echo "event after $FLEET_HOST"
            """, new RunOptions());

        var boom = report.Hosts.Single(h => h.Name == "boom1");
        Assert.Equal(HostStatus.Failed, boom.Status);
        Assert.Equal("internal error: InvalidOperationException: the transport broke", boom.Error);
        Assert.Equal(HostStatus.Changed, report.Hosts.Single(h => h.Name == "h2").Status);
        Assert.Contains("after h2", events);
        Assert.Equal(ExitCodes.TaskFailed, report.ExitCode);
    }

    [Fact]
    public async Task Run_PlannerThrows_TaskFailsAsInternalErrorInThatModuleAndTheStackTraceGoesToTheObserver()
    {
        var observer = new InternalErrorRecorder();
        var catalog = new ModuleCatalog([.. BuiltInModules.All(), new ThrowingModule()]);

        var (report, events) = await RunAsync("h1", """
            - name: Bug
              hosts: all
              tasks:
                - name: Planner has a bug
                  explode: {}
                - name: Never reached
                  shell: echo "event after $FLEET_HOST"
            """, new RunOptions(), catalog, observer);

        var task = report.Hosts[0].Tasks.Single();
        Assert.Equal(TaskOutcome.Failed, task.Status);
        Assert.Equal("internal error in module explode: the planner tripped", task.Message);
        Assert.Equal(HostStatus.Failed, report.Hosts[0].Status);
        Assert.DoesNotContain("after h1", events);
        var (host, exception) = Assert.Single(observer.Errors);
        Assert.Equal("h1", host);
        Assert.Contains(nameof(ThrowingModule), exception.StackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CommandWithUnterminatedQuoteAfterRendering_IsAPlainTaskFailure()
    {
        var (report, _) = await RunAsync("h1", """
            - name: Quote
              hosts: all
              vars: { word: "it's" }
              tasks:
                - command: "echo {{ word }}"
            """, new RunOptions());

        var task = report.Hosts[0].Tasks.Single();
        Assert.Equal(TaskOutcome.Failed, task.Status);
        Assert.StartsWith("unterminated quote in: ", task.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("apply", false, false)]
    [InlineData("apply", true, true)]
    [InlineData("check", false, true)]
    public async Task Run_DiffIsComputedOnlyWhenShown(string mode, bool diff, bool shown)
    {
        var module = new DiffCountingModule();
        var catalog = new ModuleCatalog([.. BuiltInModules.All(), module]);

        var (report, _) = await RunAsync("h1", """
            - name: Diff
              hosts: all
              tasks:
                - counted: {}
            """, new RunOptions { Mode = mode, Diff = diff }, catalog);

        Assert.Equal(TaskOutcome.Changed, report.Hosts[0].Tasks[0].Status);
        Assert.Equal(shown ? "the diff" : null, report.Hosts[0].Tasks[0].Diff);
        Assert.Equal(shown ? 1 : 0, module.DiffsComputed);
    }

    /// <summary>A module whose change has a diff that counts how often it is computed.</summary>
    private sealed class DiffCountingModule : Module
    {
        private int _diffsComputed;

        public int DiffsComputed => _diffsComputed;

        public override string Name => "counted";

        public override IReadOnlyList<ParameterSpec> Parameters => [];

        public override IReadOnlyList<Fleet.Core.Facts.Fact> Facts(ModuleArguments args, ModuleContext context) => [];

        public override TaskPlan Plan(ModuleArguments args, Fleet.Core.Facts.IFactSource facts, ModuleContext context) =>
            new Change(["something changed"], "true\n", []) { DiffSource = () => Interlocked.Increment(ref _diffsComputed) > 0 ? "the diff" : "" };
    }

    /// <summary>A module whose planner has a bug: it throws instead of returning a plan.</summary>
    private sealed class ThrowingModule : Module
    {
        public override string Name => "explode";

        public override IReadOnlyList<ParameterSpec> Parameters => [];

        public override IReadOnlyList<Fleet.Core.Facts.Fact> Facts(ModuleArguments args, ModuleContext context) => [];

        public override TaskPlan Plan(ModuleArguments args, Fleet.Core.Facts.IFactSource facts, ModuleContext context) =>
            throw new KeyNotFoundException("the planner tripped");
    }

    private sealed class InternalErrorRecorder : IRunObserver
    {
        public System.Collections.Concurrent.ConcurrentQueue<(string Host, Exception Exception)> Errors { get; } = new();

        public void HostStarted(string host) { }

        public void TaskStarted(string host, string play, string task) { }

        public void TaskFinished(string host, TaskResult result) { }

        public void HostFinished(HostResult result) { }

        public void InternalError(string host, Exception exception) => Errors.Enqueue((host, exception));
    }

    [Fact]
    public async Task Run_RetriesUntilSuccess_CountsAttempts()
    {
        var marker = Path.Combine(_dir.FullName, "attempts");
        var (report, _) = await RunAsync("h1", $$"""
            - name: Flaky
              hosts: all
              tasks:
                - name: Fails twice
                  shell: "echo x >> {{marker}}; test $(wc -l < {{marker}}) -ge 3"
                  retries: 3
                  delay: 0
            """, new RunOptions());

        var task = report.Hosts[0].Tasks[0];
        Assert.Equal(TaskOutcome.Changed, task.Status);
        Assert.Equal(3, task.Attempts);
    }

    [Fact]
    public async Task Run_EditsOfOneFile_EachTaskSeesTheChangesBeforeIt()
    {
        var file = Path.Combine(_dir.FullName, "edited.conf");
        var playbook = $$"""
            - name: Edits
              hosts: all
              tasks:
                - copy: { dest: "{{file}}", content: "a\n", force: false }
                - lineinfile: { path: "{{file}}", line: b }
                - lineinfile: { path: "{{file}}", line: c }
                - blockinfile: { path: "{{file}}", block: d }
            """;

        var (first, _) = await RunAsync("h1", playbook, new RunOptions());
        var (second, _) = await RunAsync("h1", playbook, new RunOptions());

        // A fact read before a change is stale after it: without re-reading, the third task would drop "b".
        Assert.Equal("a\nb\nc\n# BEGIN ANSIBLE MANAGED BLOCK\nd\n# END ANSIBLE MANAGED BLOCK\n", File.ReadAllText(file));
        Assert.Equal(4, first.Hosts[0].Count(TaskOutcome.Changed));
        Assert.Equal(0, second.Hosts[0].Count(TaskOutcome.Changed));
    }

    [Theory]
    [InlineData(10, null, 10)]
    [InlineData(10, "3", 3)]
    [InlineData(10, "25%", 3)]
    [InlineData(3, "10%", 1)]
    public void BatchSize_Serial_MatchesAnsible(int hosts, string? serial, int expected) =>
        Assert.Equal(expected, PlaybookRunner.BatchSize(hosts, serial));

    public void Dispose() => _dir.Delete(recursive: true);
}
