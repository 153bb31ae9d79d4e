// Over 400 lines as one concept: what a task is in YAML (module resolution, keywords, loops, blocks, includes), read in one pass.
using Fleet.Core.Modules;
using Fleet.Core.Templating;
using Fleet.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace Fleet.Core.Playbooks;

/// <summary>
/// Reads task lists into Fleet's task tree: module tasks with their keywords, <c>block</c>/<c>rescue</c>/<c>always</c>, static
/// <c>import_tasks</c>/<c>import_role</c> (read now, as blocks), dynamic <c>include_tasks</c>/<c>include_role</c> (read when they run;
/// a literal <c>include_role</c> is read now too, to validate it). Tags are inherited here; the other keywords of a block are
/// inherited when the tree runs.
/// </summary>
internal sealed partial class TaskReader(LoadContext context)
{
    /// <summary>Keywords of a task beside its module (Ansible's names).</summary>
    public static readonly string[] TaskKeys =
    [
        "name", "tags", "when", "notify", "retries", "delay", "timeout", "ignore_errors", "changed_when", "failed_when", "become",
        "register", "no_log", "loop", "loop_control", "vars", "args", "check_mode", "environment", "listen", "throttle", "until",
        "any_errors_fatal", "delegate_to", "run_once", "become_user", "become_method", "local_action", "action", "diff",
        "ignore_unreachable", "collections", "module_defaults", "debugger", "connection", "port", "remote_user", "async", "poll",
        "become_flags", "become_exe", "delegate_facts",
    ];

    private static readonly string[] BlockKeys =
    [
        "block", "rescue", "always", "name", "tags", "when", "become", "vars", "ignore_errors", "environment", "check_mode",
        "any_errors_fatal", "no_log", "throttle", "delegate_to", "run_once", "become_user", "notify", "collections", "diff",
        "become_method", "become_flags", "become_exe", "delegate_facts", "connection",
    ];

    /// <summary>Keywords Fleet reads but does not run the way Ansible does: a located error names each.</summary>
    internal static readonly Dictionary<string, string> Refused = new(StringComparer.Ordinal)
    {
        ["module_defaults"] = "module_defaults is not supported; write the arguments on each task",
        ["debugger"] = "debugger is not supported",
        ["port"] = "port on a task is not supported; set port in the inventory",
        ["remote_user"] = "remote_user on a task is not supported: Fleet keeps one connection per host through a play; set remote_user on the play, or ansible_user in the inventory",
        ["ignore_unreachable"] = "ignore_unreachable is not supported: an unreachable host stops",
    };


    public RoleReader Roles => _roles ??= new RoleReader(context, this);

    private RoleReader? _roles;

    /// <summary>The tasks of a section (<c>tasks</c>, <c>rescue</c>, a task file…).</summary>
    public List<TaskDefinition> ReadList(NodeReader r, YamlNode? node, string section, Inherit inherit)
    {
        var tasks = new List<TaskDefinition>();
        if (node is null or YamlScalarNode { Value: null or "" } || (node is YamlScalarNode scalar && YamlFile.IsPlain(scalar) && YamlFile.Scalar(scalar.Value) is null))
        {
            return tasks; // `tasks:`, `tasks: ~` and `tasks: null` are no tasks, as in Ansible
        }

        if (node is not YamlSequenceNode list)
        {
            r.Error(node, $"{section} must be a list of tasks");
            return tasks;
        }

        foreach (var item in list.Children)
        {
            if (item is not YamlMappingNode task)
            {
                r.Error(item, "a task is a mapping with a module");
                continue;
            }

            if (ReadTask(r, task, inherit) is { } loaded)
            {
                tasks.Add(loaded);
            }
        }

        return tasks;
    }

