using Fleet.Core.Templating;

namespace Fleet.Core.Playbooks;

/// <summary>A loaded playbook file with its imports expanded, in order.</summary>
public sealed record Playbook(string Path, IReadOnlyList<Play> Plays);

/// <summary>One play: a host pattern, variables, tasks and handlers.</summary>
public sealed record Play(
    string Name,
    string Hosts,
    IReadOnlyDictionary<string, object?> Vars,
    IReadOnlyList<TaskDefinition> Tasks,
    IReadOnlyList<TaskDefinition> Handlers,
    IReadOnlyList<string> Tags,
    bool? Become,
    SourceLocation Location)
{
    /// <summary>Play-level <c>serial</c> (Ansible's keyword): rolling batches for this play; overrides <c>--serial</c>.</summary>
    public string? Serial { get; init; }

    /// <summary>Play-level <c>max_fail_percentage</c>; overrides <c>--max-fail-percent</c>.</summary>
    public int? MaxFailPercent { get; init; }

    /// <summary>The directory of the file the play is written in (an imported playbook's own directory): relative <c>src</c> paths start here.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Location.File)) ?? ".";
}

/// <summary>One task (or handler) as written: the module, its raw arguments and the task keys beside it.</summary>
/// <param name="Name">Task name (defaults to the module name).</param>
/// <param name="Module">Module name (an <c>ansible.builtin.</c> / <c>community.general.</c> prefix is accepted and stripped).</param>
/// <param name="Args">Module arguments (a free-form string is stored under the module's free-form parameter).</param>
/// <param name="Tags">Tags of the task plus its play's.</param>
/// <param name="When">Condition, or null.</param>
/// <param name="Notify">Handler names to notify when the task changes something.</param>
/// <param name="Retries">Extra attempts after a failure. The default value is 0.</param>
/// <param name="Delay">Wait between attempts. The default value is 5 seconds.</param>
/// <param name="Timeout">Per-task timeout, or null for the run's <c>--timeout</c>; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for none (<c>timeout: 0</c>).</param>
/// <param name="IgnoreErrors">A failure is reported but does not stop the host.</param>
/// <param name="ChangedWhen">false: never report a change (command/shell); null: module decides.</param>
/// <param name="Become">Overrides the host's and play's become, or null.</param>
/// <param name="Location">Where the task starts in its file.</param>
public sealed record TaskDefinition(
    string Name,
    string Module,
    MapArg Args,
    IReadOnlyList<string> Tags,
    Expression? When,
    IReadOnlyList<string> Notify,
    int Retries,
    TimeSpan Delay,
    TimeSpan? Timeout,
    bool IgnoreErrors,
    bool? ChangedWhen,
    bool? Become,
    SourceLocation Location)
{
    /// <summary><c>no_log</c>: the task's changes, diff, message and script stay out of output, reports and logs.</summary>
    public bool NoLog { get; init; }
}
