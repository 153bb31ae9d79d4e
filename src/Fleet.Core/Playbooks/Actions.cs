using Fleet.Core.Modules;

namespace Fleet.Core.Playbooks;

/// <summary>
/// Ansible's actions that run in the engine, not on the host: they read and set variables (<c>debug</c>, <c>assert</c>, <c>fail</c>,
/// <c>set_fact</c>, <c>include_vars</c>, <c>meta</c>) or include tasks and roles. Their arguments keep any type (a <c>debug: msg</c>
/// may be a list), so validation checks their names and renders their templates, not types.
/// </summary>
public sealed record ActionSpec(string Name, IReadOnlyList<ParameterSpec> Parameters, string? FreeFormParameter = null, bool AnyParameter = false) : IModuleSpec
{
    /// <summary>Every engine action by name (collection prefixes stripped).</summary>
    public static IReadOnlyDictionary<string, ActionSpec> All { get; } = new[]
    {
        new ActionSpec("debug", Params(("msg", false, "The message. The default value is \"Hello world!\"."), ("var", false, "A variable (or expression) to print instead of msg."), ("verbosity", false, "Shown only at this verbosity or above; Fleet always shows it. The default value is 0."))),
        new ActionSpec("assert", Params(("that", true, "Conditions that must all hold."), ("fail_msg", false, "The failure message (alias msg). The default value is \"Assertion failed\"."), ("success_msg", false, "The message when all hold. The default value is \"All assertions passed\"."), ("quiet", false, "Shorter output. The default value is false."))),
        new ActionSpec("fail", Params(("msg", false, "The failure message. The default value is \"Failed as requested from task\"."))),
        new ActionSpec("set_fact", Params(("cacheable", false, "Accepted; Fleet keeps facts for the run. The default value is false.")), AnyParameter: true),
        new ActionSpec("meta", Params(("free_form", true, "flush_handlers, noop, end_host, end_play, clear_host_errors.")), "free_form"),
        new ActionSpec("include_vars", Params(("file", false, "A YAML file of variables (relative: the role's vars/, then the task file's directory)."), ("dir", false, "Every YAML file in this directory, by name."), ("name", false, "Put the variables under this one name."), ("files_matching", false, "With dir: only file names matching this regular expression."), ("ignore_files", false, "With dir: file names to skip."), ("depth", false, "With dir: how deep to look. The default value is 0 (all)."), ("extensions", false, "With dir: file extensions. The default value is yaml, yml, json.")), "file"),
        new ActionSpec("include_tasks", Params(("file", false, "The task file (relative: the including file's directory)."), ("apply", false, "Keywords given to every included task.")), "file"),
        new ActionSpec("import_tasks", Params(("file", false, "The task file (relative: the importing file's directory).")), "file"),
        new ActionSpec("include_role", RoleParameters()),
        new ActionSpec("import_role", RoleParameters()),
    }.ToDictionary(a => a.Name, StringComparer.Ordinal);

    IEnumerable<string> IModuleSpec.CheckCombination(IReadOnlySet<string> presentParameters) => [];

    /// <summary>The action, or null when <paramref name="name"/> is a module.</summary>
    public static ActionSpec? Find(string name) => All.GetValueOrDefault(name);

    private static IReadOnlyList<ParameterSpec> RoleParameters() => Params(
        ("name", true, "The role: a name looked up in roles/ beside the playbook, the roles path, or ns.coll.role in collections/."),
        ("tasks_from", false, "The task file of tasks/ to run. The default value is main."),
        ("vars_from", false, "The file of vars/ to read. The default value is main."),
        ("defaults_from", false, "The file of defaults/ to read. The default value is main."),
        ("handlers_from", false, "The file of handlers/ to read. The default value is main."),
        ("apply", false, "include_role: keywords given to every task of the role."),
        ("public", false, "Accepted; the role's variables are visible to later tasks. The default value is true in Fleet."),
        ("allow_duplicates", false, "Accepted. The default value is true."),
        ("rolespec_validate", false, "Accepted; Fleet does not validate argument specs. The default value is true."));

    private static IReadOnlyList<ParameterSpec> Params(params (string Name, bool Required, string Doc)[] parameters) =>
        parameters.Select(p => new ParameterSpec(p.Name, ParameterType.String, p.Doc, p.Required, p.Name == "fail_msg" ? ["msg"] : null)).ToList();
}
