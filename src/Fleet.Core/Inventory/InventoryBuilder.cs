using Fleet.Core.Yaml;

namespace Fleet.Core.Inventory;

/// <summary>
/// Collects groups, hosts and variables from every inventory source (YAML, INI, a directory of both), then checks the group graph
/// and merges each host's variables. Sets and maps keep every step linear in the hosts (100k hosts load in about a second).
/// </summary>
internal sealed class InventoryBuilder
{
    internal sealed class GroupBuilder(string name)
    {
        public string Name { get; } = name;

        public List<string> Hosts { get; } = [];

        public HashSet<string> HostSet { get; } = new(StringComparer.Ordinal);

        public List<string> Children { get; } = [];

        /// <summary>Where each child was first named under this group (for cycle errors).</summary>
        public Dictionary<string, SourceLocation> ChildLocations { get; } = new(StringComparer.Ordinal);

        public List<string> Parents { get; } = [];

        /// <summary>The group's variables in the inventory's own files.</summary>
        public Dictionary<string, (object? Value, SourceLocation At)> Vars { get; } = new(StringComparer.Ordinal);

        /// <summary>The group's variables from <c>group_vars/</c> beside the inventory.</summary>
        public Dictionary<string, (object? Value, SourceLocation At)> InventoryFileVars { get; } = new(StringComparer.Ordinal);

        /// <summary>The group's variables from <c>group_vars/</c> beside the playbook.</summary>
        public Dictionary<string, (object? Value, SourceLocation At)> PlaybookFileVars { get; } = new(StringComparer.Ordinal);

        /// <summary>Every layer of the group's variables, lowest first.</summary>
        public IEnumerable<Dictionary<string, (object? Value, SourceLocation At)>> AllVars => [Vars, InventoryFileVars, PlaybookFileVars];
    }

    internal sealed class HostBuilder(string name, SourceLocation location)
    {
        public string Name { get; } = name;

        public SourceLocation Location { get; } = location;

        public List<(string Key, object? Value, SourceLocation At)> Vars { get; } = [];

        /// <summary>Groups that list the host directly, in the order they did.</summary>
        public List<string> Groups { get; } = [];
    }

    public Dictionary<string, GroupBuilder> Groups { get; } = new(StringComparer.Ordinal) { ["all"] = new("all") };

    public Dictionary<string, HostBuilder> Hosts { get; } = new(StringComparer.Ordinal);

    public List<HostBuilder> HostOrder { get; } = [];

    public List<InputError> Errors { get; } = [];

    /// <summary>The group named <paramref name="name"/>, created on first mention.</summary>
    public GroupBuilder Group(string name)
    {
        if (!Groups.TryGetValue(name, out var group))
        {
            Groups[name] = group = new GroupBuilder(name);
        }

        return group;
    }

    /// <summary>Adds a host (declared first at <paramref name="at"/>) to a group; the same host may be listed by several groups.</summary>
    public HostBuilder AddHost(GroupBuilder group, string name, SourceLocation at)
    {
        if (!Hosts.TryGetValue(name, out var host))
        {
            Hosts[name] = host = new HostBuilder(name, at);
            HostOrder.Add(host);
        }

        if (group.HostSet.Add(name))
        {
            group.Hosts.Add(name);
            host.Groups.Add(group.Name);
        }

        return host;
    }

    /// <summary>Makes <paramref name="name"/> a child of <paramref name="parent"/>, as written at <paramref name="at"/>.</summary>
    public GroupBuilder AddChild(GroupBuilder parent, string name, SourceLocation at)
    {
        var child = Group(name);
        if (parent.ChildLocations.TryAdd(name, at))
        {
            parent.Children.Add(name);
            child.Parents.Add(parent.Name);
        }

        return child;
    }

