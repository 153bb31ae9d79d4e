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

    private void KeepFacts(IReadOnlyDictionary<string, object?> facts)
    {
        lock (_lock)
        {
            foreach (var (name, value) in facts)
            {
                _moduleFacts[name] = value;
            }
        }
    }

    /// <summary>This host's variables for <c>hostvars</c>: inventory, facts, include_vars, set_fact and registered results.</summary>
    public IReadOnlyDictionary<string, object?> Snapshot()
    {
        var all = new Dictionary<string, object?>(HostScope.Magic(host, groups), StringComparer.Ordinal);
        foreach (var layer in new[] { FactVariables(), host.Vars })
        {
            foreach (var (k, v) in layer)
            {
                all[k] = v;
            }
        }

        lock (_lock)
        {
            foreach (var (k, v) in _includedVars.Concat(_hostFacts))
            {
                all[k] = v;
            }
        }

        return all;
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
                }
            }
        }
    }

    /// <summary>
    /// The variables of a task on this host, highest precedence first: extra vars, role parameters, loop variables, set_fact and
    /// registered results, include_vars, the task's vars, its blocks' vars (innermost first), its role's vars, the play's roles' vars,
    /// play vars, inventory, facts, its role's defaults, the play's roles' defaults, magic variables.
    /// </summary>
    public VariableScope Scope(SharedPlayState run, TaskDefinition task, Frame frame, IReadOnlyDictionary<string, object?>? loopVars)
    {
        var play = run.Play;
        var role = task.Keywords.Role;
        var layers = new List<IReadOnlyDictionary<string, object?>> { options.ExtraVars };
        if (role is not null)
        {
            layers.Add(role.Params);
        }

        if (loopVars is not null)
        {
            layers.Add(loopVars);
        }

        lock (_lock)
        {
            layers.Add(new Dictionary<string, object?>(_hostFacts, StringComparer.Ordinal));
            layers.Add(new Dictionary<string, object?>(_includedVars, StringComparer.Ordinal));
        }

        layers.Add(task.Keywords.Kind == TaskKind.Module ? task.Keywords.Vars : ModuleVars.None);
        for (var i = frame.Vars.Count - 1; i >= 0; i--)
        {
            layers.Add(frame.Vars[i]);
        }

        if (role is not null)
        {
            layers.Add(role.Vars);
        }

        layers.Add(play.RoleVars);
        layers.Add(play.Vars);
        layers.Add(host.Vars);
        layers.Add(FactVariables());
        if (role is not null)
        {
            layers.Add(role.Defaults);
        }

        layers.Add(play.RoleDefaults);
        var magic = HostScope.Magic(host, groups);
        magic["hostvars"] = run.HostVars;
        magic["ansible_check_mode"] = options.CheckMode;
        magic["playbook_dir"] = play.Directory;
        magic["ansible_play_name"] = play.Name;
        magic["omit"] = OmitMarker;
        if (role is not null)
        {
            // As Ansible 2.14: role_name is the short name, ansible_role_name the name as written (a collection's FQCN).
            magic["role_name"] = role.ShortName;
            magic["ansible_role_name"] = role.Name;
            magic["role_path"] = role.Directory;
        }

        layers.Add(magic);
        return VariableScope.Of([.. layers]);
    }

    /// <summary>
    /// The facts as variables, as Ansible's variable manager gives them from its fact cache: <c>ansible_facts</c> holds every
    /// fact (an <c>ansible_</c> prefix removed; empty before any gathering), and each is also a variable of its own name
    /// (INJECT_FACTS_AS_VARS, on by default): <c>ansible_os_family</c>, <c>packages</c>, <c>services</c>, <c>getent_passwd</c>.
    /// </summary>
    private Dictionary<string, object?> FactVariables()
    {
        lock (_lock)
        {
            var variables = new Dictionary<string, object?>(_moduleFacts, StringComparer.Ordinal);
            var namespaced = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (name, value) in _moduleFacts)
            {
                namespaced[name.StartsWith("ansible_", StringComparison.Ordinal) && name != "ansible_local" ? name["ansible_".Length..] : name] = value;
            }

            variables["ansible_facts"] = namespaced;
            return variables;
        }
    }
}
