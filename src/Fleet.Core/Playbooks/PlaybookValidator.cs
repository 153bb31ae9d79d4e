// Over 400 lines as one concept: every check that needs the whole loaded run (variables in scope per host, handlers, targets).
using Fleet.Core.Yaml;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Templating;

namespace Fleet.Core.Playbooks;

/// <summary>
/// Checks loaded playbooks completely before any host is contacted: module parameters (known, required, typed, choices),
/// notified handlers, host patterns, and variables. With an inventory every task is rendered and bound for every host its
/// play targets (fact variables stand in as empty text). Without one, only play vars, extra vars, facts and magic variables
/// are known, so a variable that might come from an inventory is not reported.
/// </summary>
public static class PlaybookValidator
{
    private static readonly string[] MagicVariables = ["inventory_hostname", "inventory_hostname_short", "group_names", "groups"];

    /// <summary>Every problem found, in file order; what may still work (a use a <c>when</c> may skip) goes to <paramref name="warnings"/>.</summary>
    public static IReadOnlyList<InputError> Validate(
        IReadOnlyList<Playbook> playbooks,
        Inventory.Inventory? inventory,
        IReadOnlyDictionary<string, object?> extraVars,
        IModuleCatalog catalog,
        ICollection<InputError>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(playbooks);
        ArgumentNullException.ThrowIfNull(catalog);
        using var validation = Templating.RenderBudget.Validation();
        var errors = new List<InputError>();
        var facts = new Dictionary<string, object?>(Facts.FactVariables.Placeholders, StringComparer.Ordinal) { ["ansible_version"] = AnsibleVersion.Value };
        // The facts as the run will have them: unknown until a host answers (see FactsUnknown).
        var unknownFacts = new RuntimeLayer([.. Facts.FactVariables.Names], lenient: false);
        var groups = inventory?.GroupsVariable;
        var targeted = new List<Inventory.InventoryHost>();
        var runtime = RuntimeNames(playbooks, catalog);
        var assigned = AssignedNames(playbooks);
        var templates = new TemplateSources();
        var found = new List<InputError>();
        // What differs from host to host without being written for it (facts, magic variables) stands as unknown.
        var hostFacts = new RuntimeLayer([.. facts.Keys], lenient: false);
        foreach (var play in playbooks.SelectMany(p => p.Plays))
        {
            var hosts = new List<Inventory.InventoryHost>();
            if (inventory is not null && play.Hosts.Length > 0)
            {
                try
                {
                    inventory.ValidatePattern(play.Hosts, play.Location);
                    hosts.AddRange(inventory.Select(play.Hosts));
                    targeted.AddRange(hosts);
                }
                catch (FleetInputException ex)
                {
                    errors.AddRange(ex.Errors.Select(e => e with { Location = e.Location ?? play.Location }));
                }
            }

            var topics = play.HandlerTopics.ToHashSet(StringComparer.Ordinal);
            var last = new RuntimeLayer(runtime, lenient: inventory is null);
            var shadow = new RuntimeLayer(assigned, lenient: false);
            var hostLayers = hosts.Count > 0
                ? hosts.Select(h => new HostLayers(h.Vars, HostScope.Magic(h, groups), facts, last) { Assigned = shadow }).ToList()
                : [new HostLayers(new Dictionary<string, object?>(), MagicVariables.ToDictionary(n => n, _ => (object?)"", StringComparer.Ordinal), facts, last) { Assigned = shadow }];
            foreach (var (task, frameVars) in Leaves(play.Tasks.Concat(play.Handlers), Nesting.None))
            {
                errors.AddRange(task.Keywords.Loop is { } loop ? LiteralLoops.Check(loop) : []);
                errors.AddRange(IncludeVarsFiles.Check(task, play));
                foreach (var name in task.Notify.Where(n => !topics.Contains(n)))
                {
                    errors.Add(new InputError(task.Location, $"task '{task.Name}' notifies unknown handler '{name}'{Yaml.YamlFile.DidYouMean(name, topics)}"));
                }

                if (task.Keywords.Kind is TaskKind.IncludeRole or TaskKind.IncludeTasks && task.When is null)
                {
                    errors.AddRange(IncludeName(task, TaskScope(task, frameVars, extraVars, play, hostLayers[0])));
                }

                if (task.Keywords.Kind != TaskKind.Module || ActionSpec.Find(task.Module) is { Arguments: ActionArguments.ReadWithTask })
                {
                    continue;
                }

                if (task.Keywords.Unavailable is not null)
                {
                    // Fleet cannot run it (the load warned): its arguments have no spec to check, but their templates must parse.
                    errors.AddRange(Unparsable(task.Args));
                    continue;
                }

                var spec = (IModuleSpec?)ActionSpec.Find(task.Module) ?? catalog.Find(task.Module);
                if (spec is null)
                {
                    errors.Add(new InputError(task.Location, $"unknown module '{task.Module}'"));
                    continue;
                }

                var directory = task.Keywords.Role?.Directory ?? task.Keywords.Directory ?? play.Directory;
                foreach (var layers in hostLayers)
                {
                    var before = errors.Count;
                    var scopes = new TaskScopes(TaskScope(task, frameVars, extraVars, play, layers), TaskScope(task, frameVars, extraVars, play, layers with { Facts = unknownFacts }),
                        () => TaskScope(task, frameVars, extraVars, play, layers with { Facts = hostFacts, Magic = new RuntimeLayer([.. layers.Magic.Keys], lenient: false) }));
                    CheckTask(task, spec, scopes, directory, errors, templates, found);
                    if (errors.Count > before)
                    {
                        break; // one host's errors are enough; the others would repeat them
                    }
                }
            }
        }

        if (inventory is not null)
        {
            errors.AddRange(inventory.CheckTargets(targeted.Distinct(), extraVars, credentials: false));
        }

        foreach (var warning in found.Distinct())
        {
            warnings?.Add(warning);
        }

        return errors.Distinct().OrderBy(e => e.Location?.File, StringComparer.Ordinal).ThenBy(e => e.Location?.Line).ThenBy(e => e.Location?.Column).ToList();
    }