    /// <summary>A task file's tasks (an import, an include, a role's tasks/main.yml); a cycle or a bad file adds errors.</summary>
    public List<TaskDefinition> ReadFile(string file, Inherit inherit, SourceLocation? namedAt, List<InputError> errors, string what = "task file")
    {
        var key = InputFile.CanonicalPath(file); // a cycle through a linked directory is still a cycle
        if (context.Reading.Contains(key))
        {
            errors.Add(new InputError(namedAt, $"import cycle: {string.Join(" → ", context.Reading.SkipWhile(f => f != key).Append(key).Select(Path.GetFileName))}"));
            return [];
        }

        if (++context.TaskFilesRead > LoadContext.MaxTaskFiles)
        {
            if (context.TaskFilesRead == LoadContext.MaxTaskFiles + 1)
            {
                errors.Add(new InputError(namedAt, $"more than {LoadContext.MaxTaskFiles} task files imported by one playbook (imports that multiply at each level?): import a file once and loop inside it"));
            }

            return [];
        }

        YamlNode? root;
        try
        {
            InputFile.CheckRegular(file, what, namedAt, file);
            root = YamlFile.Load(file, what, namedAt);
        }
        catch (FleetInputException ex)
        {
            errors.AddRange(ex.Errors);
            return [];
        }

        context.Reading.Add(key);
        try
        {
            var r = new NodeReader(file, errors);
            return root is null ? [] : ReadList(r, root, what, inherit);
        }
        finally
        {
            context.Reading.RemoveAt(context.Reading.Count - 1);
        }
    }

