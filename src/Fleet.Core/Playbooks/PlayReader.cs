using Fleet.Core.Templating;
using Fleet.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace Fleet.Core.Playbooks;

/// <summary>
/// Reads a playbook file's plays and <c>import_playbook</c>s: hosts, vars and vars_files, pre_tasks, roles, tasks, post_tasks
/// (handlers are flushed after each of those sections, as in Ansible), handlers and the play keywords.
/// </summary>
internal sealed class PlayReader(LoadContext context)
{
    private static readonly string[] PlayKeys =
    [
        "name", "hosts", "vars", "vars_files", "serial", "max_fail_percentage", "tasks", "pre_tasks", "post_tasks", "handlers", "tags",
        "become", "gather_facts", "import_playbook", "roles", "any_errors_fatal", "environment", "collections", "strategy",
        "ignore_errors", "no_log", "check_mode", "become_user", "remote_user", "connection", "force_handlers", "order",
        "gather_subset", "gather_timeout", "fact_path", "become_method", "become_flags", "become_exe", "diff",
    ];

    internal static readonly Dictionary<string, string> Refused = new(StringComparer.Ordinal)
    {
        ["force_handlers"] = "force_handlers is not supported: handlers of a failed host do not run",
        ["order"] = "order is not supported: hosts run in inventory order",
        ["fact_path"] = SetupValues.FactPathRefused,
        ["vars_prompt"] = "vars_prompt is not supported: Fleet asks nothing during a run; give the values with -e (extra vars)",
    };

    private readonly TaskReader _tasks = new(context);

    /// <summary>Reads a playbook file into <paramref name="plays"/>, its imports expanded in place.</summary>
    public void ReadFile(string path, List<Play> plays, List<InputError> errors, List<string> importing)
    {
        var root = YamlFile.Load(path, "playbook file");
        if (root is null)
        {
            return;
        }

        var r = new NodeReader(path, errors);
        if (root is not YamlSequenceNode list)
        {
            r.Error(root, "a playbook is a list of plays");
            return;
        }

        importing.Add(InputFile.CanonicalPath(path)); // a playbook reached again through a linked directory is a cycle too
        foreach (var node in list.Children)
        {
            if (node is not YamlMappingNode play)
            {
                r.Error(node, "a play is a mapping with hosts and tasks");
                continue;
            }

            if (NodeReader.Child(play, "import_playbook") is { } import)
            {
                Import(r, import, plays, importing);
                continue;
            }

            if (ReadPlay(r, play) is { } loaded)
            {
                plays.Add(loaded);
            }
        }

        importing.RemoveAt(importing.Count - 1);
    }

    private void Import(NodeReader r, YamlNode import, List<Play> plays, List<string> importing)
    {
        if (import is not YamlScalarNode { Value: { Length: > 0 } file })
        {
            r.Error(import, "import_playbook takes a file name");
            return;
        }

        var target = r.Resolve(file);
        if (importing.IndexOf(InputFile.CanonicalPath(target)) is var first and >= 0)
        {
            var cycle = importing.Skip(first).Append(target).Select(Path.GetFileName);
            r.Error(import, target == r.Path ? $"import cycle: {file} imports itself" : $"import cycle: {string.Join(" → ", cycle)}");
            return;
        }

        try
        {
            InputFile.CheckRegular(target, "imported playbook", r.At(import), file);
            ReadFile(target, plays, r.Errors, importing);
        }
        catch (FleetInputException ex)
        {
            r.Errors.AddRange(ex.Errors);
        }
    }

    /// <summary><c>remote_user</c>: a login name as written (the inventory's ansible_user wins over it, as in Ansible), or null.</summary>
    private static string? RemoteUser(NodeReader r, YamlNode? node)
    {
        var user = r.Text(node);
        if (node is null || user is null)
        {
            return null;
        }

        if (Template.HasTemplate(user) || string.IsNullOrWhiteSpace(user))
        {
            r.Error(node, $"remote_user must be a login name{(Template.HasTemplate(user) ? " (a template is not supported here; set ansible_user in the inventory)" : "")}");
            return null;
        }

        return user;
    }

