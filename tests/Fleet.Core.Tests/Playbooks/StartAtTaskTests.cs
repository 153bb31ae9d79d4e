using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Tests;

namespace Fleet.Core.Tests.Playbooks;

/// <summary><c>--start-at-task</c>: which tasks are left, as ansible-playbook's iterator leaves them.</summary>
public sealed class StartAtTaskTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private Playbook Load()
    {
        _files.Write("roles/base/tasks/main.yml", "- name: Base first\n  debug: { msg: 1 }\n- name: Base second\n  debug: { msg: 2 }\n");
        _files.Write("later.yml", "- name: Inside the include\n  debug: { msg: 3 }\n");
        return PlaybookLoader.Load(_files.Write("site.yml", """
            - name: One
              hosts: all
              roles: [base]
              tasks:
                - name: Plain
                  debug: { msg: a }
                - name: Guarded
                  block:
                    - name: In the block
                      debug: { msg: b }
                    - name: Next in the block
                      debug: { msg: c }
                  always:
                    - name: Always after
                      debug: { msg: d }
                - name: Include
                  include_tasks: later.yml
            - name: Two
              hosts: all
              tasks:
                - name: Second play
                  debug: { msg: e }
            """), ModuleCatalog.Default);
    }

    // The tasks a run meets in order, as "role : name"; an include is one task (what it includes is read when it runs).
    private static List<string> Names(IReadOnlyList<Playbook> playbooks, int play) => Walk(playbooks[0].Plays[play].Tasks).ToList();

    private static IEnumerable<string> Walk(IEnumerable<TaskDefinition> nodes) => nodes.SelectMany(n => n.Keywords is { Kind: TaskKind.Block, Block: { } body }
        ? Walk(body.Tasks.Concat(body.Always))
        : [n.InRole(n.Name)]);

    [Fact]
    public void Apply_TaskInABlock_KeepsItTheRestAndTheAlways()
    {
        var (playbooks, matched) = StartAtTask.Apply([Load()], "Next in the block", [], []);

        Assert.True(matched);
        Assert.Equal(["Next in the block", "Always after", "Include"], Names(playbooks, 0));
        Assert.Equal(["Second play"], Names(playbooks, 1));
    }

    [Fact]
    public void Apply_RoleTaskByRoleAndName_OrByGlob()
    {
        var (byRole, _) = StartAtTask.Apply([Load()], "base : Base second", [], []);
        var (byGlob, _) = StartAtTask.Apply([Load()], "Base sec*", [], []);

        Assert.Equal(["base : Base second", "Plain", "In the block", "Next in the block", "Always after", "Include"], Names(byRole, 0));
        Assert.Equal(Names(byRole, 0), Names(byGlob, 0));
    }

    [Fact]
    public void Apply_TaskOfALaterPlay_EarlierPlaysRunNothing()
    {
        var (playbooks, matched) = StartAtTask.Apply([Load()], "Second play", [], []);

        Assert.True(matched);
        Assert.Empty(playbooks[0].Plays[0].Tasks);
        Assert.Empty(playbooks[0].Plays[0].HandlerFlushes);
        Assert.Equal(["Second play"], Names(playbooks, 1));
    }

    [Theory]
    [InlineData("Inside the include")]
    [InlineData("No such task")]
    public void Apply_InsideADynamicIncludeOrNowhere_MatchesNothing(string name)
    {
        var (_, matched) = StartAtTask.Apply([Load()], name, [], []);

        Assert.False(matched);
    }

    [Fact]
    public void Apply_TaskTheTagsLeaveOut_IsNotAStart()
    {
        var (_, matched) = StartAtTask.Apply([Load()], "Plain", ["nothing-has-this"], []);

        Assert.False(matched);
    }
}
