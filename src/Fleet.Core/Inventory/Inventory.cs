using System.Text.RegularExpressions;
using Fleet.Core.Yaml;
using Fleet.Core.Templating;

namespace Fleet.Core.Inventory;

/// <summary>A loaded inventory: hosts in file order, groups, host patterns and connection targets.</summary>
public sealed class Inventory
{
    internal Inventory(string path, IReadOnlyList<InventoryHost> hosts, IReadOnlyDictionary<string, InventoryGroup> groups)
    {
        Path = path;
        Hosts = hosts;
        Groups = groups;
    }

    /// <summary>The inventory file (full path).</summary>
    public string Path { get; }

    /// <summary>Every host, in file order.</summary>
    public IReadOnlyList<InventoryHost> Hosts { get; }

    /// <summary>Every group by name ("all" included).</summary>
    public IReadOnlyDictionary<string, InventoryGroup> Groups { get; }

    /// <summary>The <c>groups</c> magic variable: every group's hosts (children's included), by group name.</summary>
    public IReadOnlyDictionary<string, object?> GroupsVariable => _groupsVariable ??=
        Groups.Keys.ToDictionary(g => g, g => (object?)Select(g).Select(h => (object?)h.Name).ToList(), StringComparer.Ordinal);

    private IReadOnlyDictionary<string, object?>? _groupsVariable;

    /// <summary>
    /// Hosts matching an Ansible pattern: <c>all</c>/<c>*</c>, a group, a host, globs (<c>web-*</c>), unions <c>a:b</c> (or <c>a,b</c>),
    /// intersections <c>a:&amp;b</c>, exclusions <c>a:!b</c>; in inventory order. An unknown name is a <see cref="FleetInputException"/>.
    /// </summary>
    public IReadOnlyList<InventoryHost> Select(string pattern)
    {
        ValidatePattern(pattern, null);
        var union = new HashSet<string>(StringComparer.Ordinal);
        var terms = Terms(pattern).ToList();
        foreach (var term in terms.Where(t => t[0] is not ('&' or '!')))
        {
            union.UnionWith(Match(term));
        }

        foreach (var term in terms.Where(t => t[0] == '&'))
        {
            union.IntersectWith(Match(term[1..]));
        }

        foreach (var term in terms.Where(t => t[0] == '!'))
        {
            union.ExceptWith(Match(term[1..]));
        }

        return Hosts.Where(h => union.Contains(h.Name)).ToList();
    }