    private TaskDefinition? ReadTask(NodeReader r, YamlMappingNode node, Inherit inherit)
    {
        if (NodeReader.Child(node, "block") is not null)
        {
            return ReadBlock(r, node, inherit);
        }

        foreach (var (key, _) in node.Children)
        {
            if (Refused.TryGetValue(YamlFile.KeyText(key), out var why))
            {
                r.Error(key, why);
            }
        }

        var moduleKeys = new List<(string Name, YamlNode Key, YamlNode Value)>();
        YamlNode? loopKey = null;
        foreach (var (key, value) in node.Children)
        {
            var name = YamlFile.KeyText(key);
            if (name.StartsWith("with_", StringComparison.Ordinal))
            {
                if (loopKey is not null)
                {
                    r.Error(key, $"'{name}': a task has one loop");
                }

                loopKey = key;
                if (!Lookups.Contains(name[5..]))
                {
                    r.Error(key, $"'{name}' is not supported{YamlFile.DidYouMean(name, Lookups.Names.Select(l => "with_" + l))} (Fleet's loops: loop, {string.Join(", ", Lookups.Names.Select(l => "with_" + l))})");
                }
            }
            else if (name == "loop")
            {
                if (loopKey is not null)
                {
                    r.Error(key, "'loop': a task has one loop");
                }

                loopKey = key;
            }
            else if (name is "rescue" or "always")
            {
                r.Error(key, $"'{name}' belongs to a block: this task has no 'block'");
            }
            else if (!TaskKeys.Contains(name) || name is "local_action" or "action")
            {
                moduleKeys.Add((name, key, value));
            }
        }

        var taskName = r.Text(NodeReader.Child(node, "name"));
        // A module of another OS family counts as known: the other keys beside it are the typos.
        bool Known(string name) => context.Find(ModuleName(name)) is not null || AnsibleModuleNames.Resolve(name, inherit.Collections) is not null;
        if (moduleKeys.Count > 1 && moduleKeys.Any(m => m.Name is "local_action" or "action"))
        {
            var others = moduleKeys.Where(m => m.Name is not ("local_action" or "action")).ToList();
            if (others.Count == moduleKeys.Count - 1 && !others.Any(m => Known(m.Name)))
            {
                others.ForEach(m => r.Error(m.Key, $"unknown task key '{m.Name}'{YamlFile.DidYouMean(m.Name, TaskKeys)}"));
            }
            else
            {
                r.Error(node, $"conflicting action statements: {string.Join(", ", moduleKeys.Select(m => m.Name))} (a task names one module: as its key, or with action: or local_action:)");
            }

            return null;
        }

        if (moduleKeys.Count > 1 && moduleKeys.Count(m => Known(m.Name)) == 1)
        {
            // One known module and other keys: those are task keywords Fleet does not know.
            foreach (var (name, key, _) in moduleKeys.Where(m => !Known(m.Name)))
            {
                r.Error(key, $"unknown task key '{name}'{YamlFile.DidYouMean(name, TaskKeys)}");
            }

            return null;
        }

        if (moduleKeys.Count != 1)
        {
            r.Error(node, moduleKeys.Count == 0
                ? $"task '{taskName ?? "?"}' has no module"
                : $"task '{taskName ?? "?"}' has several module keys: {string.Join(", ", moduleKeys.Select(m => m.Name))}");
            return null;
        }

        var (rawModule, moduleKey, argsNode) = moduleKeys[0];
        var local = rawModule == "local_action";
        var named = local || rawModule == "action"; // the module named inside: action: copy src=a, or action: {module: copy}
        (MapArg? Mapping, string? Text) localArgs = default;
        if (named)
        {
            if (local && NodeReader.Child(node, "delegate_to") is { } both)
            {
                r.Error(both, "a task has local_action or delegate_to, not both (local_action is delegate_to: localhost)");
            }

            (rawModule, localArgs.Mapping, localArgs.Text) = LocalAction(r, argsNode, rawModule);
            if (rawModule.Length == 0)
            {
                return null;
            }
        }

        var module = ModuleName(rawModule);
        var collections = NodeReader.Child(node, "collections") is { } own ? ForeignModules.Names(own) : inherit.Collections;

        // A module Ansible runs and Fleet cannot is accepted with a warning; the task fails on a host that reaches it.
        var unavailable = ActionSpec.Find(module) is null ? ForeignModules.OwnPythonModule(rawModule, collections, inherit.Role, context.PlaybookDirectory, context.RoleLibraries) : null;
        var spec = unavailable is null ? (module == "include" ? LegacyIncludeSpec : context.Find(module)) : null;
        if (spec is null && unavailable is null && (unavailable = ForeignModules.NotImplemented(rawModule, collections)) is null)
        {
            r.Error(moduleKey, $"unknown module '{rawModule}'{YamlFile.DidYouMean(module, context.Names)}");
            return null;
        }

        var args = named
            ? localArgs.Mapping ?? FreeFormArguments.Read(spec ?? new ActionSpec(rawModule, [], "free_form", AnyParameter: true), localArgs.Text ?? "", r.At(argsNode), r.Errors)
            : module == "set_fact" ? SetFactArguments(r, argsNode) : FreeFormArguments.Read(r.Path, spec ?? new ActionSpec(rawModule, [], "free_form", AnyParameter: true), argsNode, r.Errors);
        if (NodeReader.Child(node, "args") is { } extra)
        {
            args = extra is YamlMappingNode extraMap
                ? new MapArg([.. ((MapArg)YamlFile.ToArg(r.Path, extraMap)).Entries.Where(e => args[e.Key] is null), .. args.Entries], args.Location)
                : spec is Module && extra is YamlScalarNode { Value: { } splat } && Template.HasTemplate(splat) && args[ModuleArguments.VariableParams] is null
                ? new MapArg([new(ModuleArguments.VariableParams, YamlFile.ToArg(r.Path, extra)), .. args.Entries], args.Location)
                : r.Fail(extra, "args must be a mapping (or, for a module, one template that gives one)", args);
        }

        if (args[ModuleArguments.VariableParams] is not null)
        {
            context.Warnings.Add(new InputError(r.At(moduleKey), ModuleArguments.VariableParamsWarning));
        }

        var warnAt = r.At(moduleKey);
        if (unavailable is null && OtherBackendParameter(module, spec, args) is { } foreign)
        {
            (unavailable, warnAt) = foreign;
        }

        if (unavailable is not null)
        {
            context.Warnings.Add(new InputError(warnAt, unavailable));
        }

        var tags = inherit.Tags.Concat(r.Tags(NodeReader.Child(node, "tags"))).Distinct().ToList();
        var templates = new List<KeywordTemplate>();
        var keywords = Keywords(r, node, inherit, templates) with
        {
            Loop = loopKey is null ? null : Loop(r, node, loopKey),
            Register = Register(r, NodeReader.Child(node, "register")),
            ChangedWhen = r.Condition(NodeReader.Child(node, "changed_when"), "changed_when"),
            FailedWhen = r.Condition(NodeReader.Child(node, "failed_when"), "failed_when"),
            Until = r.Condition(NodeReader.Child(node, "until"), "until"),
            Listen = r.Names(NodeReader.Child(node, "listen"), "listen"),
        };
        if (local)
        {
            keywords = keywords with { DelegateTo = "localhost" };
        }

        if (keywords.Listen.Count > 0 && !inherit.Handler)
        {
            r.Error(NodeReader.Child(node, "listen")!, "listen belongs to handlers, not tasks");
        }

        var retries = r.Int(NodeReader.Child(node, "retries"), "retries", templates, NodeReader.MaxRetries);
        var delay = r.Int(NodeReader.Child(node, "delay"), "delay", templates, NodeReader.MaxSeconds);
        var timeout = r.Int(NodeReader.Child(node, "timeout"), "timeout", templates, NodeReader.MaxSeconds);
        var ignoreErrors = r.Bool(NodeReader.Child(node, "ignore_errors"), "ignore_errors", templates);
        var become = r.Bool(NodeReader.Child(node, "become"), "become", templates);
        var noLog = r.Bool(NodeReader.Child(node, "no_log"), "no_log", templates);
        var asyncSeconds = r.Int(NodeReader.Child(node, "async"), "async", templates, NodeReader.MaxSeconds);
        var poll = r.Int(NodeReader.Child(node, "poll"), "poll", templates, NodeReader.MaxSeconds);
        if (NodeReader.Child(node, "async") is { } asyncNode && unavailable is null && AsyncRefusal(module, spec) is { } refusal)
        {
            r.Error(asyncNode, refusal);
        }

        var definition = new TaskDefinition(
            taskName ?? DefaultName(rawModule),
            module,
            args,
            tags,
            r.Condition(NodeReader.Child(node, "when"), "when"),
            r.Names(NodeReader.Child(node, "notify"), "notify"),
            (int)(retries ?? (keywords.Until is not null ? 3 : 0)),
            TimeSpan.FromSeconds(delay ?? 5),
            timeout is { } seconds ? TaskTimeout(seconds) : null,
            ignoreErrors ?? false,
            keywords.ChangedWhen is LiteralExpression { Constant: false } ? false : null,
            become,
            r.At(node))
        {
            NoLog = noLog ?? false,
            Keywords = keywords with { Templates = templates, Unavailable = unavailable, Async = asyncSeconds ?? 0, Poll = poll ?? TaskKeywords.DefaultPoll },
        };

        if (module is "include_tasks" or "include_role" or "meta"
            && (NodeReader.Child(node, "delegate_to") ?? NodeReader.Child(node, "run_once") ?? (local ? moduleKey : null)) is { } placed)
        {
            r.Error(placed, module == "meta"
                ? "meta runs on the host's own walk: delegate_to, local_action and run_once are not supported on it"
                : $"{module} with delegate_to, local_action or run_once is not supported: put the keyword in apply: or on the included tasks");
        }

        IncludeArguments.CheckNames(r, definition);
        return module switch
        {
            "import_tasks" => ImportTasks(r, definition, inherit),
            "include_tasks" => IncludeTasks(r, definition, inherit, argsNode),
            "include" => LegacyInclude(r, definition, inherit),
            "import_role" or "include_role" => Roles.ReadRoleTask(r, definition, inherit, ApplyBlock(r, argsNode)),
            "meta" => Meta(r, definition, inherit),
            _ => definition,
        };
    }

