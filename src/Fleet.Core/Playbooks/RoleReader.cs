using Fleet.Core.Templating;
using Fleet.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace Fleet.Core.Playbooks;

/// <summary>
/// Reads roles as Ansible lays them out: <c>tasks/</c>, <c>handlers/</c>, <c>defaults/</c>, <c>vars/</c> (each <c>main.yml</c> or the
/// <c>*_from</c> file; defaults and vars also as a directory of files), <c>meta/main.yml</c> dependencies (run first, once per play unless their parameters differ), looked up in
/// <c>roles/</c> beside the playbook, then the roles path, then beside the playbook; <c>ns.coll.role</c> under
/// <c>collections/ansible_collections/ns/coll/roles/</c>. A role becomes a block whose tasks carry its <see cref="RoleContext"/>.
/// </summary>
internal sealed partial class RoleReader(LoadContext context, TaskReader tasks)
{
    private static readonly string[] EntryKeys = ["role", "name", "vars", "when", "tags", "become", "become_user", "become_method", "become_flags", "become_exe", "tasks_from", "vars_from", "defaults_from", "handlers_from"];

    /// <summary>Handlers of the roles read for the current play (each role's file once).</summary>
    public List<TaskDefinition> Handlers { get; } = [];

    /// <summary>Defaults of the play's roles (<c>roles:</c>, <c>import_role</c>, dependencies), later roles over earlier ones.</summary>
    public Dictionary<string, object?> PlayDefaults { get; } = new(StringComparer.Ordinal);

    /// <summary>Vars of the play's roles.</summary>
    public Dictionary<string, object?> PlayVars { get; } = new(StringComparer.Ordinal);

    private readonly HashSet<string> _ran = new(StringComparer.Ordinal);
    private readonly HashSet<string> _handlerFiles = new(StringComparer.Ordinal);

    /// <summary>Starts a new play: roles run once per play.</summary>
    public void NewPlay()
    {
        Handlers.Clear();
        PlayDefaults.Clear();
        PlayVars.Clear();
        _ran.Clear();
        _handlerFiles.Clear();
    }

    /// <summary>The play's <c>roles:</c> list as blocks, in order.</summary>
    public List<TaskDefinition> ReadPlayRoles(NodeReader r, YamlNode? node, Inherit inherit)
    {
        var blocks = new List<TaskDefinition>();
        if (node is null or YamlScalarNode { Value: null or "" })
        {
            return blocks;
        }

        if (node is not YamlSequenceNode list)
        {
            r.Error(node, "roles must be a list of roles");
            return blocks;
        }

        foreach (var entry in list.Children)
        {
            if (ReadEntry(r, entry, inherit, dedupe: true) is { } block)
            {
                blocks.Add(block);
            }
        }

        return blocks;
    }

