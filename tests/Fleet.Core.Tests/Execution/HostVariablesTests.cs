using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Fleet.Core.Templating;

namespace Fleet.Core.Tests.Execution;

/// <summary>A host's variables: the precedence of a task's scope, and what hostvars sees.</summary>
public sealed class HostVariablesTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-hostvars-test-");

    public void Dispose() => _dir.Delete(recursive: true);

    private (HostVariables Variables, SharedPlayState Run, TaskDefinition Task) Arrange(RunOptions options)
    {
        var inventory = Path.Combine(_dir.FullName, "inventory.yml");
        File.WriteAllText(inventory, "all:\n  hosts:\n    web: { address: 127.0.0.1, color: inventory, size: inventory }\n");
        var playbook = Path.Combine(_dir.FullName, "playbook.yml");
        File.WriteAllText(playbook, """
            - hosts: all
              vars: { color: play, shape: play }
              tasks:
                - debug: { msg: hi }
            """);
        var loaded = InventoryLoader.Load(inventory);
        var play = PlaybookLoader.Load(playbook, ModuleCatalog.Default).Plays[0];
        var variables = new HostVariables(loaded.Hosts[0], loaded.GroupsVariable, options);
        return (variables, new SharedPlayState(play, new Dictionary<string, object?>()), play.Tasks[0]);
    }

    private static object? Get(IVariableLookup scope, string name) => scope.TryGet(name, out var value) ? value : "(undefined)";

    [Fact]
    public void Scope_PlayVarsOverInventory_SetFactOverPlayVars_ExtraVarsOverAll()
    {
        var (variables, run, task) = Arrange(new RunOptions { ExtraVars = new Dictionary<string, object?> { ["shape"] = "extra" } });
        variables.SetFacts(new Dictionary<string, object?> { ["color"] = "set_fact", ["shape"] = "set_fact" });

        var scope = variables.Scope(run, task, Frame.Root(run.Play), null);

        Assert.Equal("set_fact", Get(scope, "color"));
        Assert.Equal("extra", Get(scope, "shape"));
        Assert.Equal("inventory", Get(scope, "size"));
        Assert.Equal(HostVariables.OmitMarker, Get(scope, "omit"));
    }

    [Fact]
    public void Scope_LoopVariablesOverSetFact_SetFactOverIncludeVars()
    {
        var (variables, run, task) = Arrange(new RunOptions());
        variables.Include(new Dictionary<string, object?> { ["color"] = "include_vars", ["size"] = "include_vars" }, null);
        variables.SetFacts(new Dictionary<string, object?> { ["color"] = "set_fact" });

        var scope = variables.Scope(run, task, Frame.Root(run.Play), new Dictionary<string, object?> { ["item"] = 1L, ["color"] = "loop" });

        Assert.Equal("loop", Get(scope, "color"));
        Assert.Equal("include_vars", Get(scope, "size"));
    }

    [Fact]
    public void Scope_FactsOverInventory_PlayVarsOverFacts()
    {
        var (variables, run, task) = Arrange(new RunOptions());
        variables.KeepReturnedFacts(new TaskResult("p", "t", "setup", TaskOutcome.Ok, [], null, null, 1, 0)
        {
            Result = new Dictionary<string, object?> { ["ansible_facts"] = new Dictionary<string, object?> { ["size"] = "fact", ["shape"] = "fact" } },
        });

        var scope = variables.Scope(run, task, Frame.Root(run.Play), null);

        Assert.Equal("fact", Get(scope, "size"));
        Assert.Equal("play", Get(scope, "shape"));
    }

    [Fact]
    public void Scope_IncludeParamsOverSetFact_ExtraVarsOverIncludeParams_MagicAndLoopOverExtraVars()
    {
        var extra = new Dictionary<string, object?> { ["shape"] = "extra", ["playbook_dir"] = "extra", ["item"] = "extra", ["inventory_hostname"] = "extra" };
        var (variables, run, task) = Arrange(new RunOptions { ExtraVars = extra });
        variables.SetFacts(new Dictionary<string, object?> { ["color"] = "set_fact" });
        var frame = Frame.Root(run.Play).Include(new Dictionary<string, object?> { ["color"] = "include", ["shape"] = "include" });

        var scope = variables.Scope(run, task, frame, new Dictionary<string, object?> { ["item"] = "loop" });

        Assert.Equal("include", Get(scope, "color"));
        Assert.Equal("extra", Get(scope, "shape"));
        Assert.Equal(run.Play.Directory, Get(scope, "playbook_dir"));
        Assert.Equal("loop", Get(scope, "item"));
        Assert.Equal("extra", Get(scope, "inventory_hostname"));
    }

    [Fact]
    public void Snapshot_HasRegisteredResultsAndReturnedFacts_ButNotFailedOnes()
    {
        var (variables, _, _) = Arrange(new RunOptions());
        variables.Register("out", new Dictionary<string, object?> { ["rc"] = 0L });
        var ok = new TaskResult("p", "t", "getent", TaskOutcome.Ok, [], null, null, 1, 0)
        {
            Result = new Dictionary<string, object?> { ["ansible_facts"] = new Dictionary<string, object?> { ["getent_passwd"] = "rows" } },
        };
        var failed = ok with
        {
            Status = TaskOutcome.Failed,
            Result = new Dictionary<string, object?> { ["ansible_facts"] = new Dictionary<string, object?> { ["stale"] = true } },
        };

        variables.KeepReturnedFacts(ok);
        variables.KeepReturnedFacts(failed);
        var snapshot = variables.Snapshot();

        Assert.True(snapshot.ContainsKey("out"));
        Assert.Equal("rows", snapshot["getent_passwd"]);
        Assert.False(snapshot.ContainsKey("stale"));
        Assert.Equal("rows", ((IReadOnlyDictionary<string, object?>)snapshot["ansible_facts"]!)["getent_passwd"]);
    }
}
