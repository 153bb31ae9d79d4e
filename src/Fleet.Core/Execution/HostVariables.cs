using Fleet.Core.Facts;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution;

/// <summary>
/// One host's variables beyond the play's: the connect-time facts, set_fact and registered results, include_vars, facts that
/// modules returned; and the scope of a task, which layers them with the play's in Ansible's precedence.
/// </summary>
internal sealed class HostVariables(InventoryHost host, IReadOnlyDictionary<string, object?> groups, RunOptions options)
{
    /// <summary>The value of <c>omit</c>: a parameter rendered to it is left out, as in Ansible.</summary>
    internal const string OmitMarker = "__omit_place_holder__fleet";

    /// <summary>Variables this host set with <c>set_fact</c> and <c>register</c>: they outlive the play, as in Ansible.</summary>
    private readonly Dictionary<string, object?> _hostFacts = new(StringComparer.Ordinal);

    /// <summary>
    /// Ansible's fact cache, for the rest of the run: the facts a play gathered or <c>setup</c> returned, and those other module
    /// results returned under <c>ansible_facts</c> (package_facts, service_facts, getent, set_fact with cacheable). Until a play
    /// gathers them, the connect-time facts are the engine's only, not variables (<c>gather_facts: false</c>).
    /// </summary>
    private readonly Dictionary<string, object?> _moduleFacts = new(StringComparer.Ordinal);

    /// <summary>The fact cache as variables, built again only after it changes (null then): every task's scope takes it.</summary>
    private IReadOnlyDictionary<string, object?>? _factVariables;

    /// <summary>A play's gathering asked for before the facts were read (the host was not connected yet): done when they are.</summary>
    private IReadOnlyList<string>? _pendingGather;

    private SystemInfo? _system;

    /// <summary>Variables read with <c>include_vars</c>.</summary>
    private readonly Dictionary<string, object?> _includedVars = new(StringComparer.Ordinal);

    // Other hosts read these through hostvars while this host's tasks write them.
    private readonly Lock _lock = new();

    /// <summary>Facts about the operating system, read at connect; a play's gathering waiting for them happens when they are set.</summary>
    public SystemInfo? System
    {
        get => _system;
        set
        {
            _system = value;
            if (value is not null && _pendingGather is { } subsets)
            {
                _pendingGather = null;
                KeepFacts(GatherSubset.Collect(value, subsets, []));
            }
        }
    }

    /// <summary>
    /// A play's fact gathering (<c>gather_facts</c>, not false): the facts of <paramref name="subsets"/> become variables, as the
    /// implicit <c>setup</c> task makes them in Ansible; from the facts read at connect, or when they are read.
    /// </summary>
    public void Gather(IReadOnlyList<string> subsets)
    {
        if (_system is null)
        {
            _pendingGather = subsets;
            return;
        }

        KeepFacts(GatherSubset.Collect(_system, subsets, []));
    }

    /// <summary>A play's gathering as the user it becomes: as <see cref="Gather"/>, with that user's <c>user_*</c> facts and <c>env</c>.</summary>
    public void GatherAs(IReadOnlyList<string> subsets, SystemInfo asUser)
    {
        if (_system is { } system)
        {
            KeepFacts(GatherSubset.Collect(system.WithUserOf(asUser), subsets, []));
        }
    }

    private void KeepFacts(IReadOnlyDictionary<string, object?> facts)
    {
        lock (_lock)
        {
            foreach (var (name, value) in facts)
            {
                _moduleFacts[name] = value;
            }

            _factVariables = null;
        }
    }

    /// <summary>
    /// This host's variables for <c>hostvars</c>, as Ansible gives them (no play, no task): inventory, facts, include_vars, set_fact and
    /// registered results, extra vars, in that precedence.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Snapshot()
    {
        var all = new Dictionary<string, object?>(host.Vars, StringComparer.Ordinal);
        var layers = new List<IReadOnlyDictionary<string, object?>> { HostScope.HostMagic(host), FactVariables() };
        lock (_lock)
        {
            layers.Add(new Dictionary<string, object?>(_includedVars, StringComparer.Ordinal));
            layers.Add(new Dictionary<string, object?>(_hostFacts, StringComparer.Ordinal));
        }

        layers.Add(options.ExtraVars);
        layers.Add(new Dictionary<string, object?>(StringComparer.Ordinal) { ["groups"] = groups });
        foreach (var (k, v) in layers.SelectMany(l => l))
        {
            all[k] = v;
        }

        return all;
    }

    /// <summary>
    /// <c>meta: clear_facts</c>: the fact cache is emptied (gathered facts, module facts, set_fact's cacheable copies), as Ansible's
    /// <c>clear_facts</c> pops it; set_fact's variables and registered results stay.
    /// </summary>
    public void ClearFacts()
    {
        lock (_lock)
        {
            _moduleFacts.Clear();
            _factVariables = null;
            _pendingGather = null;
        }
    }

    /// <summary><c>set_fact</c>: variables of this host for the rest of the run.</summary>
    public void SetFacts(IReadOnlyDictionary<string, object?> facts)
    {
        lock (_lock)
        {
            foreach (var (name, value) in facts)
            {
                _hostFacts[name] = value;
            }
        }
    }

    /// <summary><c>register</c>: a task's result under <paramref name="name"/>.</summary>
    public void Register(string name, IReadOnlyDictionary<string, object?> result)
    {
        lock (_lock)
        {
            _hostFacts[name] = result;
        }
    }