    /// <summary>
    /// <c>package</c> hands its arguments to the host's package manager: a parameter only another family's backend takes
    /// (<c>enablerepo</c>) is accepted, and fails the task on a host that reaches it, as Ansible's apt refuses it there.
    /// </summary>
    private static (string Message, SourceLocation At)? OtherBackendParameter(string module, IModuleSpec? spec, MapArg args)
    {
        if (module != "package" || spec is null)
        {
            return null;
        }

        var known = spec.Parameters.SelectMany(p => (p.Aliases ?? []).Prepend(p.Name)).ToHashSet(StringComparer.Ordinal);
        return args.Entries.Where(e => !known.Contains(e.Key)).Select(e => (e.Key, e.Value.Location, Backends: AnsiblePackageBackends.Of(e.Key))).FirstOrDefault(p => p.Backends is not null) is { Backends: { } backends } found
            ? ($"parameter {found.Key} of package belongs to the {backends} backend; this host uses apt", found.Location)
            : null;
    }

    /// <summary>
    /// Why the task's module cannot run with <c>async</c>, or null: an engine action runs on the controller (Ansible refuses
    /// async for its actions too), and a module may say why its change cannot run detached.
    /// </summary>
    private static string? AsyncRefusal(string module, IModuleSpec? spec) => spec switch
    {
        Module { AsyncRefusal: { } why } => $"async is not supported for {module}: {why}",
        Module => null,
        _ => $"async is not supported for {module}: it runs on the controller, not as a job on the host (Ansible refuses it too)",
    };

