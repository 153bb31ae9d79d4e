using Fleet.Core.Templating;

namespace Fleet.Core.Playbooks;

/// <summary>A loaded playbook file with its imports expanded, in order.</summary>
public sealed record Playbook(string Path, IReadOnlyList<Play> Plays)
{
    /// <summary>What the load accepted that a host may not run (another OS family's module), one per task. The default is none.</summary>
    public IReadOnlyList<InputError> Warnings { get; init; } = [];
}

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

    /// <summary><c>serial</c> and <c>max_fail_percentage</c> written as templates: rendered with the play's vars and <c>--var</c> when the play starts. The default is none.</summary>
    public IReadOnlyList<KeywordTemplate> Templates { get; init; } = [];

    /// <summary>Defaults of the play's roles (<c>roles:</c>, <c>import_role</c>, dependencies): the lowest precedence.</summary>
    public IReadOnlyDictionary<string, object?> RoleDefaults { get; init; } = ModuleVars.None;

    /// <summary>Vars of the play's roles: above play vars.</summary>
    public IReadOnlyDictionary<string, object?> RoleVars { get; init; } = ModuleVars.None;

    /// <summary>Indices in <see cref="Tasks"/> after which notified handlers run (the ends of pre_tasks, roles and tasks, post_tasks).</summary>
    public IReadOnlyList<int> HandlerFlushes { get; init; } = [];

    /// <summary>Play keywords every task inherits (environment, check_mode, ignore_errors, no_log), as a block around them; null for none.</summary>
    public TaskDefinition? Keywords { get; init; }

    /// <summary>Where roles were looked up when the play was read (for an <c>include_role</c> with a templated name).</summary>
    public IReadOnlyList<string> RolesPath { get; init; } = [];

    /// <summary>
    /// <c>remote_user</c>: the login of the play's hosts whose inventory names none (ansible_user wins, as in Ansible; <c>-u</c>
    /// ranks below it), or null. The default value is null.
    /// </summary>
    public string? RemoteUser { get; init; }

    /// <summary><c>any_errors_fatal</c>: one host's failure stops every host of the play. The default value is false.</summary>
    public bool AnyErrorsFatal { get; init; }

    /// <summary><c>gather_facts</c>: the play starts by making the host's facts variables; false leaves them undefined unless gathered before. The default value is true.</summary>
    public bool GatherFacts { get; init; } = true;

    /// <summary><c>gather_subset</c>: which facts the play gathers, as <c>setup</c>'s parameter. The default value is all.</summary>
    public IReadOnlyList<string> GatherSubset { get; init; } = ["all"];

    /// <summary>Every handler name and <c>listen</c> topic a task of this play may notify.</summary>
    public IEnumerable<string> HandlerTopics => Handlers.SelectMany(h => h.Keywords.Listen.Prepend(h.Name).Concat(h.Keywords.Role is { } role ? [$"{role.Name} : {h.Name}"] : []));

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
/// <param name="Timeout">Per-task timeout, or null for the run's <c>--task-timeout</c>; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for none (<c>timeout: 0</c>).</param>
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

    /// <summary>Keywords beyond the constructor's: blocks, loops, register, conditions, vars, role. The default is none.</summary>
    public TaskKeywords Keywords { get; init; } = new();

    /// <summary><paramref name="name"/> as Ansible shows a task's name: "role : name" inside a role, except an include_role (Ansible's names itself without its role).</summary>
    public string InRole(string name) => Keywords.Role is { } role && !Keywords.IsRole && Keywords.Kind != TaskKind.IncludeRole ? $"{role.Name} : {name}" : name;

    /// <summary>This node and every task under it (blocks, preloaded includes), in file order.</summary>
    public IEnumerable<TaskDefinition> Flatten()
    {
        yield return this;
        var bodies = new[] { Keywords.Block, Keywords.Preloaded };
        foreach (var body in bodies)
        {
            if (body is null)
            {
                continue;
            }

            foreach (var child in body.Tasks.Concat(body.Rescue).Concat(body.Always).SelectMany(t => t.Flatten()))
            {
                yield return child;
            }
        }
    }
}

/// <summary>
/// What a task node is beyond a module call: Fleet's task tree is <see cref="TaskDefinition"/>s, some of which hold others.
/// </summary>
public enum TaskKind
{
    /// <summary>A module (or an engine action such as <c>debug</c>, <c>set_fact</c>, <c>assert</c>).</summary>
    Module,

    /// <summary><c>block</c> with <c>rescue</c> and <c>always</c>; also what a static import or a role becomes.</summary>
    Block,

    /// <summary><c>include_tasks</c>: a task file read when the task runs (its name may be templated).</summary>
    IncludeTasks,