    /// <summary><c>include_vars</c>: the variables read, each by its name or all under <paramref name="name"/>.</summary>
    public void Include(IReadOnlyDictionary<string, object?> loaded, string? name)
    {
        lock (_lock)
        {
            if (name is not null)
            {
                _includedVars[name] = loaded;
                return;
            }

            foreach (var (k, v) in loaded)
            {
                _includedVars[k] = v;
            }
        }
    }

    /// <summary>
    /// Keeps the facts a task's result returned under <c>ansible_facts</c> (each item's, for a loop), as Ansible's strategy does:
    /// not for failed or skipped results (the caller leaves out the actions whose facts are variables already).
    /// </summary>
    public void KeepReturnedFacts(TaskResult result)
    {
        if (result.Status is TaskOutcome.Failed or TaskOutcome.Skipped)
        {
            return;
        }

        var items = result.Result.TryGetValue("results", out var all) && all is IReadOnlyList<object?> list
            ? list.OfType<IReadOnlyDictionary<string, object?>>()
            : [result.Result];
        lock (_lock)
        {
            foreach (var item in items)
            {
                if (item.TryGetValue("ansible_facts", out var returned) && returned is IReadOnlyDictionary<string, object?> facts
                    && !(item.TryGetValue("failed", out var failed) && failed is true) && !(item.TryGetValue("skipped", out var skipped) && skipped is true))
                {
                    foreach (var (name, value) in facts)
                    {
                        _moduleFacts[name] = value;
                    }

                    _factVariables = null;
                }
            }
        }
    }

    /// <summary>
    /// The variables of a task on this host, in Ansible's precedence (docs/variables.md lists the same layers): each layer below
    /// is written lowest first and overrides those before it.
    /// </summary>
    public VariableScope Scope(SharedPlayState run, TaskDefinition task, Frame frame, IReadOnlyDictionary<string, object?>? loopVars)
    {
        var play = run.Play;
        var role = task.Keywords.Role;
        var layers = new List<IReadOnlyDictionary<string, object?>>
        {
            // Ansible's play context gives a task the connection it uses where no variable names one (not in hostvars).
            HostScope.ConnectionFallback,

            // Role defaults: the play's roles', then the task's own role above them.
            play.RoleDefaults,
        };
        if (role is not null)
        {
            layers.Add(role.Defaults);
        }

        // Inventory: group vars, group_vars/ beside the inventory and the playbook, host vars, host_vars/ (InventoryBuilder merged
        // them in Ansible's order); the host's own names rank with its vars, as Ansible's Host.get_vars gives them.
        layers.Add(host.Vars);
        layers.Add(HostScope.HostMagic(host));
        layers.Add(FactVariables());

        // Play vars and vars_files, the play's roles' vars, then the task's own role's vars.
        layers.Add(play.Vars);
        layers.Add(play.RoleVars);
        if (role is not null)
        {
            layers.Add(role.Vars);
        }

        // Block vars, outermost first (an import's vars among them), then the task's own.
        layers.AddRange(frame.Vars);
        layers.Add(task.Keywords.Kind == TaskKind.Module ? task.Keywords.Vars : ModuleVars.None);
        lock (_lock)
        {
            layers.Add(new Dictionary<string, object?>(_includedVars, StringComparer.Ordinal));
            layers.Add(new Dictionary<string, object?>(_hostFacts, StringComparer.Ordinal));
        }

        if (role is not null)
        {
            layers.Add(role.Params);
        }

        layers.AddRange(frame.IncludeParams);
        layers.Add(options.ExtraVars);

        // Ansible's magic variables come after extra vars, and the task executor sets the loop variables after them all.
        var magic = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["groups"] = groups,
            ["hostvars"] = run.HostVars,
            ["ansible_check_mode"] = options.CheckMode,
            ["ansible_version"] = AnsibleVersion.Value,
            ["playbook_dir"] = play.Directory,
            ["ansible_play_name"] = play.Name,
            ["omit"] = OmitMarker,
        };
        if (role is not null)
        {
            // As Ansible 2.14: role_name is the short name, ansible_role_name the name as written (a collection's FQCN).
            magic["role_name"] = role.ShortName;
            magic["ansible_role_name"] = role.Name;
            magic["role_path"] = role.Directory;
        }

        layers.Add(magic);
        if (loopVars is not null)
        {
            layers.Add(loopVars);
        }

        layers.Reverse();
        return VariableScope.Of([.. layers]);
    }

    /// <summary>
    /// The facts as variables, as Ansible's variable manager gives them from its fact cache: <c>ansible_facts</c> holds every
    /// fact (an <c>ansible_</c> prefix removed; empty before any gathering), and each is also a variable of its own name
    /// (INJECT_FACTS_AS_VARS, on by default): <c>ansible_os_family</c>, <c>packages</c>, <c>services</c>, <c>getent_passwd</c>.
    /// </summary>
    private IReadOnlyDictionary<string, object?> FactVariables()
    {
        lock (_lock)
        {
            if (_factVariables is { } known)
            {
                return known;
            }

            var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
            var namespaced = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (name, value) in _moduleFacts)
            {
                var kept = ScannedValues.Keep(value);
                variables[name] = kept;
                namespaced[name.StartsWith("ansible_", StringComparison.Ordinal) && name != "ansible_local" ? name["ansible_".Length..] : name] = kept;
            }

            variables["ansible_facts"] = new ScannedMap(namespaced);
            return _factVariables = variables;
        }
    }
}