    /// <summary>
    /// <c>local_action</c>'s module and arguments: <c>local_action: copy src=a dest=b</c> (the first word is the module, the rest its
    /// free-form text) or <c>local_action: {module: copy, src: a}</c>; an empty module name when it names none (the error added).
    /// </summary>
    private static (string Module, MapArg? Mapping, string? Text) LocalAction(NodeReader r, YamlNode node, string keyword)
    {
        switch (node)
        {
            case YamlScalarNode { Value: { } text } when text.Trim().Length > 0:
                var trimmed = text.Trim();
                var space = trimmed.IndexOfAny([' ', '\t', '\n']);
                return space < 0 ? (trimmed, null, "") : (trimmed[..space], null, trimmed[(space + 1)..].Trim());
            case YamlMappingNode mapping when NodeReader.Child(mapping, "module") is YamlScalarNode { Value: { Length: > 0 } module }:
                var all = (MapArg)YamlFile.ToArg(r.Path, mapping);
                return (module, all with { Entries = all.Entries.Where(e => e.Key != "module").ToList() }, null);
            default:
                r.Error(node, $"{keyword} names a module: {keyword}: MODULE ARGS, or a mapping with module: and the arguments");
                return ("", null, null);
        }
    }

    /// <summary><c>connection</c>: local (the controller) or ssh (smart and paramiko are ssh here); any other is an error naming it.</summary>
    private static string? Connection(NodeReader r, YamlNode? node)
    {
        var text = r.Text(node);
        switch (text)
        {
            case null:
                return null;
            case "local" or "ssh":
                return text;
            case "smart" or "paramiko":
                return "ssh";
            default:
                r.Error(node!, $"connection '{text}' is not supported: Fleet connects with ssh or runs on the controller with local (write one of them, not a template)");
                return null;
        }
    }

    /// <summary>A task's <c>timeout</c> in seconds: 0 means no time limit, as in Ansible.</summary>
    public static TimeSpan TaskTimeout(long seconds) => seconds == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(seconds);

