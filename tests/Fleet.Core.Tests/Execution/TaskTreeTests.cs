using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Fleet.Tests;

namespace Fleet.Core.Tests.Execution;

/// <summary>The task tree as Ansible runs it (blocks, loops, register, set_fact, includes, roles), over a local shell transport.</summary>
public sealed class TaskTreeTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private string Write(string name, string text) => _files.Write(name, text);

    private async Task<HostResult> RunAsync(string playbook, string hosts = "h1")
    {
        var report = await LocalRuns.RunAsync(_files, "all:\n  children:\n    web:\n      hosts:\n" + string.Join("", hosts.Split(',').Select(h => $"        {h}: {{ address: 127.0.0.1 }}\n")), playbook);
        ReportSchema.AssertValid(Fleet.Core.Reports.JsonReportWriter.ToJson(report));
        return report.Hosts[0];
    }

    private static string Statuses(HostResult host) => LocalRuns.Statuses(host);

    [Fact]
    public async Task Debug_VerbosityAboveTheRuns_IsSkipped_MsgWithVar_Fails()
    {
        var host = await RunAsync("""
            - hosts: all
              gather_facts: false
              tasks:
                - name: quiet
                  debug: { msg: shown, verbosity: 0 }
                - name: loud
                  debug: { msg: hidden, verbosity: 1 }
                - name: both
                  debug: { msg: a, var: b }
                  ignore_errors: true
            """);

        Assert.Equal("ok quiet\nskipped loud\nfailed both", Statuses(host));
    }

    [Fact]
    public async Task Block_FailedTask_RunsRescueAndAlways_AndTheHostIsNotFailed()
    {
        var host = await RunAsync("""
            - hosts: all
              tasks:
                - name: guarded
                  vars: { who: block }
                  block:
                    - name: breaks
                      shell: exit 3
                    - name: never reached
                      debug: { msg: no }
                  rescue:
                    - name: rescue sees the failure
                      assert: { that: ["ansible_failed_result.rc == 3", "who == 'block'"] }
                  always:
                    - name: always
                      debug: { msg: "{{ who }}" }
                - name: after
                  debug: { msg: goes on }
            """);

        Assert.Equal("failed breaks\nok rescue sees the failure\nok always\nok after", Statuses(host));
        Assert.Equal(HostStatus.Ok, host.Status);
        Assert.Equal(0, host.Count(TaskOutcome.Failed));
        Assert.True(host.Tasks[0].Rescued);
    }

    [Fact]
    public async Task Block_WithoutRescue_FailsTheHostAfterAlways()
    {
        var host = await RunAsync("""
            - hosts: all
              tasks:
                - block:
                    - { name: breaks, shell: exit 1 }
                  always:
                    - { name: always, debug: { msg: x } }
                - { name: not reached, debug: { msg: y } }
            """);

        Assert.Equal("failed breaks\nok always", Statuses(host));
        Assert.Equal(HostStatus.Failed, host.Status);
    }

    [Fact]
    public async Task Loop_Register_ResultsPerItem_DriveLaterConditions()
    {
        var host = await RunAsync("""
            - hosts: all
              tasks:
                - name: echo items
                  shell: "echo {{ item }}"
                  loop: [a, b, c]
                  register: echoed
                  changed_when: false
                - name: results have Ansible's shape
                  assert:
                    that:
                      - echoed.results | length == 3
                      - echoed.results[1].stdout == 'b'
                      - echoed.results[2].item == 'c'
                      - echoed.results[0].stdout_lines == ['a']
                      - echoed is succeeded
                      - echoed is not changed
                - name: skipped per item
                  debug: { msg: "{{ idx }}" }
                  loop: "{{ echoed.results }}"
                  loop_control: { loop_var: r, index_var: idx }
                  when: r.stdout == 'z'
                - name: changed_when expression
                  shell: "true"
                  register: probe
                  changed_when: probe.rc == 0
                - name: failed_when expression
                  shell: "echo hi; exit 2"
                  register: soft
                  failed_when: soft.rc not in [0, 2]
                  changed_when: false
            """);

        Assert.Equal("ok echo items\nok results have Ansible's shape\nskipped skipped per item\nchanged changed_when expression\nok failed_when expression", Statuses(host));
    }

    [Fact]
    public async Task LoopControlPause_WaitsBeforeEachItemAfterTheFirst()
    {
        // Ansible's task executor sleeps loop_control.pause seconds between iterations (githubixx.harden_linux's ufw rules use it).
        var host = await RunAsync("""
            - hosts: all
              gather_facts: false
              tasks:
                - name: stamped
                  command: date +%s.%N
                  loop: [1, 2, 3]
                  loop_control: { pause: 0.3 }
                  register: stamps
                  changed_when: false
                - name: items were apart
                  assert:
                    that: (stamps.results[2].stdout | float) - (stamps.results[0].stdout | float) >= 0.55
            """);

        Assert.Equal("ok stamped\nok items were apart", Statuses(host));
    }

    [Fact]
    public async Task SetFact_IsHostScoped_AndVisibleInLaterPlaysAndHostvars()
    {
        var host = await RunAsync("""
            - hosts: all
              tasks:
                - set_fact: { flavour: "{{ inventory_hostname }}-x", flag: "yes" }
            - hosts: all
              tasks:
                - assert:
                    that:
                      - flavour == 'h1-x'
                      - flag
                      - hostvars['h2'].flavour == 'h2-x'
                      - "'web' in group_names"
            """, "h1,h2");

        Assert.Equal("ok set_fact\nok assert", Statuses(host));
    }

    [Fact]
    public async Task SetFact_WithATemplatedName_SetsOneVariablePerItem()
    {
        var host = await RunAsync("""
            - hosts: all
              vars:
                pairs: { alpha: 1, beta: "yes" }
              tasks:
                - set_fact:
                    "{{ item.key }}": "{{ item.value }}"
                    cacheable: false
                  with_dict: "{{ pairs }}"
                - assert:
                    that:
                      - alpha == 1
                      - beta is sameas true
            """);

        Assert.Equal("ok set_fact\nok assert", Statuses(host));
    }

    [Fact]
    public async Task SetFact_WithATemplatedNameThatIsNoVariableName_FailsAsAnsible()
    {
        var host = await RunAsync("""
            - hosts: all
              tasks:
                - set_fact:
                    "{{ 'bad name' }}": 1
            """);

        Assert.Equal("failed set_fact", Statuses(host));
        Assert.Equal("The variable name 'bad name' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.", host.Tasks[0].Message);
    }

    [Fact]
    public async Task Until_RetriesUntilTheConditionHolds()
    {
        var counter = Path.Combine(_files.Dir, "count");
        var host = await RunAsync($$"""
            - hosts: all
              tasks:
                - name: third time lucky
                  shell: "echo x >> {{counter}}; wc -l < {{counter}}"
                  register: tries
                  until: tries.stdout == '3'
                  retries: 5
                  delay: 0
            """.Replace("{{counter}}", counter, StringComparison.Ordinal));

        Assert.Equal(3, host.Tasks[0].Attempts);
        Assert.Equal(TaskOutcome.Changed, host.Tasks[0].Status);
    }

    [Fact]
    public async Task Roles_DefaultsVarsDependenciesHandlersAndIncludes_RunAsAnsible()
    {
        Write("roles/base/defaults/main.yml", "base_word: default\nbase_other: low\n");
        Write("roles/base/tasks/main.yml", "- name: base says\n  debug: { msg: \"{{ base_word }}\" }\n");
        Write("roles/app/meta/main.yml", "dependencies:\n  - role: base\n");
        Write("roles/app/defaults/main.yml", "app_level: default\n");
        Write("roles/app/vars/main.yml", "app_level: vars\n");
        Write("roles/app/tasks/main.yml", """
            - name: levels
              assert: { that: ["app_level == 'vars'", "app_param == 'given'", "base_other == 'low'"] }
            - name: per family
              include_tasks: "{{ family }}.yml"
            - name: notify by topic
              shell: "true"
              notify: app topic
            """);
        Write("roles/app/tasks/debian.yml", "- name: included\n  debug: { msg: debian }\n");
        Write("roles/app/handlers/main.yml", "- name: app handler\n  listen: app topic\n  debug: { msg: handled }\n");
        var host = await RunAsync("""
            - hosts: all
              vars: { family: debian }
              roles:
                - role: app
                  app_param: given
              tasks:
                - import_role: { name: base }
            """);

        Assert.Equal(
            "ok base : base says\nok app : levels\nok app : per family\nok app : included\nchanged app : notify by topic\nok base : base says\nok app : app handler",
            Statuses(host));
    }

    [Fact]
    public async Task Roles_DefaultsAndVarsAsDirectories_AreEveryFileMergedInNameOrder()
    {
        Write("roles/split/defaults/main/10-base.yml", "word: base\nkept: from base\n");
        Write("roles/split/defaults/main/20-over.yml", "word: over\n");
        Write("roles/split/defaults/main/nested/30-deep.yaml", "deep: yes\n");
        Write("roles/split/defaults/main/.hidden.yml", "word: hidden\n");
        Write("roles/split/defaults/main/notes.txt", "word: text\n");
        Write("roles/split/vars/main/only.yml", "level: vars\n");
        Write("roles/split/tasks/main.yml", "- name: merged\n  assert: { that: [\"word == 'over'\", \"kept == 'from base'\", \"deep\", \"level == 'vars'\"] }\n");
        var host = await RunAsync("""
            - hosts: all
              roles: [split]
            """);

        Assert.Equal("ok split : merged", Statuses(host));
    }

    [Fact]
    public async Task IncludeTasks_WithLoopAndWhen_RunsOncePerItem()
    {
        Write("item.yml", "- name: item {{ item }}\n  debug: { msg: \"{{ item }}\" }\n");
        var host = await RunAsync("""
            - hosts: all
              tasks:
                - include_tasks: item.yml
                  loop: [1, 2]
                - include_tasks: item.yml
                  when: false
            """);

        // As ansible-playbook reports it: the include once for the whole loop, then each item's tasks.
        Assert.Equal("ok include_tasks\nok item 1\nok item 2\nskipped include_tasks", Statuses(host));
    }

    [Fact]
    public async Task RoleName_CollectionRoleIsShort_AnsibleRoleNameAsWritten_DottedPlainRoleKeepsItsDots()
    {
        // As ansible-playbook 2.14 sets them (checked with it on the same roles).
        const string task = "- debug: msg=\"{{ role_name }}|{{ ansible_role_name }}\"\n";
        Write("collections/ansible_collections/ns/col/roles/rr/tasks/main.yml", task);
        Write("roles/a.b/tasks/main.yml", task);

        var host = await RunAsync("- hosts: all\n  gather_facts: false\n  roles: [ns.col.rr, a.b]\n");

        Assert.Equal(["ns.col.rr : debug rr|ns.col.rr", "a.b : debug a.b|a.b"], host.Tasks.Select(t => $"{t.Name} {t.Message}"));
    }
}
