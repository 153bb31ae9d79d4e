using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Tests;

namespace Fleet.Core.Tests.Playbooks;

/// <summary>Reading task trees: blocks, imports, roles and YAML merge keys, with errors at their file:line:column.</summary>
public sealed class TaskTreeLoadingTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private IReadOnlyList<InputError> Errors(string playbook) => _files.PlaybookErrors(playbook);

    [Fact]
    public void Role_ErrorInsideItsTasks_IsReportedAtTheRoleFilesLocation()
    {
        var tasks = _files.Write("roles/web/tasks/main.yml", "- name: ok\n  debug: { msg: hi }\n- name: bad\n  copy: { dest: /x, contnt: y }\n");

        var error = Assert.Single(Errors("- hosts: all\n  roles: [web]\n"));

        Assert.Equal((tasks, 4), (error.Location!.Value.File, error.Location.Value.Line));
        Assert.Contains("unknown parameter 'contnt'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Role_Missing_IsNamedWithWhereItWasLookedFor()
    {
        var error = Assert.Single(Errors("- hosts: all\n  roles:\n    - role: nowhere\n"));

        Assert.Equal(3, error.Location!.Value.Line);
        Assert.Contains("role 'nowhere' not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DelegateTo_OnIncludeTasks_IsALocatedError_NotIgnored()
    {
        _files.Write("x.yml", "- debug: { msg: x }\n");

        var error = Assert.Single(Errors("- hosts: all\n  tasks:\n    - include_tasks: x.yml\n      delegate_to: localhost\n"));

        Assert.Equal((4, 20), (error.Location!.Value.Line, error.Location.Value.Column));
        Assert.StartsWith("include_tasks with delegate_to, local_action or run_once is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ImportTasks_Cycle_IsReported()
    {
        _files.Write("a.yml", "- import_tasks: b.yml\n");
        _files.Write("b.yml", "- import_tasks: a.yml\n");

        Assert.Contains(Errors("- hosts: all\n  tasks:\n    - import_tasks: a.yml\n"), e => e.Message.StartsWith("import cycle", StringComparison.Ordinal));
    }

    [Fact]
    public void Block_KeywordsAndNesting_AreRead()
    {
        var play = PlaybookLoader.Load(_files.Write("b.yml", """
            - hosts: all
              tasks:
                - name: outer
                  tags: [t1]
                  when: x is defined
                  block:
                    - block:
                        - { name: inner, debug: { msg: hi }, tags: [t2] }
                  rescue:
                    - { name: r, debug: { msg: r } }
            """), ModuleCatalog.Default).Plays[0];

        var outer = Assert.Single(play.Tasks);
        Assert.Equal(TaskKind.Block, outer.Keywords.Kind);
        var inner = outer.Flatten().Single(t => t.Name == "inner");
        Assert.Equal(["t1", "t2"], inner.Tags);
        Assert.Single(outer.Keywords.Block!.Rescue);
    }

    [Fact]
    public void MergeKey_AddsTheAnchorsKeys_AndWrittenKeysWin()
    {
        var play = PlaybookLoader.Load(_files.Write("m.yml", """
            - hosts: all
              vars:
                base: &base { owner: root, mode: "0600" }
              tasks:
                - copy:
                    <<: *base
                    mode: "0644"
                    dest: /x
                    content: y
            """), ModuleCatalog.Default).Plays[0];

        var args = play.Tasks[0].Args;
        Assert.Equal("root", (args["owner"] as ScalarArg)?.Value);
        Assert.Equal("0644", (args["mode"] as ScalarArg)?.Value);
        Assert.Null(args["<<"]);
    }
}