    /// <summary>The keywords a block and a task share; those written as templates go to <paramref name="templates"/>.</summary>
    private static TaskKeywords Keywords(NodeReader r, YamlMappingNode node, Inherit inherit, List<KeywordTemplate> templates) => new()
    {
        Vars = r.Vars(NodeReader.Child(node, "vars")),
        CheckMode = r.Bool(NodeReader.Child(node, "check_mode"), "check_mode", templates),
        Diff = r.Bool(NodeReader.Child(node, "diff"), "diff", templates),
        Environment = r.Environment(NodeReader.Child(node, "environment"), templates),
        Throttle = r.Int(NodeReader.Child(node, "throttle"), "throttle", templates) is { } t ? (int)t : null,
        AnyErrorsFatal = r.Bool(NodeReader.Child(node, "any_errors_fatal"), "any_errors_fatal", templates),
        BecomeUser = BecomeKeywords.Read(r, node, checkVars: true),
        BecomeFlags = BecomeKeywords.Flags(r, node),
        Role = inherit.Role,
        Directory = r.Directory,
        DelegateTo = r.Text(NodeReader.Child(node, "delegate_to")),
        DelegateFacts = r.Bool(NodeReader.Child(node, "delegate_facts"), "delegate_facts", templates),
        RunOnce = r.Bool(NodeReader.Child(node, "run_once"), "run_once", templates),
        Connection = Connection(r, NodeReader.Child(node, "connection")),
    };

    private TaskDefinition ReadBlock(NodeReader r, YamlMappingNode node, Inherit inherit)
    {
        foreach (var (key, _) in node.Children)
        {
            var name = YamlFile.KeyText(key);
            if (Refused.TryGetValue(name, out var why))
            {
                r.Error(key, why);
            }
            else if (!BlockKeys.Contains(name))
            {
                r.Error(key, $"unknown block key '{name}'{YamlFile.DidYouMean(name, BlockKeys)} (a block holds tasks under block, rescue and always)");
            }
        }

        var tags = inherit.Tags.Concat(r.Tags(NodeReader.Child(node, "tags"))).Distinct().ToList();
        var inner = inherit with { Tags = tags, Collections = NodeReader.Child(node, "collections") is { } own ? ForeignModules.Names(own) : inherit.Collections };
        var body = new BlockBody(
            ReadList(r, NodeReader.Child(node, "block"), "block", inner),
            ReadList(r, NodeReader.Child(node, "rescue"), "rescue", inner),
            ReadList(r, NodeReader.Child(node, "always"), "always", inner));
        var name2 = r.Text(NodeReader.Child(node, "name"));
        var templates = new List<KeywordTemplate>();
        var keywords = Keywords(r, node, inherit, templates);
        var ignoreErrors = r.Bool(NodeReader.Child(node, "ignore_errors"), "ignore_errors", templates);
        var become = r.Bool(NodeReader.Child(node, "become"), "become", templates);
        var noLog = r.Bool(NodeReader.Child(node, "no_log"), "no_log", templates);
        return new TaskDefinition(
            name2 ?? "block",
            "block",
            new MapArg([], r.At(node)),
            tags,
            r.Condition(NodeReader.Child(node, "when"), "when"),
            r.Names(NodeReader.Child(node, "notify"), "notify"),
            0,
            TimeSpan.Zero,
            null,
            ignoreErrors ?? false,
            null,
            become,
            r.At(node))
        {
            NoLog = noLog ?? false,
            Keywords = keywords with { Kind = TaskKind.Block, Block = body, Templates = templates },
        };
    }

    /// <summary><c>import_tasks</c>: the file is read now and becomes a block carrying the import's keywords.</summary>
    private TaskDefinition? ImportTasks(NodeReader r, TaskDefinition task, Inherit inherit)
    {
        if (task.Keywords.Loop is not null)
        {
            r.Errors.Add(new InputError(task.Keywords.Loop.Location, "import_tasks cannot loop (it is read when the playbook loads): use include_tasks"));
            return null;
        }

        if (FileArgument(r, task) is not { } file)
        {
            return null;
        }

        if (Template.HasTemplate(file) && !TryRenderImportName(file, task.Keywords.Role, out file))
        {
            r.Errors.Add(new InputError(task.Args.Location, $"import_tasks: a templated file name is read when the playbook loads and cannot use host variables: use include_tasks ({file})"));
            return null;
        }

        var path = TaskFile(r, file, task.Keywords.Role);
        var tasks = ReadFile(path, inherit with { Tags = task.Tags }, task.Args.Location, r.Errors);
        return task with { Module = "block", Keywords = task.Keywords with { Kind = TaskKind.Block, Block = new BlockBody(tasks, [], []) } };
    }

