using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution.Actions;

/// <summary>An engine action that brings tasks into the play when it runs, for each loop item: the walk runs them after reporting the include.</summary>
internal abstract class IncludeAction : EngineAction
{
    /// <summary>How many tasks Ansible's recap counts the include as, per item included.</summary>
    public abstract int RecapCount { get; }

    /// <summary>The tasks included for one item and the handlers they bring; a <see cref="FleetInputException"/> when they cannot be read.</summary>
    public abstract (IReadOnlyList<TaskDefinition> Tasks, IReadOnlyList<TaskDefinition> Handlers) Load(TaskDefinition include, IVariableLookup scope, Play play, ModuleCatalog catalog);

    /// <summary>An argument rendered for this item, or <paramref name="fallback"/>.</summary>
    protected static string Arg(TaskDefinition include, IVariableLookup scope, string name, string fallback) =>
        include.Args[name] is ScalarArg { Value: { } v } arg ? Template.RenderString(v, scope, arg.Location) : fallback;
}
