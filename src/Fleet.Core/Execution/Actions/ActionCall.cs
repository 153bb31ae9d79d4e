using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Fleet.Core.Templating;
using Fleet.Core.Yaml;

namespace Fleet.Core.Execution.Actions;

/// <summary>One run of a <see cref="TaskAction"/> or <see cref="HostAction"/>: the task, its scope (loop item included), the play, and the host's variables it may set.</summary>
internal sealed class ActionCall(SharedPlayState run, TaskDefinition task, IVariableLookup scope, HostVariables variables)
{
    public SharedPlayState Run { get; } = run;

    public TaskDefinition Task { get; } = task;

    public IVariableLookup Scope { get; } = scope;

    public HostVariables Variables { get; } = variables;

    /// <summary>Whether the task runs in check mode (the run's, its block's or its own). The default value is false.</summary>
    public bool CheckMode { get; init; }

    /// <summary>Whether its commands run as root through sudo. The default value is false.</summary>
    public bool Become { get; init; }

    /// <summary>The user its commands become when <see cref="Become"/> (<c>become_user</c>), or null for root. The default value is null.</summary>
    public string? BecomeUser { get; init; }

    /// <summary>The words sudo gets when <see cref="Become"/> (<c>become_flags</c>), or null for Ansible's defaults. The default value is null.</summary>
    public IReadOnlyList<string>? BecomeFlags { get; init; }

    /// <summary>A command that becomes as the task does: through sudo when <see cref="Become"/>, as <see cref="BecomeUser"/>, with <see cref="BecomeFlags"/>.</summary>
    public RemoteCommand Command(string script, TimeSpan? timeout = null) => new(script, Become, timeout) { BecomeUser = BecomeUser, BecomeFlags = BecomeFlags };

    /// <summary>Gets the run's verbosity (<c>-v</c>), which <c>debug</c>'s <c>verbosity</c> is compared with. The default value is 0.</summary>
    public int Verbosity { get; init; }

    /// <summary>Whether the task gives the argument.</summary>
    public bool Has(string name) => Task.Args.Entries.Any(e => e.Key == name);

    /// <summary>An argument's value (null when absent): YAML types for plain scalars, templates rendered (keeping types).</summary>
    public object? Value(string name) => Task.Args.Entries.FirstOrDefault(e => e.Key == name).Value is { } arg ? ToValue(arg) : null;

    /// <summary>An argument's value, as <see cref="Value"/> renders it.</summary>
    public object? ToValue(ArgValue arg) => arg switch
    {
        ScalarArg { Value: { } text } s when Template.HasTemplate(text) => Template.Render(text, Scope, s.Location),
        ScalarArg { Quoted: true } s => s.Value ?? "",
        ScalarArg s => YamlFile.Scalar(s.Value),
        ListArg list => list.Items.Select(ToValue).ToList(),
        MapArg map => map.Entries.ToDictionary(e => e.Key, e => ToValue(e.Value), StringComparer.Ordinal),
        _ => null,
    };

    /// <summary>The action's result: no change on the host, with <paramref name="data"/> as its result's fields.</summary>
    public TaskResult Done(TaskOutcome status, string? message, IReadOnlyDictionary<string, object?> data) =>
        TaskResults.Outcome(Run.Play, Task, status, message: message, plan: new Modules.NoChange(message ?? "") { Data = data });

    /// <summary>A value as debug shows it: text as is, anything else as JSON.</summary>
    public static string Display(object? value) => value switch
    {
        string s => s,
        null => "null",
        IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> => JsonValues.ToJson(value),
        _ => Values.ToText(value),
    };
}