    private Play? ReadPlay(NodeReader r, YamlMappingNode node)
    {
        foreach (var key in node.Children.Keys)
        {
            var name = YamlFile.KeyText(key);
            if (Refused.TryGetValue(name, out var why))
            {
                r.Error(key, why);
            }
            else if (!PlayKeys.Contains(name))
            {
                r.Error(key, $"unknown play key '{name}'{YamlFile.DidYouMean(name, PlayKeys)}");
            }
        }

        context.PlaybookDirectory = r.Directory;
        var roles = _tasks.Roles;
        roles.NewPlay();
        var hosts = r.Text(NodeReader.Child(node, "hosts"));
        // An unnamed play is named by its host pattern, as Ansible shows it ("PLAY [web]").
        var playName = r.Text(NodeReader.Child(node, "name")) ?? hosts ?? "play";
        if (hosts is null)
        {
            r.Error(node, $"play '{playName}' has no hosts");
        }
        else if (hosts.Trim(' ', ':', ',', '&', '!').Length == 0)
        {
            // Ansible's pattern separators alone name nobody: an error, not a play that is silently skipped.
            r.Error(NodeReader.Child(node, "hosts")!, $"play '{playName}' has an empty host pattern ('{hosts}'): name hosts or groups, or all");
        }

        var vars = WithVarsFiles(r, r.Vars(NodeReader.Child(node, "vars")), NodeReader.Child(node, "vars_files"));
        var playTags = r.Tags(NodeReader.Child(node, "tags"));
        // Play keywords that tasks inherit and that are templates are rendered for each host at its tasks (the play block's).
        var templates = new List<KeywordTemplate>();
        var become = r.Bool(NodeReader.Child(node, "become"), "become", templates);
        var inherit = Inherit.Play(playTags) with { Collections = NodeReader.Child(node, "collections") is { } collections ? ForeignModules.Names(collections) : [] };
        var sections = new List<List<TaskDefinition>>
        {
            _tasks.ReadList(r, NodeReader.Child(node, "pre_tasks"), "pre_tasks", inherit),
            roles.ReadPlayRoles(r, NodeReader.Child(node, "roles"), inherit).Concat(_tasks.ReadList(r, NodeReader.Child(node, "tasks"), "tasks", inherit)).ToList(),
            _tasks.ReadList(r, NodeReader.Child(node, "post_tasks"), "post_tasks", inherit),
        };

        // As in Ansible, notified handlers run after pre_tasks, after roles and tasks, and after post_tasks.
        var tasks = new List<TaskDefinition>();
        var flushes = new List<int>();
        foreach (var section in sections.Where(s => s.Count > 0))
        {
            tasks.AddRange(section);
            flushes.Add(tasks.Count - 1);
        }

        var handlers = _tasks.ReadList(r, NodeReader.Child(node, "handlers"), "handlers", inherit with { Handler = true });
        foreach (var handler in handlers.Where(h => h.Keywords.Kind != TaskKind.Module))
        {
            r.Errors.Add(new InputError(handler.Location, "a handler is a module task (blocks and includes are not supported as handlers)"));
        }

        handlers = [.. roles.Handlers, .. handlers.Where(h => h.Keywords.Kind == TaskKind.Module)];
        r.Errors.AddRange(roles.TakeErrors());
        // serial and max_fail_percentage may be templates over the play's vars and --var, rendered when the play starts (as in Ansible).
        var playTemplates = new List<KeywordTemplate>();
        var serial = NodeReader.Child(node, "serial") is { } serialNode ? r.Text(serialNode) : null;
        if (serial is not null && Template.HasTemplate(serial))
        {
            _ = r.Templated(NodeReader.Child(node, "serial"), "serial", playTemplates);
            serial = null;
        }
        else if (serial is not null && !Serial.TryParse(serial, out _, out _))
        {
            r.Error(NodeReader.Child(node, "serial")!, $"serial must be a positive number of hosts or a percentage like 25%, not '{serial}'");
        }

        var maxFail = r.Int(NodeReader.Child(node, "max_fail_percentage"), "max_fail_percentage", playTemplates);
        if (maxFail is < 0 or > 100)
        {
            r.Error(NodeReader.Child(node, "max_fail_percentage")!, $"max_fail_percentage must be between 0 and 100, not {maxFail}");
        }

        _ = r.Int(NodeReader.Child(node, "gather_timeout"), "gather_timeout");

        // Play-level keywords that tasks inherit: one block around every section.
        var playBlock = new TaskKeywords
        {
            Environment = r.Environment(NodeReader.Child(node, "environment"), templates),
            CheckMode = r.Bool(NodeReader.Child(node, "check_mode"), "check_mode", templates),
            Diff = r.Bool(NodeReader.Child(node, "diff"), "diff", templates),
            BecomeUser = BecomeKeywords.Read(r, node, checkVars: true),
            BecomeFlags = BecomeKeywords.Flags(r, node),
            Connection = PlayConnection(r, NodeReader.Child(node, "connection")),
        };
        Strategy(r, NodeReader.Child(node, "strategy"));
        var ignoreErrors = r.Bool(NodeReader.Child(node, "ignore_errors"), "ignore_errors", templates) ?? false;
        var noLog = r.Bool(NodeReader.Child(node, "no_log"), "no_log", templates) ?? false;
        var anyErrorsFatal = r.Bool(NodeReader.Child(node, "any_errors_fatal"), "any_errors_fatal", templates) ?? false;
        var at = r.At(node);
        var keywords = new TaskDefinition(playName, "block", new MapArg([], at), playTags, null, [], 0, TimeSpan.Zero, null, ignoreErrors, null, null, at)
        {
            NoLog = noLog,
            Keywords = playBlock with { Kind = TaskKind.Block, Block = new BlockBody([], [], []), Implicit = true, Templates = templates },
        };

        return new Play(playName, hosts ?? "", vars, tasks, handlers, playTags, become, r.At(node))
        {
            Serial = serial,
            MaxFailPercent = maxFail is { } percent ? (int)percent : null,
            Templates = playTemplates,
            AnyErrorsFatal = anyErrorsFatal,
            GatherFacts = r.Bool(NodeReader.Child(node, "gather_facts"), "gather_facts") ?? true,
            GatherSubset = GatherSubset(r, NodeReader.Child(node, "gather_subset")),
            RoleDefaults = new Dictionary<string, object?>(roles.PlayDefaults, StringComparer.Ordinal),
            RoleVars = new Dictionary<string, object?>(roles.PlayVars, StringComparer.Ordinal),
            RolesPath = context.RolesPath,
            RemoteUser = RemoteUser(r, NodeReader.Child(node, "remote_user")),
            HandlerFlushes = flushes,
            Keywords = keywords,
        };
    }