    /// <summary>Checks the whole inventory and builds it; every problem is reported at once, in file order.</summary>
    public Inventory Build(string path, string directory)
    {
        // A group no other group names is a child of all, as a top-level YAML group or an INI section is.
        foreach (var group in Groups.Values.Where(g => g.Name != "all" && g.Parents.Count == 0).ToList())
        {
            Groups["all"].Children.Add(group.Name);
            group.Parents.Add("all");
        }

        CheckGroupGraph();
        var priority = Priorities();
        foreach (var host in HostOrder.Where(h => Groups.ContainsKey(h.Name)))
        {
            Errors.Add(new InputError(host.Location, $"'{host.Name}' is both a host and a group"));
        }

        ThrowIfErrors();
        var (depth, ancestors) = DepthsAndAncestors();
        var hostNames = Hosts.Keys.ToHashSet(StringComparer.Ordinal);
        var hosts = new List<InventoryHost>(HostOrder.Count);
        foreach (var host in HostOrder)
        {
            var groups = host.Groups.Concat(host.Groups.SelectMany(g => ancestors[g])).Where(g => g != "all").Distinct().Append("all").ToList();
            var vars = new Dictionary<string, object?>(StringComparer.Ordinal);
            var locations = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
            var written = new Dictionary<string, string>(StringComparer.Ordinal);
            // Ansible's group precedence (its VARIABLE_PRECEDENCE default): every group's inventory vars (all, then by depth,
            // ansible_group_priority and name, as its sort_groups), then group_vars/all beside the inventory and beside the
            // playbook, then the other groups' group_vars/ files in the same order.
            var ordered = groups.OrderBy(g => depth[g]).ThenBy(g => priority[g]).ThenBy(g => g, StringComparer.Ordinal).Select(g => Groups[g]).ToList();
            var others = ordered.Where(g => g.Name != "all").ToList();
            var layers = ordered.Select(g => g.Vars)
                .Append(Groups["all"].InventoryFileVars).Append(Groups["all"].PlaybookFileVars)
                .Concat(others.Select(g => g.InventoryFileVars)).Concat(others.Select(g => g.PlaybookFileVars));
            foreach (var layer in layers)
            {
                foreach (var (key, (value, at)) in layer)
                {
                    Set(key, value, at);
                }
            }

            foreach (var (key, value, at) in host.Vars)
            {
                Set(key, value, at);
            }

            void Set(string key, object? value, SourceLocation at)
            {
                var canonical = InventoryLoader.Aliases.GetValueOrDefault(key, key);
                vars[canonical] = value;
                locations[canonical] = at;
                if (canonical != key)
                {
                    written[canonical] = key;
                }
                else
                {
                    written.Remove(canonical);
                }
            }

            ConnectionVariables.MapSshArguments(host.Name, vars, locations, Errors);
            InventoryLoader.CheckConnectionVars(host.Name, vars, locations, hostNames, Errors);
            hosts.Add(new InventoryHost(host.Name, vars, locations, groups, host.Location) { WrittenNames = written });
        }

        ThrowIfErrors();
        var models = Groups.Values.ToDictionary(
            g => g.Name,
            g => new InventoryGroup(g.Name, g.Hosts, g.Children, Merged(g.AllVars)),
            StringComparer.Ordinal);
        return new Inventory(path, directory, hosts, models);
    }

    /// <summary>
    /// Each group's <c>ansible_group_priority</c> (default 1), taken out of its variables as Ansible's <c>Group.set_variable</c> does.
    /// Ansible reads it only from the inventory file: in a <c>group_vars/</c> file it would be a plain variable with no effect, so
    /// there it is refused saying where it works.
    /// </summary>
    private Dictionary<string, long> Priorities()
    {
        const string name = "ansible_group_priority";
        var priorities = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var group in Groups.Values)
        {
            priorities[group.Name] = 1;
            if (group.Vars.Remove(name, out var written))
            {
                if (written.Value is long number || (written.Value is string text && long.TryParse(text.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out number)))
                {
                    priorities[group.Name] = number;
                }
                else
                {
                    Errors.Add(new InputError(written.At, $"group '{group.Name}': {name} must be a whole number, not '{Templating.Values.ToText(written.Value)}'"));
                }
            }

            foreach (var file in new[] { group.InventoryFileVars, group.PlaybookFileVars })
            {
                if (file.TryGetValue(name, out var inFile))
                {
                    Errors.Add(new InputError(inFile.At, $"group '{group.Name}': {name} in group_vars/ has no effect (Ansible reads it only from the inventory file, before group_vars/ are merged): set it on the group in the inventory file"));
                }
            }
        }

