using Fleet.Core.Execution.Actions;
using Fleet.Core.Playbooks;

namespace Fleet.Core.Tests.Execution;

/// <summary>The engine actions' registry: one class per spec, found by name, and nothing registered twice.</summary>
public sealed class EngineActionsTests
{
    [Fact]
    public void EverySpec_HasOneActionClass_AndEveryActionASpec()
    {
        Assert.Equal(ActionSpec.All.Keys.Order(StringComparer.Ordinal), EngineActions.All.Select(a => a.Spec.Name).Order(StringComparer.Ordinal));
        foreach (var spec in ActionSpec.All.Values)
        {
            Assert.Same(spec, EngineActions.Find(spec.Name)?.Spec);
        }
    }

    [Fact]
    public void Find_AModuleName_IsNull() => Assert.Null(EngineActions.Find("copy"));

    [Theory]
    [InlineData("debug", typeof(TaskAction))]
    [InlineData("set_fact", typeof(TaskAction))]
    [InlineData("include_vars", typeof(TaskAction))]
    [InlineData("reboot", typeof(HostAction))]
    [InlineData("meta", typeof(WalkAction))]
    [InlineData("include_tasks", typeof(IncludeAction))]
    [InlineData("include_role", typeof(IncludeAction))]
    public void Find_GivesTheKindTheEngineRuns(string name, Type kind) => Assert.IsAssignableFrom(kind, EngineActions.Find(name));

    [Fact]
    public void VariablesSet_SetFact_IsItsArgumentNames_IncludeVars_IsAnyName()
    {
        var setFact = new TaskDefinition("t", "set_fact", new MapArg([new("answer", new ScalarArg("42", false, default))], default), [], null, [], 0, TimeSpan.Zero, null, false, null, null, default);

        Assert.Equal(["answer"], ActionSpec.SetFact.VariablesSet(setFact));
        Assert.Equal(["*"], ActionSpec.IncludeVars.VariablesSet(setFact));
        Assert.Empty(ActionSpec.Debug.VariablesSet(setFact));
    }

    [Fact]
    public void VariablesSet_SetFactWithATemplatedName_IsAnyName()
    {
        var setFact = new TaskDefinition("t", "set_fact", new MapArg([new("{{ item.key }}", new ScalarArg("{{ item.value }}", false, default)), new("fixed", new ScalarArg("1", false, default))], default), [], null, [], 0, TimeSpan.Zero, null, false, null, null, default);

        Assert.Equal(["*", "fixed"], ActionSpec.SetFact.VariablesSet(setFact));
    }
}
