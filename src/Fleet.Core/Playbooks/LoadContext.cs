using Fleet.Core.Modules;

namespace Fleet.Core.Playbooks;

/// <summary>Where a loaded task stands: the tags its parents give it, its role, whether it is a handler.</summary>
internal sealed record Inherit(IReadOnlyList<string> Tags, RoleContext? Role, bool Handler)
{
    /// <summary>
    /// The <c>collections:</c> search list short module names are resolved through (the innermost play, role, block or task that
    /// sets one; a role does not inherit its play's). The default value is none.
    /// </summary>
    public IReadOnlyList<string> Collections { get; init; } = [];

    /// <summary>Whether the tasks sit in a file included at run time (an <c>include</c> under it is dynamic too). The default value is false.</summary>
    public bool Dynamic { get; init; }

    public static Inherit Play(IReadOnlyList<string> tags) => new(tags, null, false);
}

/// <summary>What every reader of one load shares: the module catalog, where roles are looked up, the files being read (for cycles).</summary>
internal sealed class LoadContext(IModuleCatalog catalog, IReadOnlyList<string> rolesPath)
{
    public IModuleCatalog Catalog { get; } = catalog;

    /// <summary>Directories searched for roles after <c>roles/</c> beside the playbook (<c>--roles-path</c>, <c>ANSIBLE_ROLES_PATH</c>).</summary>
    public IReadOnlyList<string> RolesPath { get; } = rolesPath;

    /// <summary>The most task files one load reads (imports of imports that multiply at each level would never end). The default value is 5,000.</summary>
    public const int MaxTaskFiles = 5_000;

    /// <summary>Task files read so far by this load, every import of the same file counted.</summary>
    public int TaskFilesRead { get; set; }

    /// <summary>Task files and roles being read, innermost last: an import of one of them is a cycle.</summary>
    public List<string> Reading { get; } = [];

    /// <summary>What the load accepts but a host may not run (another OS family's module), one per task, in file order.</summary>
    public List<InputError> Warnings { get; } = [];

    /// <summary>The <c>library/</c> folders of the roles read so far: Ansible adds each to its module path for every later task.</summary>
    public List<string> RoleLibraries { get; } = [];

    /// <summary>The directory of the playbook whose play is being read: <c>roles/</c> and <c>collections/</c> are looked up there.</summary>
    public string PlaybookDirectory { get; set; } = ".";

    /// <summary>The module (or engine action) with this name, or null.</summary>
    public IModuleSpec? Find(string module) => ActionSpec.Find(module) ?? Catalog.Find(module);

    /// <summary>Every name a task may use as its module, for "did you mean".</summary>
    public IEnumerable<string> Names => Catalog.Names.Concat(ActionSpec.All.Keys);
}
