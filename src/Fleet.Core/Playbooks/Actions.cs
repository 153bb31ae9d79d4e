using Fleet.Core.Modules;

namespace Fleet.Core.Playbooks;

/// <summary>
/// The spec of an Ansible action that runs in the engine, not as a module on the host: it reads and sets variables (<c>debug</c>,
/// <c>assert</c>, <c>fail</c>, <c>set_fact</c>, <c>include_vars</c>, <c>meta</c>), includes tasks and roles, or drives the host's
/// connection itself (<c>reboot</c>). Their arguments keep any type (a
/// <c>debug: msg</c> may be a list), so validation checks their names and renders their templates, not types.
/// </summary>
/// <remarks>
/// The spec lives here because the validator reads it before any run (and Playbooks may not use Execution); each action's run is
/// a class of Execution/Actions that names its spec, and the registry there lists them.
/// </remarks>
public sealed record ActionSpec(string Name, IReadOnlyList<ParameterSpec> Parameters, string? FreeFormParameter = null, bool AnyParameter = false) : IModuleSpec
{
    /// <summary>How the validator checks the arguments. The default value is <see cref="ActionArguments.Rendered"/>.</summary>
    public ActionArguments Arguments { get; init; } = ActionArguments.Rendered;

    /// <summary>The variables the action sets for later tasks. The default value is <see cref="ActionVariables.None"/>.</summary>
    public ActionVariables Sets { get; init; } = ActionVariables.None;

    /// <summary>Parameters whose values are conditions (parsed, not rendered). The default value is none.</summary>
    public IReadOnlyList<string> ConditionParameters { get; init; } = [];

    /// <summary>What the validator checks beyond names and templates (the values written literally), as located errors. The default value is none.</summary>
    public Func<MapArg, IEnumerable<InputError>>? CheckValues { get; init; }

    public static ActionSpec Debug { get; } = new("debug", Params(("msg", false, "The message. The default value is \"Hello world!\"."), ("var", false, "A variable (or expression) to print instead of msg."), ("verbosity", false, "Shown only when the run's verbosity (-v) is at least this, else skipped. The default value is 0.")));

    public static ActionSpec Assert { get; } = new("assert", Params(("that", true, "Conditions that must all hold."), ("fail_msg", false, "The failure message (alias msg). The default value is \"Assertion failed\"."), ("success_msg", false, "The message when all hold. The default value is \"All assertions passed\"."), ("quiet", false, "Shorter output. The default value is false.")))
    {
        ConditionParameters = ["that"],
    };

    public static ActionSpec Fail { get; } = new("fail", Params(("msg", false, "The failure message. The default value is \"Failed as requested from task\".")));

    public static ActionSpec SetFact { get; } = new("set_fact", Params(("cacheable", false, "Accepted; Fleet keeps facts for the run. The default value is false.")), AnyParameter: true)
    {
        Sets = ActionVariables.ArgumentNames,
    };

    public static ActionSpec Setup { get; } = new("setup", Params(
        ("gather_subset", false, "Which facts: all, min, hardware, network, virtual, a collector or fact name; !name leaves one out. The default value is all."),
        ("filter", false, "Globs on the facts' names (ansible_os_family, ansible_*_mb): only those are returned. The default value is all facts."),
        ("gather_timeout", false, "Accepted; Fleet reads the facts with its connect round trip. The default value is 10."),
        ("fact_path", false, "Not supported: Fleet reads local facts (ansible_local) from /etc/ansible/facts.d only.")))
    {
        CheckValues = SetupValues.Check,
    };

    public static ActionSpec Reboot { get; } = new("reboot", Params(
        ("reboot_timeout", false, "Seconds to wait for the host to come back with a new boot id, then as long for test_command to pass. The default value is 600."),
        ("connect_timeout", false, "Seconds one connection attempt may take while the host comes back. The default value is the transport's own limit."),
        ("pre_reboot_delay", false, "Seconds before the reboot, passed to shutdown in whole minutes (under 60 is 0). The default value is 0."),
        ("post_reboot_delay", false, "Seconds to wait after the reboot command before checking. The default value is 0."),
        ("msg", false, "The message shutdown broadcasts. The default value is \"Reboot initiated by Ansible\"."),
        ("test_command", false, "A command that must succeed on the rebooted host. The default value is whoami."),
        ("boot_time_command", false, "A command whose output changes with every boot. The default value is cat /proc/sys/kernel/random/boot_id."),
        ("search_paths", false, "Where to find the reboot command's program when it has no directory. The default value is /sbin, /bin, /usr/sbin, /usr/bin, /usr/local/sbin."),
        ("reboot_command", false, "The program and its arguments (shell text) that reboot the host. The default value is shutdown -r MINUTES MESSAGE.")))
    {
        CheckValues = RebootOptions.Check,
    };

    public static ActionSpec Meta { get; } = new("meta", Params(("free_form", true, "flush_handlers, noop, end_host, end_play, end_batch, reset_connection, clear_host_errors, role_complete.")), "free_form")
    {
        Arguments = ActionArguments.ReadWithTask,
    };

    public static ActionSpec IncludeVars { get; } = new("include_vars", Params(("file", false, "A YAML file of variables (relative: the role's vars/, then the task file's directory)."), ("dir", false, "Every YAML file in this directory, by name."), ("name", false, "Put the variables under this one name."), ("files_matching", false, "With dir: only file names matching this regular expression."), ("ignore_files", false, "With dir: file names to skip."), ("depth", false, "With dir: how deep to look. The default value is 0 (all)."), ("extensions", false, "With dir: file extensions. The default value is yaml, yml, json.")), "file")
    {
        Sets = ActionVariables.FromFiles,
    };