    private static void CheckTask(
        TaskDefinition task, IModuleSpec module, TaskScopes scopes, string directory, List<InputError> errors, TemplateSources templates, List<InputError> warnings)
    {
        var scope = scopes.WithStandIns;
        if (task.When is { } when)
        {
            foreach (var name in when.Variables.Distinct())
            {
                try
                {
                    if (!scope.TryGet(name, out _))
                    {
                        errors.Add(new InputError(task.Location, $"undefined variable '{name}' in when: {when.Text}"));
                    }
                }
                catch (RuntimeVariableException)
                {
                    // set when the play runs (register, set_fact, a loop item): checked then
                }
                catch (UndefinedVariableException ex)
                {
                    errors.Add(new InputError(task.Location, $"{ex.Message} (through variable '{name}') in when: {when.Text}"));
                }
                catch (FleetInputException ex)
                {
                    errors.AddRange(Template.WithLocation(ex, task.Location).Errors);
                }
            }
        }

        if (module is ActionSpec action)
        {
            CheckAction(task, action, scopes, errors);
            return;
        }

        try
        {
            _ = ModuleArguments.Bind(module, task.Args, scope);
        }
        catch (FleetInputException ex)
        {
            if (FactsUnknown(module, task.Args, scopes.WithFactsUnknown))
            {
                // The failure came from the facts' stand-ins ("{{ packages[ansible_os_family] }}" looks up key ''): the host's facts decide.
                errors.AddRange(Structure(module, task.Args));
                return;
            }

            // Under a when, the arguments are rendered only when it holds (as in Ansible): `when: x is defined` guards a use of x,
            // and `when: settings['key'] | default('')` a use of settings['key'] (a missing key is Jinja's undefined too).
            // A parameter that is given but whose value failed to render is not "missing": its own error says why.
            errors.AddRange(ex.Errors.Where(e => !(task.When is not null && IsUndefined(e.Message)))
                .Where(e => !task.Args.Entries.Any(a => e.Message.EndsWith($"missing required parameter '{a.Key}'", StringComparison.Ordinal))));
            return;
        }
        catch (RuntimeVariableException)
        {
            // Values come from the run (a registered result, a loop item): only names and required parameters can be checked now.
            errors.AddRange(Structure(module, task.Args));
            return;
        }

        // A controller file named literally must exist now, not fail on every host later; so must a templated name that renders
        // without the host's facts, magic variables or what the run sets (a warning where the task's when may skip it).
        // With remote_src (Ansible's one name for it), src names a file on the host instead.
        var onHost = task.Args["remote_src"] is ScalarArg { Value: var remote } && Values.ToBool(remote) == true;
        var maybeOnHost = task.Args["remote_src"] is { } given && !(given is ScalarArg { Value: var literal } && Values.ToBool(literal) == false);
        foreach (var parameter in module.Parameters.Where(p => p.ControllerFile && !(onHost && p.Name == "src")))
        {
            if (task.Args[parameter.Name] is not ScalarArg { Value: { Length: > 0 } written } arg)
            {
                continue;
            }

            var templated = Template.HasTemplate(written);
            if ((templated ? RenderedOnEveryHost(written, scopes.Known(), arg.Location) : written) is not { Length: > 0 } path || (templated && maybeOnHost && parameter.Name == "src"))
            {
                continue;
            }

            var report = templated && task.When is not null ? warnings : errors;
            var places = Path.IsPathRooted(path) ? [path] : ControllerFiles.Places(path, directory, parameter.ControllerFolder).ToList();
            if (ControllerFiles.Find(path, directory, parameter.ControllerFolder) is { } found)
            {
                switch (InputFile.KindOf(found))
                {
                    case InputFileKind.Special:
                        report.Add(new InputError(arg.Location, $"{parameter.Name}: not a regular file on the controller (a FIFO, device or socket): {found}"));
                        break;
                    case InputFileKind.Missing:
                        report.Add(new InputError(arg.Location, $"{parameter.Name}: a symbolic link that leads nowhere on the controller (dangling or looping): {found}"));
                        break;
                    case InputFileKind.Regular when parameter.ControllerFolder == "templates" && !templated:
                        templates.Check(Path.GetFullPath(found), directory, arg.Location, task.When is not null, name => Defined(scope, name), errors, warnings);
                        break;
                }
            }
            else if (places.FirstOrDefault(Directory.Exists) is { } folder && !parameter.ControllerDirectory)
            {
                report.Add(new InputError(arg.Location, $"{parameter.Name}: is a directory on the controller, not a file: {folder} (copying a directory is not supported)"));
            }
            else if (!parameter.ControllerDirectory || !places.Any(Directory.Exists))
            {
                report.Add(new InputError(arg.Location, $"{parameter.Name}: file not found on the controller: {path}{(templated ? $" (rendered from {written})" : "")} (looked in {string.Join(", ", places)})"));
            }
        }
    }