    /// <summary><c>include_tasks</c>: read when it runs; a literal file name is read now as well, so its errors show before any host is contacted.</summary>
    private TaskDefinition? IncludeTasks(NodeReader r, TaskDefinition task, Inherit inherit, YamlNode argsNode)
    {
        if (FileArgument(r, task) is not { } file)
        {
            return null;
        }

        var apply = ApplyBlock(r, argsNode);
        BlockBody? preloaded = null;
        if (!Template.HasTemplate(file) && !(task.When is not null && context.Reading.Contains(InputFile.CanonicalPath(TaskFile(r, file, task.Keywords.Role)))))
        {
            var tags = inherit.Tags.Concat(apply?.Tags ?? []).Distinct().ToList();
            preloaded = new BlockBody(ReadFile(TaskFile(r, file, task.Keywords.Role), inherit with { Tags = tags, Dynamic = true }, task.Args.Location, r.Errors), [], []);
        }

        return task with { Keywords = task.Keywords with { Kind = TaskKind.IncludeTasks, Apply = apply, Preloaded = preloaded, InheritedTags = inherit.Tags } };
    }

    /// <summary>The <c>apply:</c> keywords of an include, read as a block around the included tasks, or null.</summary>
    internal TaskDefinition? ApplyBlock(NodeReader r, YamlNode argsNode)
    {
        if (argsNode is not YamlMappingNode args || NodeReader.Child(args, "apply") is not { } apply)
        {
            return null;
        }

        if (apply is not YamlMappingNode map)
        {
            r.Error(apply, "apply must be a mapping of task keywords");
            return null;
        }

        var withBlock = new YamlMappingNode(map.Children.Append(new(new YamlScalarNode("block"), new YamlSequenceNode())));
        return ReadBlock(r, withBlock, Inherit.Play([])) with { Location = r.At(apply) };
    }

    private static string? FileArgument(NodeReader r, TaskDefinition task)
    {
        if (task.Args["file"] is ScalarArg { Value: { Length: > 0 } file })
        {
            return file;
        }

        r.Errors.Add(new InputError(task.Args.Location, $"{task.Module} takes a file name"));
        return null;
    }

    /// <summary>A task file named in a task: relative to the file that names it; in a role, its tasks/ first.</summary>
    internal static string TaskFile(NodeReader r, string file, RoleContext? role)
    {
        if (Path.IsPathRooted(file))
        {
            return file;
        }

        if (role is not null && Path.Combine(role.Directory, "tasks", file) is var inRole && File.Exists(inRole))
        {
            return inRole;
        }

        return r.Resolve(file);
    }

    private TaskDefinition? Meta(NodeReader r, TaskDefinition task, Inherit inherit)
    {
        var action = (task.Args["free_form"] as ScalarArg)?.Value ?? "";
        string[] known = ["flush_handlers", "noop", "end_host", "end_play", "clear_host_errors", "refresh_inventory", "clear_facts", "end_batch", "reset_connection", "role_complete"];
        string[] supported = ["flush_handlers", "noop", "end_host", "end_play", "clear_host_errors", "role_complete", "end_batch", "reset_connection", "clear_facts"];
        if (action == "refresh_inventory")
        {
            // Fleet validates every play against the inventory before contacting a host: a host that joins mid-run would skip that.
            r.Errors.Add(new InputError(task.Args.Location, "meta: refresh_inventory is not supported: Fleet reads and validates the inventory once, before any host is contacted; split the run in two (the second `fleet apply` reads the new inventory)"));
            return null;
        }

        if (!supported.Contains(action))
        {
            r.Errors.Add(new InputError(task.Args.Location, known.Contains(action)
                ? $"meta: {action} is not supported (Fleet's: {string.Join(", ", supported)})"
                : $"meta: unknown action '{action}'{YamlFile.DidYouMean(action, supported)}"));
            return null;
        }

        if (inherit.Handler)
        {
            r.Errors.Add(new InputError(task.Location, "meta tasks are not handlers"));
        }

        return task;
    }