    /// <summary>One role entry: a name, or a mapping with <c>role</c> (or <c>name</c>), keywords, and parameters.</summary>
    private TaskDefinition? ReadEntry(NodeReader r, YamlNode entry, Inherit inherit, bool dedupe)
    {
        switch (entry)
        {
            case YamlScalarNode { Value: { Length: > 0 } name }:
                return Load(r, entry, name, ModuleVars.None, new RoleFiles(), inherit, dedupe, publicVars: true);
            case YamlMappingNode map:
                var nameNode = NodeReader.Child(map, "role") ?? NodeReader.Child(map, "name");
                if (r.Text(nameNode) is not { Length: > 0 } roleName)
                {
                    r.Error(entry, "a role entry names its role with role:");
                    return null;
                }

                var parameters = new Dictionary<string, object?>(r.Vars(NodeReader.Child(map, "vars")), StringComparer.Ordinal);
                var provided = new List<KeyValuePair<string, ArgValue>>();
                foreach (var (key, value) in map.Children)
                {
                    var k = YamlFile.KeyText(key);
                    if (!EntryKeys.Contains(k))
                    {
                        if (TaskReader.TaskKeys.Contains(k))
                        {
                            r.Error(key, $"'{k}' on a role entry is not supported (role entries take {string.Join(", ", EntryKeys)} and parameters)");
                            continue;
                        }

                        parameters[k] = YamlFile.ToValue(value); // Ansible's old style: other keys are the role's parameters
                        provided.Add(new(k, YamlFile.ToArg(r.Path, value)));
                    }
                }

                var files = new RoleFiles(
                    r.Text(NodeReader.Child(map, "tasks_from")) ?? "main",
                    r.Text(NodeReader.Child(map, "vars_from")) ?? "main",
                    r.Text(NodeReader.Child(map, "defaults_from")) ?? "main",
                    r.Text(NodeReader.Child(map, "handlers_from")) ?? "main");
                var tags = inherit.Tags.Concat(r.Tags(NodeReader.Child(map, "tags"))).Distinct().ToList();
                var block = Load(r, nameNode!, roleName, parameters, files, inherit with { Tags = tags }, dedupe, publicVars: true, provided: provided.Count == 0 ? null : new MapArg(provided, r.At(map)));
                var templates = new List<KeywordTemplate>();
                return block is null ? null : block with
                {
                    When = r.Condition(NodeReader.Child(map, "when"), "when"),
                    Become = r.Bool(NodeReader.Child(map, "become"), "become", templates),
                    Tags = tags,
                    Keywords = block.Keywords with { Templates = templates, BecomeUser = BecomeKeywords.Read(r, map), BecomeFlags = BecomeKeywords.Flags(r, map) },
                };
            default:
                r.Error(entry, "a role entry is a role name or a mapping with role:");
                return null;
        }
    }

    /// <summary><c>import_role</c> (read now, a block) or <c>include_role</c> (run when reached; a literal name is read now too).</summary>
    public TaskDefinition? ReadRoleTask(NodeReader r, TaskDefinition task, Inherit inherit, TaskDefinition? apply)
    {
        string? Arg(string name) => task.Args[name] is ScalarArg { Value: { Length: > 0 } v } ? v : null;
        var name = Arg("name");
        if (name is null)
        {
            r.Errors.Add(new InputError(task.Args.Location, $"{task.Module} takes the role's name"));
            return null;
        }

        var files = new RoleFiles(Arg("tasks_from") ?? "main", Arg("vars_from") ?? "main", Arg("defaults_from") ?? "main", Arg("handlers_from") ?? "main");
        if (task.Module == "import_role")
        {
            if (task.Keywords.Loop is not null)
            {
                r.Errors.Add(new InputError(task.Keywords.Loop.Location, "import_role cannot loop (it is read when the playbook loads): use include_role"));
                return null;
            }

            if (Template.HasTemplate(name) || files.HasTemplate)
            {
                r.Errors.Add(new InputError(task.Args.Location, "import_role: a templated role or file name is read when the playbook loads and cannot use host variables: use include_role"));
                return null;
            }

            var role = Load(r, null, name, ModuleVars.None, files, inherit with { Tags = task.Tags }, dedupe: false, publicVars: true, at: task.Args.Location);
            return role is null ? null : task with { Module = "block", Keywords = task.Keywords with { Kind = TaskKind.Block, Block = new BlockBody([role], [], []) } };
        }

        BlockBody? preloaded = null;
        if (!Template.HasTemplate(name) && task.When is not null && Find(name, r.Directory, inherit.Collections) is null)
        {
            // Ansible looks an included role up only when the task runs: behind a when (another family's role, a collection not
            // installed) it is a warning now and the task's failure on a host that reaches it.
            context.Warnings.Add(new InputError(task.Args.Location, $"include_role: role '{name}' not found (looked in {string.Join(", ", Places(name, r.Directory, inherit.Collections))}); the task fails on a host that reaches it"));
        }
        else if (!Template.HasTemplate(name) && !files.HasTemplate)
        {
            var tags = inherit.Tags.Concat(apply?.Tags ?? []).Distinct().ToList();
            var role = Load(r, null, name, ModuleVars.None, files, inherit with { Tags = tags }, dedupe: false, publicVars: false, at: task.Args.Location);
            if (role is null)
            {
                return null;
            }

            preloaded = new BlockBody([role], [], []);
        }

        return task with { Keywords = task.Keywords with { Kind = TaskKind.IncludeRole, Apply = apply, Preloaded = preloaded, InheritedTags = inherit.Tags } };
    }