    /// <summary><c>include_role</c>: a role's tasks run when the task runs.</summary>
    IncludeRole,
}

/// <summary>The three lists of a block. Static imports and roles are blocks without rescue and always.</summary>
/// <param name="Tasks">The tasks of <c>block</c>.</param>
/// <param name="Rescue">Run when a task of <c>block</c> failed; the host's failure is then rescued.</param>
/// <param name="Always">Run after <c>block</c> (and <c>rescue</c>), failed or not.</param>
public sealed record BlockBody(IReadOnlyList<TaskDefinition> Tasks, IReadOnlyList<TaskDefinition> Rescue, IReadOnlyList<TaskDefinition> Always);

/// <summary>A loop as written: <c>loop</c> or a <c>with_*</c> lookup, with its <c>loop_control</c>.</summary>
/// <param name="Kind">"loop", "items", "list", "dict", "first_found", "fileglob", "together", "nested", "sequence"… (the <c>with_</c> suffix).</param>
/// <param name="Items">The value as written (a list, a template text, a mapping for <c>first_found</c>).</param>
/// <param name="LoopVar"><c>loop_control.loop_var</c>. The default value is "item".</param>
/// <param name="IndexVar"><c>loop_control.index_var</c>, or null.</param>
/// <param name="Label"><c>loop_control.label</c> (a template shown instead of the item), or null.</param>
/// <param name="Location">Where the loop keyword is written.</param>
public sealed record LoopSpec(string Kind, object? Items, string LoopVar, string? IndexVar, string? Label, SourceLocation Location)
{
    /// <summary><c>loop_control.extended</c>: <c>ansible_loop</c> has every field (Fleet always sets them). The default value is false.</summary>
    public bool Extended { get; init; }

    /// <summary><c>loop_control.pause</c>: the wait before each item after the first, as Ansible's. The default value is zero.</summary>
    public TimeSpan Pause { get; init; }
}

/// <summary>
/// The role a task comes from: its directory (files/ and templates/ are looked up there first), its defaults (the lowest
/// precedence) and vars (above play vars), and the parameters it was called with (above set_fact).
/// </summary>
/// <param name="Name">The role's name as written (<c>ns.coll.role</c> for a collection role).</param>
/// <param name="Directory">The role's directory.</param>
/// <param name="Defaults">defaults/main.yml (or <c>defaults_from</c>).</param>
/// <param name="Vars">vars/main.yml (or <c>vars_from</c>).</param>
/// <param name="Params">Parameters given where the role is used (<c>vars:</c> of the role entry, or its extra keys).</param>
public sealed record RoleContext(
    string Name,
    string Directory,
    IReadOnlyDictionary<string, object?> Defaults,
    IReadOnlyDictionary<string, object?> Vars,
    IReadOnlyDictionary<string, object?> Params)
{
    /// <summary>
    /// Ansible's <c>role_name</c>: the role's directory name, so a collection's <c>ns.col.role</c> is <c>role</c> while a role
    /// directory named <c>geerlingguy.security</c> keeps its dots.
    /// </summary>
    public string ShortName => System.IO.Path.GetFileName(Directory.TrimEnd('/')) is { Length: > 0 } name ? name : Name;

    /// <summary>
    /// The parameters written beside <c>role:</c> in a roles entry or a dependency (not its <c>vars:</c>): Ansible's role params, which
    /// its argument spec check takes as given and refuses when the spec has no such option. The default is none.
    /// </summary>
    public MapArg? ProvidedArguments { get; init; }
}

/// <summary>Task keywords Fleet reads beyond the module call (all optional; Ansible's names).</summary>
public sealed record TaskKeywords
{
    /// <summary>Node kind. The default value is <see cref="TaskKind.Module"/>.</summary>
    public TaskKind Kind { get; init; } = TaskKind.Module;

    /// <summary>The lists of a block, for <see cref="TaskKind.Block"/>; null otherwise.</summary>
    public BlockBody? Block { get; init; }

    /// <summary><c>loop</c> / <c>with_*</c>, or null.</summary>
    public LoopSpec? Loop { get; init; }

    /// <summary><c>register</c>: the variable that receives the result, or null.</summary>
    public string? Register { get; init; }

    /// <summary><c>changed_when</c> as a condition (list items joined with and), or null.</summary>
    public Expression? ChangedWhen { get; init; }

    /// <summary><c>failed_when</c> as a condition, or null.</summary>
    public Expression? FailedWhen { get; init; }

    /// <summary><c>until</c>: retried (<c>retries</c>, default 3) until true, or null.</summary>
    public Expression? Until { get; init; }