    public static ActionSpec IncludeTasks { get; } = new("include_tasks", Params(("file", false, "The task file (relative: the including file's directory)."), ("apply", false, "Keywords given to every included task.")), "file")
    {
        Arguments = ActionArguments.NamesOnly,
    };

    public static ActionSpec ImportTasks { get; } = new("import_tasks", Params(("file", false, "The task file (relative: the importing file's directory).")), "file")
    {
        Arguments = ActionArguments.NamesOnly,
    };

    public static ActionSpec ValidateArgumentSpec { get; } = new("validate_argument_spec", Params(
        ("argument_spec", true, "The options of a role's argument spec, checked as Ansible checks them (types, required, choices, aliases, nested options, required_if…)."),
        ("provided_arguments", false, "Values checked before the task's variables of the same names. The default value is none."),
        ("validate_args_context", false, "Accepted; names what is validated in the result.")))
    {
        Arguments = ActionArguments.NamesOnly,
    };

    public static ActionSpec IncludeRole { get; } = new("include_role", RoleParameters()) { Arguments = ActionArguments.NamesOnly, CheckValues = args => RoleRefusals("include_role", args) };

    public static ActionSpec ImportRole { get; } = new("import_role", RoleParameters()) { Arguments = ActionArguments.NamesOnly, CheckValues = args => RoleRefusals("import_role", args) };

    /// <summary>Every engine action by name (collection prefixes stripped).</summary>
    public static IReadOnlyDictionary<string, ActionSpec> All { get; } = new[] { Debug, Assert, Fail, SetFact, Setup, Reboot, Meta, IncludeVars, IncludeTasks, ImportTasks, IncludeRole, ImportRole, ValidateArgumentSpec }
        .ToDictionary(a => a.Name, StringComparer.Ordinal);

    IEnumerable<string> IModuleSpec.CheckCombination(IReadOnlySet<string> presentParameters) => [];

    /// <summary>The action, or null when <paramref name="name"/> is a module.</summary>
    public static ActionSpec? Find(string name) => All.GetValueOrDefault(name);

    /// <summary>The names of the variables <paramref name="task"/> sets ("*" when they are only known at run time).</summary>
    public IEnumerable<string> VariablesSet(TaskDefinition task) => Sets switch
    {
        // A templated name ("{{ item.key }}") is known only when the task runs: any name may be one.
        ActionVariables.ArgumentNames => task.Args.Entries.Select(e => Templating.Template.HasTemplate(e.Key) ? "*" : e.Key),
        ActionVariables.FromFiles => ["*"],
        _ => [],
    };

    private static IReadOnlyList<ParameterSpec> RoleParameters() => Params(
        ("name", true, "The role: a name looked up in roles/ beside the playbook, the roles path, or ns.coll.role in collections/."),
        ("tasks_from", false, "The task file of tasks/ to run. The default value is main."),
        ("vars_from", false, "The file of vars/ to read. The default value is main."),
        ("defaults_from", false, "The file of defaults/ to read. The default value is main."),
        ("handlers_from", false, "The file of handlers/ to read. The default value is main."),
        ("apply", false, "include_role: keywords given to every task of the role."),
        ("public", false, "include_role: false only (the role's variables stay its own, Ansible's default); true is refused. import_role's are visible to later tasks."),
        ("allow_duplicates", false, "Accepted. The default value is true."),
        ("rolespec_validate", false, "true only: the role's meta/argument_specs.yml is validated at its start; false is refused. The default value is true."));

    // Values Fleet does not run as Ansible does: refused where written rather than accepted and ignored.
    private static IEnumerable<InputError> RoleRefusals(string action, MapArg args)
    {
        if (action == "include_role" && args["public"] is ScalarArg { Value: var exposed } publicArg && Templating.Values.ToBool(exposed) == true)
        {
            yield return new InputError(publicArg.Location, "include_role: public: true is not implemented by Fleet: the included role's defaults and vars stay its own (import_role makes them visible to later tasks)");
        }

        if (args["rolespec_validate"] is ScalarArg { Value: var validate } validateArg && Templating.Values.ToBool(validate) == false)
        {
            yield return new InputError(validateArg.Location, $"{action}: rolespec_validate: false is not implemented by Fleet: a role's argument specs are always validated");
        }
    }

    private static IReadOnlyList<ParameterSpec> Params(params (string Name, bool Required, string Doc)[] parameters) =>
        parameters.Select(p => new ParameterSpec(p.Name, ParameterType.String, p.Doc, p.Required, p.Name == "fail_msg" ? ["msg"] : null)).ToList();
}

/// <summary>How the validator checks an engine action's arguments.</summary>
public enum ActionArguments
{
    /// <summary>Names known, required ones present, every template renders (or waits for the run).</summary>
    Rendered,

    /// <summary>Names known and required ones present; templates render when the task or role is included.</summary>
    NamesOnly,

    /// <summary>Read and checked with the task itself (<c>meta</c>'s one word).</summary>
    ReadWithTask,
}

/// <summary>Which variables an engine action sets for later tasks, as the validator must know before the run.</summary>
public enum ActionVariables
{
    /// <summary>None.</summary>
    None,

    /// <summary>One per argument, by its name; a templated name may be any name (<c>set_fact</c>).</summary>
    ArgumentNames,

    /// <summary>Names read from files at run time (<c>include_vars</c>): any unknown name may be one of them.</summary>
    FromFiles,
}