    /// <summary>Where role files are: the <c>*_from</c> names, each "main" by default.</summary>
    internal sealed record RoleFiles(string Tasks = "main", string Vars = "main", string Defaults = "main", string Handlers = "main")
    {
        /// <summary>Whether a name is a template: the role is then read when the include runs, with the host's variables.</summary>
        public bool HasTemplate => new[] { Tasks, Vars, Defaults, Handlers }.Any(Template.HasTemplate);
    }

    /// <summary>Reads a role (and its dependencies first) into a block; null when it is not found or was already run with these parameters.</summary>
    internal TaskDefinition? Load(
        NodeReader r, YamlNode? nameNode, string name, IReadOnlyDictionary<string, object?> parameters, RoleFiles files, Inherit inherit, bool dedupe, bool publicVars, SourceLocation? at = null,
        MapArg? provided = null)
    {
        var location = at ?? (nameNode is null ? new SourceLocation(r.Path, 1, 1) : r.At(nameNode));
        if (Template.HasTemplate(name))
        {
            r.Errors.Add(new InputError(location, $"a role name with a template is only supported by include_role: {name}"));
            return null;
        }

        var directory = Find(name, r.Directory, inherit.Collections);
        if (directory is null)
        {
            r.Errors.Add(new InputError(location, $"role '{name}' not found (looked in {string.Join(", ", Places(name, r.Directory, inherit.Collections))})"));
            return null;
        }

        // A cycle first: a role met again while it is still being read is never "already run", whatever its parameters.
        if (context.Reading.Contains(directory))
        {
            r.Errors.Add(new InputError(location, $"role dependency cycle: {string.Join(" → ", context.Reading.SkipWhile(f => f != directory).Append(directory).Select(Path.GetFileName))}"));
            return null;
        }

        var key = $"{directory}|{files}|{JsonValues.ToJson(parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={Values.ToText(p.Value)}").ToList())}";
        if (dedupe && !_ran.Add(key) && !AllowsDuplicates(directory))
        {
            return null;
        }

        context.Reading.Add(directory);
        try
        {
            var defaults = VarsFile(r, directory, "defaults", files.Defaults, location);
            var vars = VarsFile(r, directory, "vars", files.Vars, location);
            var role = new RoleContext(name, directory, defaults, vars, parameters) { ProvidedArguments = provided };
            if (publicVars)
            {
                foreach (var (k, v) in defaults)
                {
                    PlayDefaults[k] = v;
                }

                foreach (var (k, v) in vars)
                {
                    PlayVars[k] = v;
                }
            }

            var body = new List<TaskDefinition>();
            body.AddRange(Dependencies(directory, inherit));
            var collections = ForeignModules.RoleCollections(directory);
            if (System.IO.Directory.Exists(Path.Combine(directory, "library")) && !context.RoleLibraries.Contains(Path.Combine(directory, "library")))
            {
                context.RoleLibraries.Add(Path.Combine(directory, "library"));
            }

            if (ArgumentSpecs.ValidationTask(role, files.Tasks, inherit.Tags, r.Errors) is { } validation)
            {
                body.Add(validation);
            }

            var tasksFile = RoleFile(directory, "tasks", files.Tasks);
            if (tasksFile is not null)
            {
                body.AddRange(tasks.ReadFile(tasksFile, inherit with { Role = role, Collections = collections }, location, r.Errors));
            }
            else if (files.Tasks != "main")
            {
                r.Errors.Add(new InputError(location, $"role '{name}': tasks file '{files.Tasks}' not found in {Path.Combine(directory, "tasks")}"));
            }

            if (RoleFile(directory, "handlers", files.Handlers) is { } handlersFile && _handlerFiles.Add(handlersFile))
            {
                Handlers.AddRange(tasks.ReadFile(handlersFile, new Inherit([], role, true) { Collections = collections }, location, r.Errors, "handlers file").SelectMany(h => h.Flatten()).Where(h => h.Keywords.Kind == TaskKind.Module));
            }
            else if (files.Handlers != "main" && RoleFile(directory, "handlers", files.Handlers) is null)
            {
                r.Errors.Add(new InputError(location, $"role '{name}': handlers file '{files.Handlers}' not found in {Path.Combine(directory, "handlers")}"));
            }

            return new TaskDefinition(name, "block", new MapArg([], location), inherit.Tags, null, [], 0, TimeSpan.Zero, null, false, null, null, location)
            {
                Keywords = new TaskKeywords { Kind = TaskKind.Block, Block = new BlockBody(body, [], []), Role = role, IsRole = true, Directory = directory },
            };
        }
        finally
        {
            context.Reading.RemoveAt(context.Reading.Count - 1);
        }
    }

    private List<TaskDefinition> Dependencies(string directory, Inherit inherit)
    {
        var metaFile = RoleFile(directory, "meta", "main");
        if (metaFile is null)
        {
            return [];
        }

        var errors = new List<InputError>();
        var reader = new NodeReader(metaFile, errors);
        YamlNode? root;
        try
        {
            root = YamlFile.Load(metaFile, "role meta file", new SourceLocation(metaFile, 1, 1));
        }
        catch (FleetInputException ex)
        {
            _pending.AddRange(ex.Errors);
            return [];
        }

        var deps = new List<TaskDefinition>();
        if (root is YamlMappingNode map && NodeReader.Child(map, "dependencies") is { } list)
        {
            if (list is YamlSequenceNode items)
            {
                foreach (var item in items.Children)
                {
                    // A dependency is looked for through its role's collections (its own, then meta's), as Ansible's RoleMetadata does.
                    if (ReadEntry(reader, item, inherit with { Role = null, Collections = ForeignModules.RoleCollections(directory) }, dedupe: true) is { } dep)
                    {
                        deps.Add(dep);
                    }
                }
            }
            else if (list is not YamlScalarNode { Value: null or "" })
            {
                reader.Error(list, "dependencies must be a list of roles");
            }
        }

        _pending.AddRange(errors);
        return deps;
    }

    private readonly List<InputError> _pending = [];

    /// <summary>Whether the role's meta says <c>allow_duplicates: true</c>: it then runs each time it is listed, whatever its parameters.</summary>
    private static bool AllowsDuplicates(string directory)
    {
        if (RoleFile(directory, "meta", "main") is not { } metaFile)
        {
            return false;
        }

        try
        {
            // A broken meta file is reported where its dependencies are read; here it only allows nothing.
            return YamlFile.Load(metaFile, "role meta file", new SourceLocation(metaFile, 1, 1)) is YamlMappingNode map
                && NodeReader.Child(map, "allow_duplicates") is YamlScalarNode { Value: { } flag } && Values.ToBool(YamlFile.Scalar(flag)) == true;
        }
        catch (FleetInputException)
        {
            return false;
        }
    }

    /// <summary>Errors found in role meta files, handed to the play's error list.</summary>
    public IEnumerable<InputError> TakeErrors()
    {
        var errors = _pending.ToList();
        _pending.Clear();
        return errors;
    }

    private static Dictionary<string, object?> VarsFile(NodeReader r, string directory, string folder, string file, SourceLocation location)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        var files = RoleVarsFiles.Find(directory, folder, file);
        if (files.Count == 0 && file != "main")
        {
            r.Errors.Add(new InputError(location, $"{folder} file '{file}' not found in {Path.Combine(directory, folder)}"));
        }

        foreach (var path in files)
        {
            if (YamlFile.LoadVariables(path, $"role {folder} file", r.Errors, location) is { } mapping)
            {
                // Later files replace earlier ones key by key, as Ansible's combine_vars does with its default hash_behaviour.
                foreach (var (k, v) in (IReadOnlyDictionary<string, object?>)YamlFile.ToValue(mapping)!)
                {
                    result[k] = v;
                }
            }
        }

        return result;
    }

    /// <summary>A role's file: folder/name.yml, .yaml, .json or the name as written.</summary>
    internal static string? RoleFile(string directory, string folder, string name) =>
        new[] { name + ".yml", name + ".yaml", name + ".json", name }.Select(n => Path.Combine(directory, folder, n))
            .FirstOrDefault(p => File.Exists(p) || (System.IO.Directory.Exists(p) && Path.HasExtension(p))); // main.yml as a directory is refused when read, not skipped

    /// <summary>The role's directory, or null.</summary>
    public string? Find(string name, string fromDirectory, IReadOnlyList<string>? collections = null) =>
        Places(name, fromDirectory, collections).FirstOrDefault(p => System.IO.Directory.Exists(p));

    /// <summary>
    /// Where a role is looked for, in Ansible's order: a collection's roles first (<c>ns.coll.role</c>, or <c>ns.coll.sub.role</c> in
    /// roles/sub/; a short name through the <c>collections:</c> search list, its dots being subdirectories as Python imports them),
    /// then the role paths, where a dotted name is a directory name.
    /// </summary>
    public IEnumerable<string> Places(string name, string fromDirectory, IReadOnlyList<string>? collections = null)
    {
        var playbook = context.PlaybookDirectory;
        if (Path.IsPathRooted(name))
        {
            yield return name;
            yield break;
        }

        foreach (var place in CollectionPlaces(name, collections ?? [], playbook))
        {
            yield return place;
        }

        // Then the role paths, for a qualified name too (Ansible's fallback: roles/ns.coll.role is a directory name).
        yield return InputFile.FullPath(Path.Combine(playbook, "roles", name));
        foreach (var dir in context.RolesPath)
        {
            yield return InputFile.FullPath(Path.Combine(dir, name));
        }

        yield return InputFile.FullPath(Path.Combine(playbook, name));
        if (fromDirectory != playbook)
        {
            // A role used from inside another role: beside that role too.
            yield return InputFile.FullPath(Path.Combine(fromDirectory, "..", "..", name));
        }
    }

    // AnsibleCollectionRef.VALID_FQCR_RE: ns.coll.resource with optional subdirectories between.
    [System.Text.RegularExpressions.GeneratedRegex(@"^\w+(\.\w+){2,}$")]
    private static partial System.Text.RegularExpressions.Regex QualifiedName();

    private static IEnumerable<string> CollectionPlaces(string name, IReadOnlyList<string> collections, string playbook)
    {
        if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
        {
            yield break;
        }

        var parts = name.Split('.');
        var searched = QualifiedName().IsMatch(name)
            ? [($"{parts[0]}.{parts[1]}", parts[2..])]
            : collections.Where(c => c.Split('.').Length == 2).Select(c => (Collection: c, Path: parts));
        foreach (var (collection, path) in searched)
        {
            var (ns, coll) = (collection.Split('.')[0], collection.Split('.')[1]);
            foreach (var root in CollectionRoots(playbook))
            {
                yield return Path.Combine([root, "ansible_collections", ns, coll, "roles", .. path]);
            }
        }
    }

    internal static IEnumerable<string> CollectionRoots(string playbook)
    {
        yield return Path.Combine(playbook, "collections");
        var configured = Environment.GetEnvironmentVariable("ANSIBLE_COLLECTIONS_PATH") ?? Environment.GetEnvironmentVariable("ANSIBLE_COLLECTIONS_PATHS");
        foreach (var dir in (configured ?? "~/.ansible/collections:/usr/share/ansible/collections").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            yield return dir.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), dir[2..]) : dir;
        }
    }
}