    /// <summary>The text rendered where it needs nothing only the host or the run knows (a fact, a registered result, a loop item), else null.</summary>
    private static string? RenderedOnEveryHost(string text, IVariableLookup known, SourceLocation at)
    {
        try
        {
            return Template.RenderString(text, known, at);
        }
        catch (Exception ex) when (ex is RuntimeVariableException or UndefinedVariableException or FleetInputException)
        {
            return null;
        }
    }

    /// <summary>
    /// A task's variables for validation: facts as stand-ins of their type, facts as values only the run knows, and (made when
    /// asked) only what every host knows before the run, to render a controller path.
    /// </summary>
    private sealed record TaskScopes(IVariableLookup WithStandIns, IVariableLookup WithFactsUnknown, Func<IVariableLookup> Known);

    /// <summary>Jinja's undefined: a variable, or a key or attribute a value does not have.</summary>
    private static bool IsUndefined(string message) =>
        message.Contains("undefined variable", StringComparison.Ordinal) || message.Contains("has no attribute", StringComparison.Ordinal);

    /// <summary>Whether binding the arguments again, with the facts unknown, reaches a fact before it fails: then the facts decide.</summary>
    private static bool FactsUnknown(IModuleSpec module, MapArg args, IVariableLookup scope)
    {
        try
        {
            _ = ModuleArguments.Bind(module, args, scope);
            return false;
        }
        catch (RuntimeVariableException)
        {
            return true;
        }
        catch (FleetInputException)
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="name"/> is defined in <paramref name="scope"/>; null when only the run knows (or using it is reported elsewhere).</summary>
    private static bool? Defined(IVariableLookup scope, string name)
    {
        try
        {
            return scope.TryGet(name, out _);
        }
        catch (Exception ex) when (ex is RuntimeVariableException or UndefinedVariableException or FleetInputException)
        {
            return null;
        }
    }

    /// <summary>A templated <c>include_role</c> name or <c>include_tasks</c> file must render (an undefined variable fails every run of it).</summary>
    private static IEnumerable<InputError> IncludeName(TaskDefinition task, IVariableLookup scope)
    {
        var key = task.Keywords.Kind == TaskKind.IncludeRole ? "name" : "file";
        if (task.Args[key] is not ScalarArg { Value: { } text } arg || !Template.HasTemplate(text))
        {
            return [];
        }

        try
        {
            _ = Template.Render(text, scope, arg.Location);
            return [];
        }
        catch (FleetInputException ex)
        {
            return ex.Errors;
        }
        catch (RuntimeVariableException)
        {
            return []; // known when the play runs
        }
    }

    /// <summary>Every template of <paramref name="value"/> that does not parse.</summary>
    private static IEnumerable<InputError> Unparsable(ArgValue value)
    {
        var errors = new List<InputError>();
        switch (value)
        {
            case ScalarArg { Value: { } text } scalar when Template.HasTemplate(text):
                try
                {
                    _ = Template.Variables(text, scalar.Location).ToList();
                }
                catch (FleetInputException ex)
                {
                    errors.AddRange(ex.Errors);
                }

                break;
            case ListArg list:
                errors.AddRange(list.Items.SelectMany(Unparsable));
                break;
            case MapArg map:
                errors.AddRange(map.Entries.SelectMany(e => Unparsable(e.Value)));
                break;
        }

        return errors;
    }

    /// <summary>Parameter names known and required ones present, without rendering values.</summary>
    private static IEnumerable<InputError> Structure(IModuleSpec module, MapArg args)
    {
        var names = module.Parameters.SelectMany(p => (p.Aliases ?? []).Prepend(p.Name)).ToList();
        foreach (var (key, value) in args.Entries.Where(e => !names.Contains(e.Key) && e.Key != ModuleArguments.VariableParams))
        {
            yield return new InputError(value.Location, $"{module.Name}: unknown parameter '{key}'{Yaml.YamlFile.DidYouMean(key, names)}");
        }

        // Arguments from a template are known only when it renders: what it will give is checked then.
        var splat = args[ModuleArguments.VariableParams] is not null;
        foreach (var missing in module.Parameters.Where(p => p.Required && !splat && !args.Entries.Any(e => e.Key == p.Name || (p.Aliases?.Contains(e.Key) ?? false))))
        {
            yield return new InputError(args.Location, $"{module.Name}: missing required parameter '{missing.Name}'");
        }
    }

    /// <summary>An engine action: known parameter names, required ones, and every template renders (or waits for the run).</summary>
    private static void CheckAction(TaskDefinition task, ActionSpec action, TaskScopes scopes, List<InputError> errors)
    {
        var scope = scopes.WithStandIns;
        if (!action.AnyParameter)
        {
            errors.AddRange(Structure(action, task.Args));
        }

        errors.AddRange(action.CheckValues?.Invoke(task.Args) ?? []);

        if (action.Arguments != ActionArguments.Rendered)
        {
            return;
        }

        foreach (var (key, value) in task.Args.Entries.Where(e => e.Key != "apply"))
        {
            foreach (var scalar in Scalars(value))
            {
                try
                {
                    if (scalar.Value is { } text && Template.HasTemplate(text))
                    {
                        _ = Template.Render(text, scope, scalar.Location);
                    }
                    else if (action.ConditionParameters.Contains(key) && scalar.Value is { } condition)
                    {
                        _ = ExpressionParser.Parse(condition, scalar.Location);
                    }
                }
                catch (FleetInputException ex)
                {
                    if (!FactsUnknown(scalar, scopes.WithFactsUnknown))
                    {
                        errors.AddRange(ex.Errors);
                    }
                }
                catch (RuntimeVariableException)
                {
                    // known when the play runs
                }
            }
        }

        // As for a module's arguments: a value that fails only on the facts' stand-ins waits for the host's facts.
        static bool FactsUnknown(ScalarArg scalar, IVariableLookup factsUnknown)
        {
            try
            {
                _ = Template.Render(scalar.Value!, factsUnknown, scalar.Location);
                return false;
            }
            catch (RuntimeVariableException)
            {
                return true;
            }
            catch (FleetInputException)
            {
                return false;
            }
        }

        static IEnumerable<ScalarArg> Scalars(ArgValue value) => value switch
        {
            ScalarArg s => [s],
            ListArg l => l.Items.SelectMany(Scalars),
            MapArg m => m.Entries.SelectMany(e => Scalars(e.Value)),
            _ => [],
        };
    }

    /// <summary>Every task under <paramref name="nodes"/> with the vars of the blocks around it, outermost first.</summary>
    private static IEnumerable<(TaskDefinition Task, Nesting Vars)> Leaves(IEnumerable<TaskDefinition> nodes, Nesting vars)
    {
        foreach (var node in nodes)
        {
            yield return (node, vars);
            // An include's vars are include parameters (above role parameters), a block's or an import's are block vars.
            var inner = node.Keywords.Vars.Count == 0 ? vars
                : node.Keywords.Kind is TaskKind.IncludeTasks or TaskKind.IncludeRole ? vars with { IncludeParams = [.. vars.IncludeParams, node.Keywords.Vars] }
                : vars with { BlockVars = [.. vars.BlockVars, node.Keywords.Vars] };
            foreach (var body in new[] { node.Keywords.Block, node.Keywords.Preloaded })
            {
                if (body is null)
                {
                    continue;
                }

                foreach (var leaf in Leaves(body.Tasks.Concat(body.Rescue).Concat(body.Always), inner))
                {
                    yield return leaf;
                }
            }
        }
    }

    /// <summary>The variables of the blocks and includes around a task, outermost first.</summary>
    private sealed record Nesting(IReadOnlyList<IReadOnlyDictionary<string, object?>> BlockVars, IReadOnlyList<IReadOnlyDictionary<string, object?>> IncludeParams)
    {
        public static readonly Nesting None = new([], []);
    }

    /// <summary>One targeted host's layers (or stand-ins without an inventory): its inventory variables, magic variables, facts, and what the run sets.</summary>
    private sealed record HostLayers(
        IReadOnlyDictionary<string, object?> Vars, IReadOnlyDictionary<string, object?> Magic, IReadOnlyDictionary<string, object?> Facts, IReadOnlyDictionary<string, object?> Runtime)
    {
        /// <summary>The names set_fact and register give, which outrank task, block, play, inventory and role variables. The default value is none.</summary>
        public IReadOnlyDictionary<string, object?> Assigned { get; init; } = new Dictionary<string, object?>();
    }

    /// <summary>
    /// A task's variables as the run will have them, in the order of <c>HostVariables.Scope</c> (Ansible's, docs/variables.md),
    /// highest first, except those the run sets (see <see cref="RuntimeLayer"/>), which stand below all.
    /// </summary>
    private static VariableScope TaskScope(
        TaskDefinition task, Nesting nesting, IReadOnlyDictionary<string, object?> extraVars, Play play, HostLayers host)
    {
        var role = task.Keywords.Role;
        var layers = new List<IReadOnlyDictionary<string, object?>>();
        if (role is not null)
        {
            // Magic variables rank above extra vars.
            layers.Add(new Dictionary<string, object?>(StringComparer.Ordinal) { ["role_name"] = role.ShortName, ["ansible_role_name"] = role.Name, ["role_path"] = role.Directory });
        }

        layers.Add(extraVars);
        layers.AddRange(nesting.IncludeParams.Reverse());
        if (role is not null)
        {
            layers.Add(role.Params);
        }

        // A set_fact or registered value outranks all below (Ansible's precedence): a default it replaces is no guide to its value.
        layers.Add(host.Assigned);
        layers.Add(task.Keywords.Vars);
        layers.AddRange(nesting.BlockVars.Reverse());
        if (role is not null)
        {
            layers.Add(role.Vars);
        }

        layers.Add(play.RoleVars);
        layers.Add(play.Vars);
        layers.Add(host.Facts);
        layers.Add(host.Magic);
        layers.Add(host.Vars);
        if (role is not null)
        {
            layers.Add(role.Defaults);
        }

        layers.Add(play.RoleDefaults);
        layers.Add(Inventory.HostScope.ConnectionFallback);
        layers.Add(host.Runtime);
        return VariableScope.Of([.. layers]);
    }

    /// <summary>Variables that only exist once the run sets them: registered results, set_fact names, loop variables, include_vars.</summary>
    private static HashSet<string> RuntimeNames(IReadOnlyList<Playbook> playbooks, IModuleCatalog catalog)
    {
        var names = new HashSet<string>(StringComparer.Ordinal)
        {
            "item", "ansible_loop", "ansible_loop_var", "ansible_failed_task", "ansible_failed_result", "hostvars", "ansible_check_mode",
            "playbook_dir", "ansible_play_name", "omit", "role_name", "ansible_role_name", "role_path",
        };
        foreach (var task in playbooks.SelectMany(p => p.Plays).SelectMany(p => p.Tasks.Concat(p.Handlers)).SelectMany(t => t.Flatten()))
        {
            if (task.Keywords.Register is { } register)
            {
                names.Add(register);
            }

            if (task.Keywords.Loop is { } loop)
            {
                names.Add(loop.LoopVar);
                if (loop.IndexVar is { } index)
                {
                    names.Add(index);
                }
            }

            // set_fact's names; include_vars's are in files read when the task runs (maybe chosen per host): "*", any name.
            names.UnionWith(ActionSpec.Find(task.Module)?.VariablesSet(task) ?? []);

            // Facts that modules return become variables of their own names (Ansible's INJECT_FACTS_AS_VARS).
            names.UnionWith(catalog.Find(task.Module)?.ReturnedFactNames(task.Args) ?? []);
        }

        return names;
    }

    /// <summary>The names <c>set_fact</c> and <c>register</c> set by name (not include_vars' "*": that would defer every check).</summary>
    private static HashSet<string> AssignedNames(IReadOnlyList<Playbook> playbooks)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var task in playbooks.SelectMany(p => p.Plays).SelectMany(p => p.Tasks.Concat(p.Handlers)).SelectMany(t => t.Flatten()))
        {
            if (task.Keywords.Register is { } register)
            {
                names.Add(register);
            }

            names.UnionWith(ActionSpec.Find(task.Module)?.VariablesSet(task).Where(n => n != "*") ?? []);
        }