        return priorities;
    }

    private static Dictionary<string, object?> Merged(IEnumerable<Dictionary<string, (object? Value, SourceLocation At)>> layers)
    {
        var merged = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, (value, _)) in layers.SelectMany(l => l))
        {
            merged[key] = value;
        }

        return merged;
    }

    private void ThrowIfErrors()
    {
        if (Errors.Count > 0)
        {
            throw new FleetInputException(Errors.OrderBy(e => e.Location?.File, StringComparer.Ordinal).ThenBy(e => e.Location?.Line).ThenBy(e => e.Location?.Column).ToList());
        }
    }

    /// <summary>Refuses what Ansible's group tree cannot hold: <c>all</c> as a child, a group its own child, and cycles.</summary>
    private void CheckGroupGraph()
    {
        foreach (var group in Groups.Values)
        {
            foreach (var (child, at) in group.ChildLocations)
            {
                if (child == "all")
                {
                    Errors.Add(new InputError(at, $"'all' cannot be a child of group '{group.Name}': all contains every group"));
                }
                else if (child == group.Name)
                {
                    Errors.Add(new InputError(at, $"group '{child}' is its own child"));
                }
            }
        }

        // Iterative depth-first search (a long chain of groups must not overflow the stack); an edge back into the path is a cycle.
        var state = Groups.Keys.ToDictionary(g => g, _ => 0, StringComparer.Ordinal); // 0 unseen, 1 on the path, 2 done
        foreach (var root in Groups.Keys)
        {
            if (state[root] != 0)
            {
                continue;
            }

            var path = new List<(string Name, int Next)> { (root, 0) };
            state[root] = 1;
            while (path.Count > 0)
            {
                var (name, next) = path[^1];
                var children = Groups[name].Children;
                if (next == children.Count)
                {
                    state[name] = 2;
                    path.RemoveAt(path.Count - 1);
                    continue;
                }

                path[^1] = (name, next + 1);
                var child = children[next];
                if (child == "all" || child == name || !Groups[name].ChildLocations.ContainsKey(child))
                {
                    continue; // reported above, or all's own implicit children
                }

                if (state[child] == 1)
                {
                    var cycle = path.Select(p => p.Name).SkipWhile(n => n != child).Append(child);
                    Errors.Add(new InputError(Groups[name].ChildLocations[child], $"group cycle: {string.Join(" → ", cycle)}"));
                }
                else if (state[child] == 0)
                {
                    state[child] = 1;
                    path.Add((child, 0));
                }
            }
        }
    }

    /// <summary>
    /// Each group's depth below all (Ansible merges shallower groups first) and its ancestors, nearest first, computed in one
    /// pass over the groups in parents-before-children order.
    /// </summary>
    private (Dictionary<string, int> Depth, Dictionary<string, List<string>> Ancestors) DepthsAndAncestors()
    {
        var depth = new Dictionary<string, int>(StringComparer.Ordinal) { ["all"] = 0 };
        var ancestors = new Dictionary<string, List<string>>(StringComparer.Ordinal) { ["all"] = [] };
        var waiting = Groups.Values.ToDictionary(g => g.Name, g => g.Parents.Count, StringComparer.Ordinal);
        var ready = new Queue<string>(["all"]);
        while (ready.TryDequeue(out var name))
        {
            foreach (var child in Groups[name].Children)
            {
                if (--waiting[child] == 0)
                {
                    var parents = Groups[child].Parents;
                    depth[child] = parents.Max(p => depth[p]) + 1;
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    ancestors[child] = parents.SelectMany(p => ancestors[p].Prepend(p)).Where(seen.Add).ToList();
                    ready.Enqueue(child);
                }
            }
        }

        return (depth, ancestors);
    }
}
