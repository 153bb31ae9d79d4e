using Fleet.Core.Execution;
using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;

namespace Fleet.Core.Tests.Execution;

/// <summary>The fact lookahead: the facts of the tasks after the current one, read ahead; a task not plannable yet is tried again.</summary>
public sealed class FactLookaheadTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-lookahead-test-");

    public void Dispose() => _dir.Delete(recursive: true);

    private SharedPlayState Run()
    {
        var path = Path.Combine(_dir.FullName, "playbook.yml");
        File.WriteAllText(path, """
            - hosts: all
              tasks:
                - name: one
                  command: "true"
                - name: note
                  debug: { msg: hi }
                - block:
                    - name: two
                      command: "true"
                - name: three
                  command: "true"
            """);
        return new SharedPlayState(PlaybookLoader.Load(path, ModuleCatalog.Default).Plays[0], new Dictionary<string, object?>());
    }

    private static FactLookahead Lookahead(Func<TaskDefinition, IReadOnlyList<Fact>> factsOf, Func<Fact, bool>? needed = null) =>
        new((_, task, _) => factsOf(task), t => ModuleCatalog.Default.Get(t.Module) is not null, needed ?? (_ => true));

    private static IReadOnlyList<Fact> FileOf(TaskDefinition task) => [new FileFact("/" + task.Name)];

    [Fact]
    public void Ahead_BeforeTheFirstTask_IsEveryModuleTasksFacts_InBlocksToo()
    {
        var lookahead = Lookahead(FileOf);
        lookahead.Build(Run());

        Assert.Equal(["/one", "/two", "/three"], lookahead.Ahead(become: false, hostBecome: false).Select(f => ((FileFact)f).Path));
    }

    [Fact]
    public void Ahead_AfterATaskStarted_IsOnlyTheLaterTasksFacts()
    {
        var run = Run();
        var lookahead = Lookahead(FileOf);
        lookahead.Build(run);

        lookahead.Reached(run.Play.Tasks[0]);

        Assert.Equal(["/two", "/three"], lookahead.Ahead(false, false).Select(f => ((FileFact)f).Path));
    }

    [Fact]
    public void Ahead_ATaskThatCouldNotRenderYet_IsPlannedAgainAtTheNextRead()
    {
        var registered = false;
        var lookahead = Lookahead(t => t.Name == "three" && !registered ? throw new FleetInputException("x is undefined") : FileOf(t));
        lookahead.Build(Run());
        Assert.Equal(["/one", "/two"], lookahead.Ahead(false, false).Select(f => ((FileFact)f).Path));

        registered = true;

        Assert.Contains(lookahead.Ahead(false, false), f => ((FileFact)f).Path == "/three");
    }

    [Fact]
    public void Ahead_LeavesOutFactsNotNeeded_AndTasksOfOtherPrivileges()
    {
        var lookahead = Lookahead(FileOf, f => ((FileFact)f).Path != "/two");
        lookahead.Build(Run());

        Assert.Equal(["/one", "/three"], lookahead.Ahead(false, false).Select(f => ((FileFact)f).Path));
        Assert.Empty(lookahead.Ahead(become: true, hostBecome: false));
    }
}
