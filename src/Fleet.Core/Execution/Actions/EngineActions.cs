using Fleet.Core.Playbooks;

namespace Fleet.Core.Execution.Actions;

/// <summary>The registry of engine actions: the one place that lists them; the engine finds an action here by its task's module name.</summary>
internal static class EngineActions
{
    /// <summary>Every engine action, one per <see cref="ActionSpec"/>.</summary>
    public static IReadOnlyList<EngineAction> All { get; } =
    [
        new DebugAction(),
        new AssertAction(),
        new FailAction(),
        new SetFactAction(),
        new SetupAction(),
        new RebootAction(),
        new IncludeVarsAction(),
        new MetaAction(),
        new IncludeTasksAction(),
        new IncludeRoleAction(),
        new ImportAction(ActionSpec.ImportTasks),
        new ImportAction(ActionSpec.ImportRole),
        new ValidateArgumentSpecAction(),
    ];

    private static readonly Dictionary<string, EngineAction> ByName = All.ToDictionary(a => a.Spec.Name, StringComparer.Ordinal);

    /// <summary>The action, or null when <paramref name="name"/> is a module.</summary>
    public static EngineAction? Find(string name) => ByName.GetValueOrDefault(name);
}
