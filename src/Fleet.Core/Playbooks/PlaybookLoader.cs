using Fleet.Core.Modules;
using Fleet.Core.Yaml;

namespace Fleet.Core.Playbooks;

/// <summary>
/// Loads playbooks in Ansible's shape into Fleet's task tree (see <see cref="PlayReader"/>, <see cref="TaskReader"/>,
/// <see cref="RoleReader"/>): every structural problem of every file, roles included, is reported at once at its file:line:column.
/// </summary>
public static class PlaybookLoader
{
    /// <summary>Loads a playbook with its imports and roles; <paramref name="rolesPath"/> is searched for roles after roles/ beside the playbook (null: <c>ANSIBLE_ROLES_PATH</c>, else Ansible's default path).</summary>
    public static Playbook Load(string path, IModuleCatalog catalog, IReadOnlyList<string>? rolesPath = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        InputFile.CheckRegular(path, "playbook file");
        var errors = new List<InputError>();
        var plays = new List<Play>();
        var context = new LoadContext(catalog, rolesPath ?? DefaultRolesPath());
        new PlayReader(context).ReadFile(Path.GetFullPath(path), plays, errors, []);
        return errors.Count > 0 ? throw new FleetInputException(errors.Distinct().ToList()) { Warnings = context.Warnings.Distinct().ToList() } : new Playbook(path, plays) { Warnings = context.Warnings.Distinct().ToList() };
    }

    /// <summary><c>ANSIBLE_ROLES_PATH</c> (colon-separated), else Ansible's default roles path.</summary>
    public static IReadOnlyList<string> DefaultRolesPath()
    {
        var configured = Environment.GetEnvironmentVariable("ANSIBLE_ROLES_PATH") ?? "~/.ansible/roles:/usr/share/ansible/roles:/etc/ansible/roles";
        return configured.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => d.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), d[2..]) : d)
            .ToList();
    }

    /// <summary>
    /// Reads the task file of an <c>include_tasks</c> whose name was rendered when it ran; problems are thrown as one
    /// <see cref="FleetInputException"/> (the task fails with them).
    /// </summary>
    public static IReadOnlyList<TaskDefinition> LoadIncludedTasks(TaskDefinition include, string file, Play play, IModuleCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(include);
        ArgumentNullException.ThrowIfNull(play);
        var depth = include.Keywords.IncludeDepth + 1;
        if (depth > MaxIncludeDepth)
        {
            throw new FleetInputException(include.Location, $"include_tasks nested more than {MaxIncludeDepth} deep, at {file}: a recursive include whose when never ends it");
        }

        var errors = new List<InputError>();
        var context = new LoadContext(catalog, play.RolesPath) { PlaybookDirectory = play.Directory };
        var reader = new TaskReader(context);
        var r = new NodeReader(include.Location.File, errors);
        var tags = include.Keywords.InheritedTags.Concat(include.Keywords.Apply?.Tags ?? []).Distinct().ToList();
        var tasks = reader.ReadFile(TaskReader.TaskFile(r, file, include.Keywords.Role), new Inherit(tags, include.Keywords.Role, false) { Dynamic = true, Collections = include.Keywords.Role is { } role ? ForeignModules.RoleCollections(role.Directory) : [] }, include.Args.Location, errors);
        return errors.Count > 0 ? throw new FleetInputException(errors) : tasks.Select(t => AtDepth(t, depth)).ToList();
    }

    /// <summary>How deep <c>include_tasks</c> read at run time may nest (Ansible's are bounded by Python's recursion limit). The default value is 64.</summary>
    public const int MaxIncludeDepth = 64;

    /// <summary>The task and everything under it marked as <paramref name="depth"/> run-time includes deep.</summary>
    private static TaskDefinition AtDepth(TaskDefinition task, int depth)
    {
        BlockBody? Body(BlockBody? body) => body is null ? null : new BlockBody(
            body.Tasks.Select(t => AtDepth(t, depth)).ToList(), body.Rescue.Select(t => AtDepth(t, depth)).ToList(), body.Always.Select(t => AtDepth(t, depth)).ToList());
        return task with { Keywords = task.Keywords with { IncludeDepth = depth, Block = Body(task.Keywords.Block), Preloaded = Body(task.Keywords.Preloaded) } };
    }

    /// <summary>Reads the role of an <c>include_role</c> whose name was rendered when it ran, as a block; its handlers are returned too.</summary>
    internal static (TaskDefinition Role, IReadOnlyList<TaskDefinition> Handlers) LoadIncludedRole(
        TaskDefinition include, string name, RoleReader.RoleFiles files, Play play, IModuleCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(include);
        ArgumentNullException.ThrowIfNull(play);
        var errors = new List<InputError>();
        var context = new LoadContext(catalog, play.RolesPath) { PlaybookDirectory = play.Directory };
        var reader = new TaskReader(context);
        var r = new NodeReader(include.Location.File, errors);
        var tags = include.Keywords.InheritedTags.Concat(include.Keywords.Apply?.Tags ?? []).Distinct().ToList();
        var role = reader.Roles.Load(r, null, name, ModuleVars.None, files, new Inherit(tags, null, false), dedupe: false, publicVars: false, at: include.Args.Location);
        errors.AddRange(reader.Roles.TakeErrors());
        return errors.Count > 0 || role is null ? throw new FleetInputException(errors) : (role, reader.Roles.Handlers);
    }
}