        return names;
    }

    /// <summary>A variable the run will set: rendering what uses it waits for the run.</summary>
    private sealed class RuntimeVariableException(string name) : Exception($"'{name}' is set when the play runs");

    /// <summary>
    /// The last layer of a validation scope: a name the run sets throws <see cref="RuntimeVariableException"/> (what uses it is
    /// checked when it runs); without an inventory any other name is treated the same way (it may come from one).
    /// </summary>
    private sealed class RuntimeLayer(HashSet<string> runtime, bool lenient) : IReadOnlyDictionary<string, object?>
    {
        public bool TryGetValue(string key, out object? value)
        {
            if (runtime.Contains(key) || runtime.Contains("*"))
            {
                throw new RuntimeVariableException(key);
            }

            if (lenient)
            {
                // Without an inventory a name may come from one: what uses it is checked when there is one (at run time at the
                // latest). Reading it as "" instead would judge "{{ x | default(90) }}" as '' rather than 90.
                throw new RuntimeVariableException(key);
            }

            value = null;
            return false;
        }

        public object? this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException(key);

        public IEnumerable<string> Keys => [];

        public IEnumerable<object?> Values => [];

        public int Count => 0;

        public bool ContainsKey(string key) => TryGetValue(key, out _);

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => Enumerable.Empty<KeyValuePair<string, object?>>().GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
