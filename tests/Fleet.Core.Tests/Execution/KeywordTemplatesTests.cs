using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Execution;

/// <summary>
/// Keywords Ansible lets you template (<c>ignore_errors: "{{ ansible_check_mode }}"</c>): parsed when the playbook loads, rendered
/// for each host when its task runs and converted as Ansible converts them; a literal of the wrong type stays a load error.
/// </summary>
public sealed class KeywordTemplatesTests : IDisposable
{
    private readonly TempFiles _files = new();

    private string Write(string name, string text) => _files.Write(name, text);

    private Task<RunReport> RunAsync(string playbook, RunOptions? options = null, string hosts = "h1") =>
        LocalRuns.RunAsync(_files, "all:\n  hosts:\n" + string.Join("", hosts.Split(',').Select(h => $"    {h}: {{ address: 127.0.0.1, fail_here: {(h == "h2" ? "yes" : "no")} }}\n")), playbook, options);

    private List<InputError> LoadErrors(string playbook)
    {
        try
        {
            PlaybookLoader.Load(Write("bad.yml", playbook), ModuleCatalog.Default);
            return [];
        }
        catch (FleetInputException ex)
        {
            return [.. ex.Errors];
        }
    }

    [Theory]
    [InlineData("ignore_errors")]
    [InlineData("become")]
    [InlineData("check_mode")]
    [InlineData("no_log")]
    [InlineData("any_errors_fatal")]
    [InlineData("retries")]
    [InlineData("delay")]
    [InlineData("timeout")]
    [InlineData("throttle")]
    public void Load_TemplatedTaskKeyword_IsKeptForTheHost(string keyword)
    {
        var task = PlaybookLoader.Load(Write($"{keyword}.yml", $"- hosts: all\n  tasks:\n    - command: \"true\"\n      {keyword}: \"{{{{ some_var }}}}\"\n"), ModuleCatalog.Default).Plays[0].Tasks[0];

        var template = Assert.Single(task.Keywords.Templates);
        Assert.Equal((keyword, "{{ some_var }}", 4), (template.Keyword, template.Text, template.Location.Line));
    }

    [Theory]
    [InlineData("ignore_errors")]
    [InlineData("become")]
    [InlineData("check_mode")]
    [InlineData("no_log")]
    [InlineData("any_errors_fatal")]
    public void Load_TemplatedBlockAndPlayKeyword_IsKept(string keyword)
    {
        var play = PlaybookLoader.Load(Write($"b-{keyword}.yml", $"- hosts: all\n  {keyword}: \"{{{{ a }}}}\"\n  tasks:\n    - block:\n        - command: \"true\"\n      {keyword}: \"{{{{ b }}}}\"\n"), ModuleCatalog.Default).Plays[0];

        Assert.Equal(["{{ a }}"], play.Keywords!.Keywords.Templates.Select(t => t.Text));
        Assert.Equal(["{{ b }}"], play.Tasks[0].Keywords.Templates.Select(t => t.Text));
    }