    private static MapArg SetFactArguments(NodeReader r, YamlNode node) => node switch
    {
        YamlMappingNode map => (MapArg)YamlFile.ToArg(r.Path, map),
        YamlScalarNode { Value: { Length: > 0 } text } scalar => new MapArg(
            text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Split('=', 2)).Where(p => p.Length == 2)
                .Select(p => new KeyValuePair<string, ArgValue>(p[0], new ScalarArg(p[1].Trim('"', '\''), false, r.At(scalar)))).ToList(), r.At(node)),
        _ => r.Fail(node, "set_fact takes a mapping of variables", new MapArg([], r.At(node))),
    };

    private static string? Register(NodeReader r, YamlNode? node)
    {
        var name = r.Text(node);
        if (name is not null && !IsIdentifier(name))
        {
            r.Error(node!, $"register takes a variable name, not '{name}'");
            return null;
        }

        return name;
    }

    internal static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => char.IsLetterOrDigit(c) || c == '_');

    private static LoopSpec? Loop(NodeReader r, YamlMappingNode node, YamlNode key)
    {
        var name = YamlFile.KeyText(key);
        var value = node.Children[key];
        var kind = name == "loop" ? "loop" : name[5..];
        string loopVar = "item";
        string? indexVar = null, label = null;
        var extended = false;
        var pause = 0.0;
        if (NodeReader.Child(node, "loop_control") is { } control)
        {
            if (control is not YamlMappingNode controlMap)
            {
                r.Error(control, "loop_control must be a mapping");
            }
            else
            {
                foreach (var (k, v) in controlMap.Children)
                {
                    switch (YamlFile.KeyText(k))
                    {
                        case "loop_var":
                            loopVar = r.Text(v) is { } lv && IsIdentifier(lv) ? lv : r.Fail(v, "loop_var takes a variable name", "item");
                            break;
                        case "index_var":
                            indexVar = r.Text(v) is { } iv && IsIdentifier(iv) ? iv : r.Fail<string?>(v, "index_var takes a variable name", null);
                            break;
                        case "label":
                            label = r.Text(v);
                            break;
                        case "extended":
                            extended = r.Bool(v, "extended") ?? false;
                            break;
                        case "pause":
                            pause = r.Text(v) is { } seconds && double.TryParse(seconds, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var p) && p >= 0 && p <= NodeReader.MaxSeconds
                                ? p
                                : r.Fail(v, "loop_control: pause takes a number of seconds to wait between items (written, not a template)", 0.0);
                            break;
                        case var other:
                            r.Error(k, $"unknown loop_control key '{other}' (loop_var, index_var, label, extended, pause)");
                            break;
                    }
                }
            }
        }

        return new LoopSpec(kind, YamlFile.ToValue(value), loopVar, indexVar, label, r.At(key)) { Extended = extended, Pause = TimeSpan.FromSeconds(pause) };
    }

    /// <summary>A task without a name is named after its module as written (ansible.builtin.include_tasks stays so), as Ansible names it.</summary>
    private static string DefaultName(string module) => module;

    private static readonly string[] Prefixes = ["ansible.builtin.", "ansible.posix.", "community.general.", "community.crypto.", "ansible.legacy."];

    /// <summary>The module name without an <c>ansible.builtin.</c>-like collection prefix.</summary>
    public static string ModuleName(string module) =>
        Prefixes.Aggregate(module, (m, prefix) => m.StartsWith(prefix, StringComparison.Ordinal) ? m[prefix.Length..] : m);
}
