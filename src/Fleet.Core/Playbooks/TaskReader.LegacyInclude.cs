using Fleet.Core.Modules;
using Fleet.Core.Templating;
using Fleet.Core.Yaml;

namespace Fleet.Core.Playbooks;

/// <summary>The task-level <c>include</c> Ansible 2.14 still reads (deprecated, removed in 2.16), read as Ansible decides it.</summary>
internal sealed partial class TaskReader
{
    /// <summary>How the load reads <c>include</c>'s arguments: the file, and any other parameter (a variable of the included tasks).</summary>
    private static readonly ActionSpec LegacyIncludeSpec = new("include", [new ParameterSpec("file", ParameterType.String, "The task file.")], "file", AnyParameter: true);

    /// <summary>
    /// <c>include: FILE [k=v…]</c>: static (as <c>import_tasks</c>) when the file name is no template, it has no loop and no
    /// enclosing include is dynamic; else dynamic (as <c>include_tasks</c>). Its other
    /// parameters are variables of the included tasks (Ansible's playbook/helpers.py and TaskInclude.get_vars).
    /// </summary>
    private TaskDefinition? LegacyInclude(NodeReader r, TaskDefinition task, Inherit inherit)
    {
        if (FileArgument(r, task) is not { } file)
        {
            return null;
        }

        // Ansible splits every trailing key=value word off the free-form text (parse_kv), not only known parameters'.
        var words = KeyValueWords.Split(file);
        var pairs = words.Where(w => w.IndexOf('=', StringComparison.Ordinal) > 0).ToList();
        if (pairs.Count > 0)
        {
            file = string.Join(' ', words.Except(pairs));
        }

        var parameters = task.Args.Entries.Where(e => e.Key != "file").ToDictionary(e => e.Key, e => Plain(e.Value), StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            parameters[pair[..eq]] = KeyValueWords.Unquote(pair[(eq + 1)..]);
        }

        task = task with { Args = new MapArg([new("file", new ScalarArg(file, true, task.Args.Location)), .. task.Args.Entries.Where(e => e.Key != "file")], task.Args.Location) };
        var vars = parameters.Count == 0 ? task.Keywords.Vars : new Dictionary<string, object?>(task.Keywords.Vars.Concat(parameters).GroupBy(e => e.Key).Select(g => g.Last()), StringComparer.Ordinal);
        var fileOnly = task with { Args = new MapArg([.. task.Args.Entries.Where(e => e.Key == "file")], task.Args.Location), Keywords = task.Keywords with { Vars = vars } };
        if (!Template.HasTemplate(file) && task.Keywords.Loop is null && !inherit.Dynamic)
        {
            return ImportTasks(r, fileOnly with { Module = "import_tasks" }, inherit);
        }

        // Checked with ansible-playbook 2.14: a dynamic include's own tags select it, not its tasks (--tags outer runs none of them).
        return IncludeTasks(r, fileOnly with { Module = "include_tasks" }, inherit, new YamlDotNet.RepresentationModel.YamlMappingNode());
    }

    /// <summary>
    /// An <c>import_tasks</c> file name templated from what Ansible knows when it loads a role's tasks (its params, vars and
    /// defaults: openstack-ansible-hardening imports <c>"{{ stig_version }}stig/main.yml"</c>); false, with the text unchanged,
    /// when it needs anything else (host facts, inventory), which Ansible refuses there too.
    /// </summary>
    private static bool TryRenderImportName(string text, RoleContext? role, out string file)
    {
        file = text;
        if (role is null)
        {
            return false;
        }

        try
        {
            file = Values.ToText(Template.Render(text, VariableScope.Of(role.Params, role.Vars, role.Defaults), default));
            return true;
        }
        catch (Exception ex) when (ex is FleetInputException or UndefinedVariableException)
        {
            return false;
        }
    }

    /// <summary>A parameter as the variable's value: YAML types for plain scalars, quoted text as text, templates left to render.</summary>
    private static object? Plain(ArgValue arg) => arg switch
    {
        ScalarArg { Quoted: true } s => s.Value ?? "",
        ScalarArg s => YamlFile.Scalar(s.Value),
        ListArg list => list.Items.Select(Plain).ToList(),
        MapArg map => map.Entries.ToDictionary(e => e.Key, e => Plain(e.Value), StringComparer.Ordinal),
        _ => null,
    };
}