    [Theory]
    [InlineData("ignore_errors: maybe", "ignore_errors must be true or false")]
    [InlineData("retries: many", "retries must be a whole number of attempts")]
    [InlineData("delay: -1", "delay must be a whole number of seconds")]
    [InlineData("ignore_errors: \"{{ x \"", "")]
    public void Load_BadLiteralOrTemplateSyntax_IsALocatedError(string line, string message)
    {
        var error = Assert.Single(LoadErrors($"- hosts: all\n  tasks:\n    - command: \"true\"\n      {line}\n"));

        Assert.Equal(4, error.Location!.Value.Line);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_IgnoreErrorsFromCheckMode_AsTheDevSecHandlerWritesIt()
    {
        const string playbook = """
            - hosts: all
              tasks:
                - name: Fails
                  fail: { msg: boom }
                  ignore_errors: "{{ ansible_check_mode }}"
                - name: After
                  command: "true"
            """;

        var apply = await RunAsync(playbook);
        var check = await RunAsync(playbook, new RunOptions { Mode = "check" });

        Assert.Equal(HostStatus.Failed, apply.Hosts[0].Status);
        Assert.Single(apply.Hosts[0].Tasks);
        Assert.Equal(2, check.Hosts[0].Tasks.Count);
        Assert.True(check.Hosts[0].Tasks[0].Ignored);
    }

    [Theory]
    [InlineData("yes", true)]
    [InlineData("'False'", false)]
    [InlineData("1", true)]
    [InlineData("off", false)]
    public async Task Run_IgnoreErrorsFromAVariable_UsesAnsiblesTruthWords(string value, bool ignored)
    {
        var report = await RunAsync($$$"""
            - hosts: all
              vars: { tolerate: {{{value}}} }
              tasks:
                - name: Fails
                  shell: exit 3
                  ignore_errors: "{{ tolerate }}"
                - name: After
                  command: "true"
            """);

        Assert.Equal(ignored, report.Hosts[0].Tasks[0].Ignored);
        Assert.Equal(ignored ? 2 : 1, report.Hosts[0].Tasks.Count);
    }

    [Fact]
    public async Task Run_IgnoreErrorsPerHost_EachHostItsOwnValue()
    {
        var report = await RunAsync("""
            - hosts: all
              tasks:
                - name: Fails
                  shell: exit 3
                  ignore_errors: "{{ not fail_here }}"
            """, hosts: "h1,h2");

        Assert.Equal(HostStatus.Ok, report.Hosts.Single(h => h.Name == "h1").Status);
        Assert.Equal(HostStatus.Failed, report.Hosts.Single(h => h.Name == "h2").Status);
    }

    [Fact]
    public async Task Run_RetriesAndDelayFromVariables_RetryAsMuch()
    {
        var marker = Path.Combine(_files.Dir, "attempts");
        var report = await RunAsync($$$"""
            - hosts: all
              vars: { tries: "3", pause: 0 }
              tasks:
                - name: Fails twice
                  shell: "echo x >> {{{marker}}}; test $(wc -l < {{{marker}}}) -ge 3"
                  retries: "{{ tries }}"
                  delay: "{{ pause }}"
            """);

        Assert.Equal((TaskOutcome.Changed, 3), (report.Hosts[0].Tasks[0].Status, report.Hosts[0].Tasks[0].Attempts));
    }

    [Fact]
    public async Task Run_TemplateOfTheWrongType_FailsTheTaskOnThatHostWithItsPlace()
    {
        var report = await RunAsync("""
            - hosts: all
              vars: { tries: lots }
              tasks:
                - name: Retried
                  command: "true"
                  retries: "{{ tries }}"
            """);

        var task = Assert.Single(report.Hosts[0].Tasks);
        Assert.Equal(TaskOutcome.Failed, task.Status);
        Assert.Contains("playbook.yml:6:", task.Message, StringComparison.Ordinal);
        Assert.Contains("retries must be a whole number of attempts from 0 to 10000, not str 'lots'", task.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BlockAndPlayTemplates_ReachTheirTasks_AnInnerLiteralWins()
    {
        var report = await RunAsync("""
            - hosts: all
              vars: { lenient: true, quiet: yes }
              no_log: "{{ quiet }}"
              tasks:
                - block:
                    - name: Ignored by the block's template
                      shell: exit 3
                  ignore_errors: "{{ lenient }}"
                - block:
                    - name: Not in check mode (the inner literal wins)
                      command: "true"
                      check_mode: false
                  check_mode: "{{ lenient }}"
            """, new RunOptions());

        var tasks = report.Hosts[0].Tasks;
        Assert.True(tasks[0].Ignored);
        Assert.Equal("(hidden: no_log)", tasks[0].Message);
        Assert.Equal(TaskOutcome.Changed, tasks[1].Status);
    }

    [Fact]
    public async Task Run_AnyErrorsFatalOnTheTask_StopsTheOtherHosts()
    {
        var report = await RunAsync("""
            - hosts: all
              tasks:
                - name: Fails on h2
                  shell: "{% if fail_here %}exit 3{% else %}sleep 2{% endif %}"
                  any_errors_fatal: "{{ true }}"
                - name: After
                  command: "true"
            """, hosts: "h1,h2");

        Assert.All(report.Hosts, h => Assert.Equal(HostStatus.Failed, h.Status));
        Assert.Contains("any_errors_fatal", report.Hosts.Single(h => h.Name == "h1").Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SerialAndMaxFailPercentageFromVariables_BatchAndAbortAsWritten()
    {
        var report = await RunAsync("""
            - hosts: all
              serial: "{{ batch }}"
              max_fail_percentage: "{{ limit }}"
              vars: { batch: 1 }
              tasks:
                - name: Fails on h2
                  shell: "{% if fail_here %}exit 3{% endif %}"
            """, new RunOptions { ExtraVars = new Dictionary<string, object?>(StringComparer.Ordinal) { ["limit"] = 0L } }, hosts: "h1,h2,h3");

        Assert.Equal(HostStatus.Changed, report.Hosts.Single(h => h.Name == "h1").Status);
        Assert.Equal(HostStatus.Failed, report.Hosts.Single(h => h.Name == "h2").Status);
        Assert.StartsWith("not run: more than 0%", report.Hosts.Single(h => h.Name == "h3").Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SerialTemplateOfTheWrongType_IsALocatedError()
    {
        var ex = await Assert.ThrowsAsync<FleetInputException>(() => RunAsync("""
            - hosts: all
              serial: "{{ 'many' }}"
              tasks:
                - command: "true"
            """));

        Assert.Equal(2, ex.Errors[0].Location!.Value.Line);
        Assert.Contains("serial must be a positive number of hosts or a percentage like 25%, not str 'many'", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _files.Dispose();
}
