using Fleet.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace Fleet.Core.Inventory;

/// <summary>Loads Ansible's YAML inventory shape (all / children / hosts / vars).</summary>
public static class InventoryLoader
{
    /// <summary>Connection variable aliases: Ansible's name → Fleet's.</summary>
    public static readonly IReadOnlyDictionary<string, string> Aliases = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ansible_host"] = "address",
        ["ansible_ssh_host"] = "address",
        ["ansible_port"] = "port",
        ["ansible_ssh_port"] = "port",
        ["ansible_user"] = "user",
        ["ansible_ssh_user"] = "user",
        ["ansible_ssh_private_key_file"] = "identity_file",
        ["ansible_become"] = "become",
    };

    private sealed class GroupBuilder(string name)
    {
        public string Name { get; } = name;

        public List<string> Hosts { get; } = [];

        public List<string> Children { get; } = [];

        public Dictionary<string, (object? Value, SourceLocation At)> Vars { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>Loads and checks an inventory; every problem found is reported with file:line:column.</summary>
    public static Inventory Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FleetInputException($"inventory file not found: {path}");
        }

        var root = YamlFile.Load(path);
        var errors = new List<InputError>();
        var groups = new Dictionary<string, GroupBuilder>(StringComparer.Ordinal) { ["all"] = new("all") };
        var hostVars = new Dictionary<string, List<(string Key, object? Value, SourceLocation At)>>(StringComparer.Ordinal);
        var hostLocations = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        var hostOrder = new List<string>();

        if (root is null)
        {
            throw new FleetInputException(new SourceLocation(path, 1, 1), "the inventory is empty");
        }

        if (root is not YamlMappingNode top)
        {
            throw new FleetInputException(YamlFile.At(path, root), "an inventory is a mapping of groups (all: {hosts, children, vars})");
        }

        foreach (var (key, value) in top.Children)
        {
            var name = YamlFile.KeyText(key);
            ReadGroup(name, value);
            if (name != "all" && !groups["all"].Children.Contains(name))
            {
                groups["all"].Children.Add(name);
            }
        }

        void ReadGroup(string name, YamlNode node)
        {
            var group = groups.TryGetValue(name, out var existing) ? existing : groups[name] = new GroupBuilder(name);
            if (node is YamlScalarNode { Value: null or "" })
            {
                return;
            }

            if (node is not YamlMappingNode mapping)
            {
                errors.Add(new InputError(YamlFile.At(path, node), $"group '{name}' must be a mapping with hosts, children or vars"));
                return;
            }

            foreach (var (key, value) in mapping.Children)
            {
                var section = YamlFile.KeyText(key);
                switch (section)
                {
                    case "hosts":
                        foreach (var (hostKey, hostNode) in Entries(value, "hosts"))
                        foreach (var host in ExpandRange(YamlFile.KeyText(hostKey), YamlFile.At(path, hostKey), errors))
                        {
                            if (!hostVars.ContainsKey(host))
                            {
                                hostVars[host] = [];
                                hostLocations[host] = YamlFile.At(path, hostKey);
                                hostOrder.Add(host);
                            }

                            if (!group.Hosts.Contains(host))
                            {
                                group.Hosts.Add(host);
                            }

                            foreach (var (varKey, varNode) in Entries(hostNode, $"host '{host}'"))
                            {
                                hostVars[host].Add((YamlFile.KeyText(varKey), YamlFile.ToValue(varNode), YamlFile.At(path, varNode)));
                            }
                        }

                        break;
                    case "children":
                        foreach (var (childKey, childNode) in Entries(value, "children"))
                        {
                            var child = YamlFile.KeyText(childKey);
                            if (!group.Children.Contains(child))
                            {
                                group.Children.Add(child);
                            }

                            ReadGroup(child, childNode);
                        }

                        break;
                    case "vars":
                        foreach (var (varKey, varNode) in Entries(value, "vars"))
                        {
                            group.Vars[YamlFile.KeyText(varKey)] = (YamlFile.ToValue(varNode), YamlFile.At(path, varNode));
                        }

                        break;
                    default:
                        errors.Add(new InputError(YamlFile.At(path, key), $"unknown key '{section}' in group '{name}' (expected hosts, children or vars){YamlFile.DidYouMean(section, ["hosts", "children", "vars"])}"));
                        break;
                }
            }
        }

        IEnumerable<KeyValuePair<YamlNode, YamlNode>> Entries(YamlNode node, string what)
        {
            if (node is YamlScalarNode { Value: null or "" })
            {
                return [];
            }

            if (node is YamlMappingNode mapping)
            {
                return mapping.Children;
            }

            errors.Add(new InputError(YamlFile.At(path, node), $"{what} must be a mapping"));
            return [];
        }

        // Ansible's group_vars/ and host_vars/ beside the inventory file: above the file's own vars of the same group or host.
        var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        foreach (var group in groups.Values)
        {
            foreach (var (key, value, at) in VarsFiles(Path.Combine(directory, "group_vars"), group.Name, errors))
            {
                group.Vars[key] = (value, at);
            }
        }

        foreach (var host in hostOrder)
        {
            hostVars[host].AddRange(VarsFiles(Path.Combine(directory, "host_vars"), host, errors));
        }

        foreach (var group in groups.Values)
        {
            foreach (var host in group.Hosts.Where(groups.ContainsKey))
            {
                errors.Add(new InputError(hostLocations[host], $"'{host}' is both a host and a group"));
            }
        }

        // Depth of each group below "all" (Ansible merges shallower groups first, then by name).
        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        var parents = groups.Values.SelectMany(g => g.Children.Select(c => (Parent: g.Name, Child: c))).ToLookup(p => p.Child, p => p.Parent);
        int Depth(string group, HashSet<string> seen)
        {
            if (depth.TryGetValue(group, out var known))
            {
                return known;
            }

            if (group == "all" || !seen.Add(group))
            {
                return 0;
            }

            var value = parents[group].Select(p => Depth(p, seen) + 1).DefaultIfEmpty(1).Max();
            depth[group] = value;
            return value;
        }

        IEnumerable<string> Ancestors(string group, HashSet<string> seen)
        {
            foreach (var parent in parents[group])
            {
                if (seen.Add(parent))
                {
                    yield return parent;
                    foreach (var more in Ancestors(parent, seen))
                    {
                        yield return more;
                    }
                }
            }
        }

        var hosts = new List<InventoryHost>();
        foreach (var name in hostOrder)
        {
            var direct = groups.Values.Where(g => g.Hosts.Contains(name)).Select(g => g.Name).ToList();
            var seen = new HashSet<string>(direct, StringComparer.Ordinal);
            var all = direct.Concat(direct.SelectMany(d => Ancestors(d, seen)).ToList()).Append("all").Distinct().ToList();
            var vars = new Dictionary<string, object?>(StringComparer.Ordinal);
            var locations = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
            foreach (var group in all.OrderBy(g => g == "all" ? 0 : Depth(g, [])).ThenBy(g => g, StringComparer.Ordinal))
            {
                foreach (var (key, (value, at)) in groups[group].Vars)
                {
                    Set(key, value, at);
                }
            }

            foreach (var (key, value, at) in hostVars[name])
            {
                Set(key, value, at);
            }

            void Set(string key, object? value, SourceLocation at)
            {
                var canonical = Aliases.GetValueOrDefault(key, key);
                vars[canonical] = value;
                locations[canonical] = at;
            }

            CheckConnectionVars(name, vars, locations, errors);
            hosts.Add(new InventoryHost(name, vars, locations, all.Where(g => g != "all").Append("all").ToList(), hostLocations[name]));
        }

        if (errors.Count > 0)
        {
            throw new FleetInputException(errors.OrderBy(e => e.Location?.Line).ThenBy(e => e.Location?.Column).ToList());
        }

        var groupModels = groups.Values.ToDictionary(
            g => g.Name,
            g => new InventoryGroup(g.Name, g.Hosts, g.Children, g.Vars.ToDictionary(kv => kv.Key, kv => kv.Value.Value, StringComparer.Ordinal)),
            StringComparer.Ordinal);
        return new Inventory(Path.GetFullPath(path), hosts, groupModels);
    }

    private static void CheckConnectionVars(string host, Dictionary<string, object?> vars, Dictionary<string, SourceLocation> at, List<InputError> errors)
    {
        // As in Ansible, a quoted number is a port and "yes"/"true" a boolean.
        if (vars.TryGetValue("port", out var port) && !(port is long p && p is >= 1 and <= 65535)
            && !(port is string s && (Templating.Template.HasTemplate(s) || (int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 65535))))
        {
            errors.Add(new InputError(at["port"], $"host '{host}': port must be a number from 1 to 65535, not '{port}'"));
        }

        if (vars.TryGetValue("become", out var become) && become is not bool && !(become is string b && (Templating.Template.HasTemplate(b) || Templating.Values.ToBool(b) is not null)))
        {
            errors.Add(new InputError(at["become"], $"host '{host}': become must be true or false, not '{become}'"));
        }

        foreach (var key in new[] { "address", "user", "identity_file", "password_env", "become_password_env", "jump" })
        {
            if (vars.TryGetValue(key, out var value) && value is not (string or null) && !(key == "address" && value is long or double))
            {
                errors.Add(new InputError(at[key], $"host '{host}': {key} must be text"));
            }
        }

        if (vars.TryGetValue("ansible_connection", out var connection) && connection is not ("ssh" or "smart"))
        {
            errors.Add(new InputError(at["ansible_connection"], $"host '{host}': only ansible_connection: ssh is supported, not '{connection}'"));
        }
    }

    private static readonly System.Text.RegularExpressions.Regex RangePattern =
        new(@"\[(?<from>[0-9]+|[a-zA-Z]):(?<to>[0-9]+|[a-zA-Z])(?::(?<step>[0-9]+))?\]", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>
    /// Ansible's host ranges: <c>web-[01:10]</c> (leading zeros kept), <c>db-[a:c]</c>, <c>n[0:10:5]</c>; several ranges multiply.
    /// A name without a range is itself.
    /// </summary>
    internal static IReadOnlyList<string> ExpandRange(string name, SourceLocation location, List<InputError> errors)
    {
        var match = RangePattern.Match(name);
        if (!match.Success)
        {
            return [name];
        }

        var from = match.Groups["from"].Value;
        var to = match.Groups["to"].Value;
        var step = match.Groups["step"].Success ? int.Parse(match.Groups["step"].Value, System.Globalization.CultureInfo.InvariantCulture) : 1;
        var numeric = char.IsAsciiDigit(from[0]);
        if (numeric != char.IsAsciiDigit(to[0]) || step < 1)
        {
            errors.Add(new InputError(location, $"invalid host range in '{name}': both ends numbers or both letters, step at least 1"));
            return [];
        }

        var (start, end) = numeric
            ? (long.Parse(from, System.Globalization.CultureInfo.InvariantCulture), long.Parse(to, System.Globalization.CultureInfo.InvariantCulture))
            : (from[0], (long)to[0]);
        if (end < start || (end - start) / step >= 10_000)
        {
            errors.Add(new InputError(location, $"invalid host range in '{name}': the end is before the start, or it names more than 10000 hosts"));
            return [];
        }

        var prefix = name[..match.Index];
        var rest = name[(match.Index + match.Length)..];
        var width = numeric && from.Length > 1 && from[0] == '0' ? from.Length : 0;
        var names = new List<string>();
        for (var i = start; i <= end; i += step)
        {
            var item = numeric ? i.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width, '0') : ((char)i).ToString();
            names.AddRange(ExpandRange(prefix + item + rest, location, errors));
        }

        return names;
    }

    /// <summary>
    /// Variables for <paramref name="name"/> from <c>DIR/NAME.yml</c>, <c>.yaml</c>, <c>NAME</c> or the YAML files in <c>DIR/NAME/</c>
    /// (in name order, later files winning), as Ansible reads group_vars and host_vars.
    /// </summary>
    private static List<(string Key, object? Value, SourceLocation At)> VarsFiles(string directory, string name, List<InputError> errors)
    {
        var result = new List<(string, object?, SourceLocation)>();
        if (!Directory.Exists(directory))
        {
            return result;
        }

        var files = new[] { name + ".yml", name + ".yaml", name }.Select(f => Path.Combine(directory, f)).Where(File.Exists).ToList();
        var folder = Path.Combine(directory, name);
        if (Directory.Exists(folder))
        {
            files.AddRange(Directory.EnumerateFiles(folder).Where(f => f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        }

        foreach (var file in files)
        {
            if (YamlFile.LoadVariables(file, $"{Path.GetFileName(directory)} file", errors) is { } mapping)
            {
                result.AddRange(mapping.Children.Select(kv => (YamlFile.KeyText(kv.Key), YamlFile.ToValue(kv.Value), YamlFile.At(file, kv.Value))));
            }
        }

        return result;
    }
}
