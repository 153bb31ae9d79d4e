using Fleet.Core.Modules;
using Fleet.Core.Playbooks;

namespace Fleet.Core.Tests.Playbooks;

/// <summary>The old <c>action:</c> form, the <c>diff</c> keyword, the meta actions and role reuse, read as Ansible reads them.</summary>
public sealed class ActionAndDiffKeywordTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private Playbook Load(string playbook) => _files.LoadPlaybook(playbook);

    private TaskDefinition FirstTask(string tasks) => Load("- hosts: all\n  tasks:\n" + tasks).Plays[0].Tasks[0];

    private IReadOnlyList<InputError> Errors(string playbook) => _files.PlaybookErrors(playbook);

    [Fact]
    public void Action_FreeForm_NamesTheModuleAndRunsOnTheHost()
    {
        var task = FirstTask("    - action: command touch /tmp/x creates=/tmp/x\n");

        Assert.Equal(("command", null), (task.Module, task.Keywords.DelegateTo));
        Assert.Equal("touch /tmp/x", ((ScalarArg)task.Args["cmd"]!).Value);
        Assert.Equal("/tmp/x", ((ScalarArg)task.Args["creates"]!).Value);
    }

    [Fact]
    public void Action_FreeFormWithATemplateHoldingSpaces_KeepsTheTemplateInOneValue()
    {
        var task = FirstTask("    - action: file path={{ root }}/x state=directory mode=0750\n");

        Assert.Equal(("file", "{{ root }}/x", "0750"), (task.Module, ((ScalarArg)task.Args["path"]!).Value, ((ScalarArg)task.Args["mode"]!).Value));
    }

    [Fact]
    public void Action_Mapping_TakesItsModuleKeyAndArgs()
    {
        var task = FirstTask("    - action:\n        module: copy\n        dest: /tmp/x\n      args:\n        content: hi\n");

        Assert.Equal("copy", task.Module);
        Assert.Equal(["content", "dest"], task.Args.Entries.Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Action_BesideAModuleKey_IsConflictingActionStatements()
    {
        var error = Assert.Single(Errors("- hosts: all\n  tasks:\n    - action: debug msg=a\n      debug: msg=b\n"));

        Assert.Equal(3, error.Location!.Value.Line);
        Assert.StartsWith("conflicting action statements: action, debug", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Action_BesideAMisspeltKeyword_NamesTheKeyword()
    {
        var error = Assert.Single(Errors("- hosts: all\n  tasks:\n    - action: debug msg=a\n      nmae: x\n"));

        Assert.Equal(4, error.Location!.Value.Line);
        Assert.StartsWith("unknown task key 'nmae'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_OnTaskBlockAndPlay_IsRead()
    {
        var play = Load("- hosts: all\n  diff: true\n  tasks:\n    - block:\n        - copy: { content: x, dest: /tmp/x }\n          diff: false\n      diff: \"{{ show }}\"\n").Plays[0];
        var block = play.Tasks[0];
        var task = block.Keywords.Block!.Tasks[0];

        Assert.Equal(true, play.Keywords!.Keywords.Diff);
        Assert.Equal((null, "diff"), (block.Keywords.Diff, Assert.Single(block.Keywords.Templates).Keyword));
        Assert.Equal(false, task.Keywords.Diff);
    }

    [Fact]
    public void Environment_OneTemplate_IsRenderedForEachHost()
    {
        var task = FirstTask("    - command: env\n      environment: \"{{ proxy_env }}\"\n");

        Assert.Empty(task.Keywords.Environment);
        Assert.Equal(("environment", "{{ proxy_env }}"), (Assert.Single(task.Keywords.Templates).Keyword, task.Keywords.Templates[0].Text));
    }

    [Fact]
    public void Diff_NotABoolean_IsALocatedError()
    {
        var error = Assert.Single(Errors("- hosts: all\n  tasks:\n    - debug: msg=a\n      diff: sometimes\n"));

        Assert.Equal(4, error.Location!.Value.Line);
    }

    [Theory]
    [InlineData("end_batch")]
    [InlineData("reset_connection")]
    [InlineData("clear_host_errors")]
    [InlineData("role_complete")]
    public void Meta_AnsiblesActions_AreAccepted(string action) =>
        Assert.Empty(Errors($"- hosts: all\n  tasks:\n    - meta: {action}\n"));

    [Fact]
    public void Meta_RefreshInventory_StaysALocatedError() =>
        Assert.Contains("meta: refresh_inventory is not supported", Assert.Single(Errors("- hosts: all\n  tasks:\n    - meta: refresh_inventory\n")).Message, StringComparison.Ordinal);

    [Fact]
    public void Role_ListedTwice_RunsOnceUnlessItsMetaAllowsDuplicates()
    {
        _files.Write("roles/once/tasks/main.yml", "- debug: msg=once\n");
        _files.Write("roles/twice/tasks/main.yml", "- debug: msg=twice\n");
        _files.Write("roles/twice/meta/main.yml", "allow_duplicates: true\n");

        var tasks = Load("- hosts: all\n  roles: [once, once, twice, twice]\n").Plays[0].Tasks;

        Assert.Equal(["once", "twice", "twice"], tasks.SelectMany(t => t.Flatten()).Where(t => t.Module == "debug").Select(t => ((ScalarArg)t.Args["msg"]!).Value));
    }

    [Fact]
    public void IncludeRole_TemplatedVarsFrom_IsReadWhenItRuns()
    {
        _files.Write("roles/r/tasks/main.yml", "- debug: msg=r\n");

        var task = FirstTask("    - include_role: { name: r, vars_from: \"{{ item }}\" }\n      loop: [a]\n");

        Assert.Equal((TaskKind.IncludeRole, null), (task.Keywords.Kind, task.Keywords.Preloaded));
    }
}