    /// <summary><c>vars</c> of the task or block (raw; templates render when used).</summary>
    public IReadOnlyDictionary<string, object?> Vars { get; init; } = ModuleVars.None;

    /// <summary><c>check_mode</c>: true runs the task in check mode always, false never; null follows the run.</summary>
    public bool? CheckMode { get; init; }

    /// <summary><c>diff</c>: true shows the task's diff always, false never; null follows the run (<c>--diff</c>, check mode).</summary>
    public bool? Diff { get; init; }

    /// <summary><c>become_user</c> as written (a template renders per host), or null to inherit; it applies only with become.</summary>
    public string? BecomeUser { get; init; }

    /// <summary><c>become_flags</c> as written (a template renders per host), or null to inherit; it applies only with become.</summary>
    public string? BecomeFlags { get; init; }

    /// <summary><c>environment</c>: variables exported to the task's commands (values may be templates).</summary>
    public IReadOnlyDictionary<string, object?> Environment { get; init; } = ModuleVars.None;

    /// <summary><c>listen</c> (handlers): topics that notify this handler besides its name.</summary>
    public IReadOnlyList<string> Listen { get; init; } = [];

    /// <summary><c>throttle</c>: at most this many hosts run the task at once, or null.</summary>
    public int? Throttle { get; init; }

    /// <summary><c>any_errors_fatal</c> on the task or block: a failure stops every host of the play.</summary>
    public bool? AnyErrorsFatal { get; init; }

    /// <summary><c>async</c>: the task's change runs as a job detached from the SSH session, killed after this many seconds. The default value is 0 (runs attached).</summary>
    public long Async { get; init; }

    /// <summary><c>poll</c>: seconds between two reads of an async job; 0 starts it and goes on (<c>async_status</c> reads it later). The default value is 15, as Ansible's.</summary>
    public long Poll { get; init; } = DefaultPoll;

    /// <summary>Ansible's default <c>poll</c> interval: 15 seconds.</summary>
    public const long DefaultPoll = 15;

    /// <summary>Keywords written as templates, rendered for each host when the task runs (their literal fields stay unset). The default is none.</summary>
    public IReadOnlyList<KeywordTemplate> Templates { get; init; } = [];

    /// <summary>The role the task belongs to, or null for a playbook's own task.</summary>
    public RoleContext? Role { get; init; }

    /// <summary>The directory of the file the task is written in (relative include and file names start here).</summary>
    public string? Directory { get; init; }

    /// <summary>For <c>include_tasks</c>/<c>include_role</c>: keywords of <c>apply:</c> given to every included task (a block around them).</summary>
    public TaskDefinition? Apply { get; init; }

    /// <summary>A static include that was read when the playbook was loaded (<c>include_role</c> with a literal name), or null.</summary>
    public BlockBody? Preloaded { get; init; }

    /// <summary>For <c>include_tasks</c>: the tags of its parents, which the included tasks inherit (the include's own tags do not pass on).</summary>
    public IReadOnlyList<string> InheritedTags { get; init; } = [];

    /// <summary>How many <c>include_tasks</c> read at run time this task is inside (a guarded recursive include ends at a limit). The default value is 0.</summary>
    public int IncludeDepth { get; init; }

    /// <summary>
    /// Why Fleet cannot run this task's module (another OS family's module, a role's own Python module, a parameter of another
    /// package backend), or null: a host that reaches the task fails it with this message. The load warns of it.
    /// </summary>
    public string? Unavailable { get; init; }

    /// <summary>The block stands for a role (its tasks report "role : task").</summary>
    public bool IsRole { get; init; }

    /// <summary>Engine-inserted step (a handler flush between play sections): never reported.</summary>
    public bool Implicit { get; init; }

    /// <summary><c>delegate_to</c> (or <c>local_action</c>'s localhost): the host whose connection runs the task, a template rendered per item; null for the task's own host.</summary>
    public string? DelegateTo { get; init; }

    /// <summary><c>delegate_facts</c>: facts the delegated task returns go to the delegated host, not the task's. Null when unset (false).</summary>
    public bool? DelegateFacts { get; init; }

    /// <summary><c>run_once</c>: the task runs on the first host of the batch and its result is every host's. Null when unset (false).</summary>
    public bool? RunOnce { get; init; }

    /// <summary><c>connection</c>: "local" runs on the controller, "ssh" over the host's own connection; null when unset.</summary>
    public string? Connection { get; init; }
}

/// <summary>Shared empty variable maps.</summary>
public static class ModuleVars
{
    /// <summary>No variables.</summary>
    public static IReadOnlyDictionary<string, object?> None { get; } = new Dictionary<string, object?>(StringComparer.Ordinal);
}
