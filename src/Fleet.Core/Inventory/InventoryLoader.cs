using System.Globalization;
using System.Text.RegularExpressions;
using Fleet.Core.Vault;
using Fleet.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace Fleet.Core.Inventory;

/// <summary>
/// Loads an inventory as Ansible does: a YAML file (all / children / hosts / vars), an INI file ([group], [group:vars],
/// [group:children]), or a directory of them, plus group_vars/ and host_vars/ beside it. Loading is linear in the hosts.
/// </summary>
public static partial class InventoryLoader
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
        ["ansible_private_key_file"] = "identity_file",
        ["ansible_become"] = "become",
    };

    /// <summary>Most hosts one name with ranges may expand to. The default value is 10000.</summary>
    public const int MaxHostsPerName = 10_000;

    /// <summary>File extensions Ansible skips in an inventory directory (its INVENTORY_IGNORE_EXTS), so one directory means the same to both.</summary>
    private static readonly string[] IgnoredExtensions = [".orig", ".ini", ".cfg", ".retry", ".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst"];

    /// <summary>Loads and checks an inventory file or directory; every problem found is reported with file:line:column.</summary>
    public static Inventory Load(string path) => Load(path, []);

    /// <summary>
    /// Loads an inventory with command-line connection defaults (<c>-u</c>, <c>--private-key</c>): variables of the group all set
    /// before any inventory file is read, so every inventory variable of the same name ranks above them, as in Ansible.
    /// </summary>
    public static Inventory Load(string path, IReadOnlyList<(string Key, object? Value, SourceLocation At)> defaults) => Load(path, defaults, null);

    /// <summary>
    /// Loads an inventory with command-line connection defaults and the <c>group_vars/</c> and <c>host_vars/</c> beside the
    /// playbook (<paramref name="playbookDirectory"/>, or none), which rank above those beside the inventory, as in Ansible.
    /// </summary>
    public static Inventory Load(string path, IReadOnlyList<(string Key, object? Value, SourceLocation At)> defaults, string? playbookDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(defaults);
        var builder = new InventoryBuilder();
        foreach (var (key, value, at) in defaults)
        {
            builder.Groups["all"].Vars[key] = (value, at);
        }

        string directory;
        if (IsHostList(path))
        {
            // Ansible's host_list source: its vars plugin then looks for group_vars/ and host_vars/ in the working directory.
            directory = Path.GetFullPath(".");
            ReadHostList(path, builder);
        }
        else if (InputFile.KindOf(path) == InputFileKind.Directory)
        {
            directory = Path.GetFullPath(path);
            var sources = new List<string>();
            CollectSources(path, sources, 0);
            if (sources.Count == 0)
            {
                throw new FleetInputException($"inventory directory has no inventory file (*.yml, *.yaml, *.json or a file without extension): {path}");
            }

            foreach (var source in sources)
            {
                ReadSource(source, builder);
            }
        }
        else
        {
            InputFile.CheckRegular(path, "inventory file");
            directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            ReadSource(path, builder);
        }

        // Ansible's group_vars/ and host_vars/ beside the inventory, then beside the playbook (the same directory is read once);
        // InventoryBuilder ranks them as Ansible does (docs/variables.md).
        var directories = playbookDirectory is null || Path.GetFullPath(playbookDirectory) == directory ? [directory] : new[] { directory, Path.GetFullPath(playbookDirectory) };
        for (var source = 0; source < directories.Length; source++)
        {
            foreach (var group in builder.Groups.Values)
            {
                var files = source == 0 ? group.InventoryFileVars : group.PlaybookFileVars;
                foreach (var (key, value, at) in VarsFiles(Path.Combine(directories[source], "group_vars"), group.Name, builder.Errors))
                {
                    files[key] = (value, at);
                }
            }

            foreach (var host in builder.HostOrder)
            {
                host.Vars.AddRange(VarsFiles(Path.Combine(directories[source], "host_vars"), host.Name, builder.Errors));
            }
        }

        return builder.Build(IsHostList(path) ? path : Path.GetFullPath(path), directory);
    }

    /// <summary>True for <c>-i web1,web2:2222,</c>: Ansible reads a source that is no existing path and has a comma as host names.</summary>
    public static bool IsHostList(string source) =>
        source.Contains(',', StringComparison.Ordinal) && InputFile.KindOf(source) == InputFileKind.Missing;

    /// <summary>The hosts of a comma-separated list, in its order, in the group ungrouped; <c>name:port</c> sets the port.</summary>
    private static void ReadHostList(string list, InventoryBuilder builder)
    {
        var group = builder.Group("ungrouped");
        var column = 1;
        foreach (var part in list.Split(','))
        {
            var name = part.Trim();
            var at = new SourceLocation("-i", 1, column + part.IndexOf(name, StringComparison.Ordinal));
            column += part.Length + 1;
            if (name.Length == 0)
            {
                continue;
            }

            var port = (string?)null;
            if (name.StartsWith('[') && name.IndexOf(']', StringComparison.Ordinal) is var close and > 0)
            {
                // [IPv6]:port, as Ansible's parse_address reads it.
                port = name[(close + 1)..] is [':', .. var digits] ? digits : null;
                name = name[1..close];
            }
            else if (name.Count(c => c == ':') == 1 && name.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
            {
                port = name[(colon + 1)..];
                name = name[..colon];
            }

            if (port is not null && (port.Length == 0 || !port.All(char.IsAsciiDigit)))
            {
                builder.Errors.Add(new InputError(null, $"-i {list}: '{part.Trim()}' has no valid port after its colon"));
                continue;
            }

            // Digits past 64 bits are no port either: the same one-line error as any other port out of range.
            if (port is not null && !long.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                builder.Errors.Add(new InputError(at, $"host '{name}': port must be a number from 1 to 65535, not '{port}'"));
                continue;
            }

            var host = builder.AddHost(group, name, at);
            if (port is not null)
            {
                host.Vars.Add(("port", long.Parse(port, NumberStyles.None, CultureInfo.InvariantCulture), at));
            }
        }

        if (builder.HostOrder.Count == 0 && builder.Errors.Count == 0)
        {
            throw new FleetInputException($"-i {list}: the host list names no host");
        }
    }

    /// <summary>The inventory files of a directory in name order, subdirectories included, as Ansible reads one.</summary>
    private static void CollectSources(string directory, List<string> sources, int depth)
    {
        if (depth > 8)
        {
            return;
        }

        foreach (var entry in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(entry);
            if (name.StartsWith('.') || name is "group_vars" or "host_vars" or "vars_plugins" || IgnoredExtensions.Any(e => name.EndsWith(e, StringComparison.Ordinal)))
            {
                continue;
            }

            if (Directory.Exists(entry))
            {
                CollectSources(entry, sources, depth + 1);
            }
            else
            {
                sources.Add(entry);
            }
        }
    }

    /// <summary>Reads one inventory file: YAML by extension (.yml, .yaml, .json), INI by extension (.ini) or, for any other name, by its first line.</summary>
    private static void ReadSource(string file, InventoryBuilder builder)
    {
        var text = InputFile.ReadText(file, "inventory file");
        var plain = VaultText.IsVaulted(text) ? VaultKeyring.Current.Decrypt(text, new SourceLocation(file, 1, 1), "this file") : text; // its format shows once decrypted
        var extension = Path.GetExtension(file).ToLowerInvariant();
        var ini = extension == ".ini" || (extension is not (".yml" or ".yaml" or ".json") && IniInventory.LooksLikeIni(plain));
        if (ini)
        {
            IniInventory.Read(file, plain, builder);
            return;
        }

        try
        {
            ReadYaml(file, YamlFile.Parse(file, text), builder);
        }
        catch (FleetInputException ex) when (IniInventory.LooksLikeIni(plain))
        {
            throw new FleetInputException(ex.Errors.Select(e => e with { Message = e.Message + " (this looks like an INI inventory: name the file .ini, or write it in YAML)" }).ToList());
        }
    }

    private static void ReadYaml(string path, YamlNode? root, InventoryBuilder builder)
    {
        if (root is null)
        {
            throw new FleetInputException(new SourceLocation(path, 1, 1), "the inventory is empty");
        }

        if (root is not YamlMappingNode top)
        {
            throw new FleetInputException(YamlFile.At(path, root), "an inventory is a mapping of groups (all: {hosts, children, vars})");
        }

        var errors = builder.Errors;
        foreach (var (key, value) in top.Children)
        {
            ReadGroup(builder.Group(YamlFile.KeyText(key)), value);
        }

        void ReadGroup(InventoryBuilder.GroupBuilder group, YamlNode node)
        {
            if (node is YamlScalarNode { Value: null or "" })
            {
                return;
            }

            if (node is not YamlMappingNode mapping)
            {
                errors.Add(new InputError(YamlFile.At(path, node), $"group '{group.Name}' must be a mapping with hosts, children or vars"));
                return;
            }

            foreach (var (key, value) in mapping.Children)
            {
                var section = YamlFile.KeyText(key);
                switch (section)
                {
                    case "hosts":
                        foreach (var (hostKey, hostNode) in Entries(value, "hosts"))
                        {
                            var at = YamlFile.At(path, hostKey);
                            var vars = Entries(hostNode, $"host '{YamlFile.KeyText(hostKey)}'")
                                .Select(e => (YamlFile.KeyText(e.Key), YamlFile.ToValue(e.Value), YamlFile.At(path, e.Value)))
                                .ToList();
                            foreach (var host in ExpandRange(YamlFile.KeyText(hostKey), at, errors))
                            {
                                builder.AddHost(group, host, at).Vars.AddRange(vars);
                            }
                        }

                        break;
                    case "children":
                        foreach (var (childKey, childNode) in Entries(value, "children"))
                        {
                            var child = builder.AddChild(group, YamlFile.KeyText(childKey), YamlFile.At(path, childKey));
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
                        errors.Add(new InputError(YamlFile.At(path, key), $"unknown key '{section}' in group '{group.Name}' (expected hosts, children or vars){YamlFile.DidYouMean(section, ["hosts", "children", "vars"])}"));
                        break;
                }
            }
        }

        IEnumerable<KeyValuePair<YamlNode, YamlNode>> Entries(YamlNode node, string what)
        {
            // `h0:` and `h0: ~` are the same null in YAML: both are an entry with nothing under it.
            if (node is YamlScalarNode scalar && (scalar.Value is null or "" || (YamlFile.IsPlain(scalar) && YamlFile.Scalar(scalar.Value) is null)))
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
    }

    /// <summary>Checks a host's connection variables as written (templated values are checked when rendered, before any host is contacted).</summary>
    internal static void CheckConnectionVars(string host, IReadOnlyDictionary<string, object?> vars, IReadOnlyDictionary<string, SourceLocation> at, IReadOnlySet<string> hostNames, List<InputError> errors)
    {
        // As in Ansible, a quoted number is a port and "yes"/"true" a boolean.
        if (vars.TryGetValue("port", out var port) && !(port is long p && p is >= 1 and <= 65535)
            && !(port is string s && (Templating.Template.HasTemplate(s) || ParsePort(s) is not null)))
        {
            errors.Add(new InputError(at["port"], $"host '{host}': port must be a number from 1 to 65535, not {(port is null or string or long or double or bool ? $"'{port}'" : "a " + Templating.Values.TypeName(port))}"));
        }

        if (vars.TryGetValue("become", out var become) && become is not bool && !(become is string b && (Templating.Template.HasTemplate(b) || Templating.Values.ToBool(b) is not null)))
        {
            errors.Add(new InputError(at["become"], $"host '{host}': become must be true or false, not '{become}'"));
        }

        foreach (var key in new[] { "address", "user", "identity_file", "identity_passphrase_env", "password_env", "become_password_env", "jump", "known_hosts", "host_key_policy" })
        {
            if (vars.TryGetValue(key, out var value) && value is not (string or null) && !(key == "address" && value is long or double))
            {
                errors.Add(new InputError(at[key], $"host '{host}': {key} must be text"));
            }
            else if (value is string text && string.IsNullOrWhiteSpace(text))
            {
                errors.Add(new InputError(at[key], $"host '{host}': {key} is empty (leave it out for the default)"));
            }
        }

        if (vars.TryGetValue("jump", out var jump) && jump is string jumpText && !Templating.Template.HasTemplate(jumpText) && !hostNames.Contains(jumpText)
            && ParseJump(jumpText) is { Error: { } jumpError })
        {
            errors.Add(new InputError(at["jump"], $"host '{host}': {jumpError}"));
        }

        if (vars.TryGetValue("host_key_policy", out var policy) && policy is string policyText && !Templating.Template.HasTemplate(policyText)
            && !string.IsNullOrWhiteSpace(policyText) && HostKeyPolicyNames.Parse(policyText) is null)
        {
            errors.Add(new InputError(at["host_key_policy"], $"host '{host}': host_key_policy must be strict, accept-new or off, not '{policyText}'"));
        }

        ConnectionVariables.Check(host, vars, at, errors);

        if (vars.TryGetValue("ansible_connection", out var connection) && connection is not ("ssh" or "smart" or "paramiko" or "local")
            && !(connection is string c && Templating.Template.HasTemplate(c)))
        {
            errors.Add(new InputError(at["ansible_connection"], $"host '{host}': ansible_connection '{connection}' is not supported: Fleet connects with ssh (smart and paramiko mean ssh here) or runs on the controller with local"));
        }
    }

    /// <summary>A TCP port written as text (1–65535), or null.</summary>
    internal static int? ParsePort(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 ? port : null;

    /// <summary>A jump host written as <c>[user@]host[:port]</c>: its parts, or why it is not one.</summary>
    internal static (string? User, string Host, int Port, string? Error) ParseJump(string text)
    {
        var match = JumpPattern().Match(text);
        if (!match.Success)
        {
            return (null, text, 0, $"jump must be an inventory host or user@host:port, not '{text}'");
        }

        var port = 22;
        if (match.Groups["port"].Success)
        {
            if (ParsePort(match.Groups["port"].Value) is not { } written)
            {
                return (null, text, 0, $"jump port must be a number from 1 to 65535, not '{match.Groups["port"].Value}'");
            }

            port = written;
        }

        return (match.Groups["user"].Success ? match.Groups["user"].Value : null, match.Groups["host"].Value, port, null);
    }

    [GeneratedRegex(@"^(?:(?<user>[^@]+)@)?(?<host>[^:@]+)(?::(?<port>\d+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex JumpPattern();

    [GeneratedRegex(@"\[(?<from>[0-9]+|[a-zA-Z]):(?<to>[0-9]+|[a-zA-Z])(?::(?<step>[0-9]+))?\]", RegexOptions.CultureInvariant)]
    private static partial Regex RangePattern();

    /// <summary>
    /// Ansible's host ranges: <c>web-[01:10]</c> (leading zeros kept), <c>db-[a:c]</c>, <c>n[0:10:5]</c>; several ranges multiply,
    /// to at most <see cref="MaxHostsPerName"/> names. A name without a range is itself.
    /// </summary>
    internal static IReadOnlyList<string> ExpandRange(string name, SourceLocation location, List<InputError> errors)
    {
        var ranges = new List<(string Prefix, long Start, long End, long Step, int Width, bool Numeric)>();
        var position = 0;
        long count = 1;
        foreach (Match match in RangePattern().Matches(name))
        {
            var from = match.Groups["from"].Value;
            var to = match.Groups["to"].Value;
            var numeric = char.IsAsciiDigit(from[0]);
            long step = 1;
            if (numeric != char.IsAsciiDigit(to[0])
                || (match.Groups["step"].Success && (!long.TryParse(match.Groups["step"].Value, CultureInfo.InvariantCulture, out step) || step < 1)))
            {
                errors.Add(new InputError(location, $"invalid host range in '{name}': both ends numbers or both letters, step a number from 1"));
                return [];
            }

            long start, end;
            if (!numeric)
            {
                (start, end) = (from[0], to[0]);
            }
            else if (!long.TryParse(from, CultureInfo.InvariantCulture, out start) || !long.TryParse(to, CultureInfo.InvariantCulture, out end))
            {
                errors.Add(new InputError(location, $"invalid host range in '{name}': a bound is too large"));
                return [];
            }

            if (end < start)
            {
                errors.Add(new InputError(location, $"invalid host range in '{name}': the end is before the start"));
                return [];
            }

            // The span is checked alone first, so neither the +1 nor the product can overflow.
            var span = (end - start) / step;
            if (span >= MaxHostsPerName || (count *= span + 1) > MaxHostsPerName)
            {
                errors.Add(new InputError(location, $"invalid host range in '{name}': it names more than {MaxHostsPerName} hosts"));
                return [];
            }

            ranges.Add((name[position..match.Index], start, end, step, numeric && from.Length > 1 && from[0] == '0' ? from.Length : 0, numeric));
            position = match.Index + match.Length;
        }

        if (ranges.Count == 0)
        {
            return [name];
        }

        var names = new List<string> { "" };
        foreach (var (prefix, start, end, step, width, numeric) in ranges)
        {
            var next = new List<string>(names.Count * (int)(((end - start) / step) + 1));
            foreach (var head in names)
            {
                for (var i = start; i <= end; i += step)
                {
                    next.Add(head + prefix + (numeric ? i.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0') : ((char)i).ToString()));
                }
            }

            names = next;
        }

        var rest = name[position..];
        return names.Select(n => n + rest).ToList();
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