    /// <summary><c>connection</c> on a play: local (the controller) or ssh (smart and paramiko are ssh here); any other is an error naming it.</summary>
    private static string? PlayConnection(NodeReader r, YamlNode? node) => r.Text(node) switch
    {
        null => null,
        "local" => "local",
        "ssh" or "smart" or "paramiko" => "ssh",
        var other => r.Fail(node!, $"connection '{other}' is not supported: Fleet connects with ssh or runs on the controller with local (write one of them, not a template)", (string?)null),
    };

    /// <summary>
    /// <c>strategy</c>: free is how Fleet runs; linear is accepted with its difference (hosts do not wait for each other between
    /// tasks, only at run_once and serial batches); the others are errors.
    /// </summary>
    private static void Strategy(NodeReader r, YamlNode? node)
    {
        if (r.Text(node) is { } strategy && strategy is not ("free" or "linear"))
        {
            r.Error(node!, $"strategy '{strategy}' is not supported: Fleet runs each host's tasks on its own (free; linear is accepted and differs only in that hosts do not wait for each other between tasks)");
        }
    }

    /// <summary><c>gather_subset</c>: names as setup takes them (a list, or text split at commas), each one Ansible knows; <c>gather_timeout</c> is accepted (Fleet reads facts with its connect trip).</summary>
    private static IReadOnlyList<string> GatherSubset(NodeReader r, YamlNode? node)
    {
        if (node is null)
        {
            return ["all"];
        }

        var subsets = node is YamlScalarNode scalar ? SetupValues.List(scalar.Value) : r.Names(node, "gather_subset");
        if (Facts.GatherSubset.Check(subsets) is { } error)
        {
            r.Error(node, error);
        }

        return subsets;
    }

    /// <summary>
    /// <c>vars_files</c>: YAML mappings relative to the playbook's directory, read in order and above the play's <c>vars</c>
    /// (Ansible's precedence). A file name with a template is not supported: its variables could differ per host.
    /// </summary>
    private static IReadOnlyDictionary<string, object?> WithVarsFiles(NodeReader r, IReadOnlyDictionary<string, object?> vars, YamlNode? node)
    {
        if (node is null)
        {
            return vars;
        }

        if (node is not YamlSequenceNode list)
        {
            r.Error(node, "vars_files must be a list of file names");
            return vars;
        }

        var merged = new Dictionary<string, object?>(vars, StringComparer.Ordinal);
        foreach (var item in list.Children)
        {
            if (item is not YamlScalarNode { Value: { Length: > 0 } name })
            {
                r.Error(item, "vars_files takes file names");
                continue;
            }

            if (Template.HasTemplate(name))
            {
                r.Error(item, $"vars_files: a templated file name is not supported: {name}");
                continue;
            }

            if (YamlFile.LoadVariables(r.Resolve(name), "vars file", r.Errors, r.At(item), name) is { } mapping)
            {
                foreach (var (key, value) in (IReadOnlyDictionary<string, object?>)YamlFile.ToValue(mapping)!)
                {
                    merged[key] = value;
                }
            }
        }

        return merged;
    }
}