    /// <summary>Checks a pattern: every plain name must be a host or group; throws <see cref="FleetInputException"/> at <paramref name="location"/>.</summary>
    public void ValidatePattern(string pattern, SourceLocation? location)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            throw new FleetInputException(location, "empty host pattern");
        }

        foreach (var term in Terms(pattern))
        {
            var name = term.TrimStart('&', '!');
            if (name.Length == 0)
            {
                throw new FleetInputException(location, $"bad host pattern '{pattern}'");
            }

            if (!IsGlob(name) && name != "all" && !Groups.ContainsKey(name) && Hosts.All(h => h.Name != name))
            {
                throw new FleetInputException(location, $"unknown host or group '{name}' in pattern '{pattern}'{YamlFile.DidYouMean(name, Groups.Keys.Concat(Hosts.Select(h => h.Name)))}");
            }
        }
    }

    private static IEnumerable<string> Terms(string pattern) =>
        pattern.Split([':', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool IsGlob(string name) => name.IndexOfAny(['*', '?', '[']) >= 0;

    private IEnumerable<string> Match(string name)
    {
        if (name is "all" or "*")
        {
            return Hosts.Select(h => h.Name);
        }

        if (IsGlob(name))
        {
            var regex = new Regex("^" + Regex.Escape(name).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal).Replace("\\[", "[", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);
            return Hosts.Where(h => regex.IsMatch(h.Name) || h.Groups.Any(regex.IsMatch)).Select(h => h.Name);
        }

        return Groups.ContainsKey(name) ? Hosts.Where(h => h.Groups.Contains(name)).Select(h => h.Name) : [name];
    }

    /// <summary>
    /// The connection target of a host: templates in connection variables rendered, address defaulting to the name, <c>~</c> and
    /// relative identity files expanded (relative to the inventory), passwords read from the environment variables named, jump hosts resolved.
    /// </summary>
    public HostTarget ResolveTarget(InventoryHost host, IReadOnlyDictionary<string, object?>? extraVars = null) =>
        ResolveTarget(host, extraVars, []);

    private HostTarget ResolveTarget(InventoryHost host, IReadOnlyDictionary<string, object?>? extraVars, HashSet<string> chain)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (!chain.Add(host.Name))
        {
            throw new FleetInputException(host.Location, $"jump host cycle: {string.Join(" → ", chain)} → {host.Name}");
        }

        var scope = HostScope.For(host, new Dictionary<string, object?>(), null, extraVars);
        string? Text(string key)
        {
            if (!scope.TryGet(key, out var value) || value is null)
            {
                return null;
            }

            return value is string s ? Template.RenderString(s, scope, host.VarLocations.GetValueOrDefault(key, host.Location)) : Values.ToText(value);
        }

        SourceLocation At(string key) => host.VarLocations.GetValueOrDefault(key, host.Location);

        var portText = Text("port");
        var port = 22;
        if (portText is not null && (!int.TryParse(portText, out port) || port is < 1 or > 65535))
        {
            throw new FleetInputException(At("port"), $"host '{host.Name}': port must be a number from 1 to 65535, not '{portText}'");
        }

        var becomeText = Text("become");
        var become = becomeText is not null && (Values.ToBool(becomeText) ?? throw new FleetInputException(At("become"), $"host '{host.Name}': become must be true or false"));
        var identity = Text("identity_file") is { } file ? ExpandPath(file) : null;
        var password = Text("password_env") is { } passwordEnv ? FromEnvironment(passwordEnv, At("password_env")) : null;
        var becomePassword = Text("become_password_env") is { } becomeEnv ? FromEnvironment(becomeEnv, At("become_password_env")) : null;
        HostTarget? jump = null;
        if (Text("jump") is { } jumpText)
        {
            var jumpHost = Hosts.FirstOrDefault(h => h.Name == jumpText);
            jump = jumpHost is not null ? ResolveTarget(jumpHost, extraVars, chain) : ParseJump(jumpText, At("jump"));
        }

        return new HostTarget(host.Name, Text("address") ?? host.Name, port, Text("user") ?? Environment.UserName, identity, password, become, becomePassword, jump);
    }

    private string ExpandPath(string file)
    {
        if (file == "~" || file.StartsWith("~/", StringComparison.Ordinal))
        {
            return System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), file.Length > 2 ? file[2..] : "");
        }

        return System.IO.Path.IsPathRooted(file) ? file : System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path) ?? ".", file));
    }

    private static Secret FromEnvironment(string variable, SourceLocation at) =>
        Environment.GetEnvironmentVariable(variable) is { } value
            ? new Secret(value)
            : throw new FleetInputException(at, $"environment variable '{variable}' is not set");

    private static HostTarget ParseJump(string text, SourceLocation at)
    {
        var match = Regex.Match(text, @"^(?:(?<user>[^@]+)@)?(?<host>[^:@]+)(?::(?<port>\d+))?$", RegexOptions.CultureInvariant);
        if (!match.Success)
        {
            throw new FleetInputException(at, $"jump must be an inventory host or user@host:port, not '{text}'");
        }

        var port = match.Groups["port"].Success ? int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture) : 22;
        return new HostTarget(match.Groups["host"].Value, match.Groups["host"].Value, port, match.Groups["user"].Success ? match.Groups["user"].Value : Environment.UserName);
    }
}
