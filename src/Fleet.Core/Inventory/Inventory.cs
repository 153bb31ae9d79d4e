using System.Text.RegularExpressions;
using Fleet.Core.Yaml;
using Fleet.Core.Templating;

namespace Fleet.Core.Inventory;

/// <summary>A loaded inventory: hosts in file order, groups, host patterns and connection targets.</summary>
public sealed class Inventory
{
    private readonly Dictionary<string, InventoryHost> _byName;

    internal Inventory(string path, string directory, IReadOnlyList<InventoryHost> hosts, IReadOnlyDictionary<string, InventoryGroup> groups)
    {
        Path = path;
        Directory = directory;
        Hosts = hosts;
        Groups = groups;
        _byName = hosts.ToDictionary(h => h.Name, StringComparer.Ordinal);
    }

    /// <summary>The names Ansible takes for the controller itself when the inventory has no such host.</summary>
    public static readonly IReadOnlySet<string> LocalhostNames = new HashSet<string>(StringComparer.Ordinal) { "localhost", "127.0.0.1", "::1" };

    /// <summary>
    /// Ansible's implicit localhost: the controller, reached with <c>ansible_connection: local</c>, for a localhost name the
    /// inventory does not declare; it has the <c>all</c> group's variables but is in no group (<c>all</c> does not select it).
    /// Null when <paramref name="name"/> is declared or is not a localhost name.
    /// </summary>
    public InventoryHost? ImplicitLocalhost(string name)
    {
        if (!LocalhostNames.Contains(name) || _byName.ContainsKey(name))
        {
            return null;
        }

        lock (_implicit)
        {
            if (!_implicit.TryGetValue(name, out var host))
            {
                var vars = new Dictionary<string, object?>(Groups.TryGetValue("all", out var all) ? all.Vars : new Dictionary<string, object?>(), StringComparer.Ordinal)
                {
                    ["ansible_connection"] = "local",
                    ["address"] = name,
                };
                foreach (var sshOnly in SshOnlyVariables)
                {
                    vars.Remove(sshOnly); // a login password or bastion for the SSH hosts is not the controller's: it must not stop a local run
                }

                _implicit[name] = host = new InventoryHost(name, vars, new Dictionary<string, SourceLocation>(), [], new SourceLocation(Path, 1, 1));
            }

            return host;
        }
    }

    private readonly Dictionary<string, InventoryHost> _implicit = new(StringComparer.Ordinal);

    /// <summary>The <c>all</c> group's variables that only an SSH connection uses, which the implicit localhost does not take.</summary>
    private static readonly string[] SshOnlyVariables = ["port", "identity_file", "identity_passphrase_env", "password_env", "jump", "ansible_ssh_private_key_file", "ansible_port", "ansible_host", "ansible_ssh_host"];

    /// <summary>The host named <paramref name="name"/>: declared, or the implicit localhost; null when there is none.</summary>
    public InventoryHost? Find(string name) => _byName.GetValueOrDefault(name) ?? ImplicitLocalhost(name);

    /// <summary>The inventory file or directory (full path).</summary>
    public string Path { get; }

    /// <summary>The directory relative paths (identity files) start from: the inventory directory, or the one holding the file.</summary>
    public string Directory { get; }

    /// <summary>Every host, in file order.</summary>
    public IReadOnlyList<InventoryHost> Hosts { get; }

    /// <summary>The login password asked on the terminal (<c>-k</c>), for hosts whose inventory gives none; null when not asked.</summary>
    public Secret? AskedPassword { get; internal set; }

    /// <summary>The sudo password asked on the terminal (<c>-K</c>), for hosts whose inventory gives none; null when not asked.</summary>
    public Secret? AskedBecomePassword { get; internal set; }

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

        var selected = Hosts.Where(h => union.Contains(h.Name)).ToList();
        // Named on its own, localhost is the controller even when the inventory leaves it out (never through all or a glob).
        selected.AddRange(terms.Where(t => t[0] is not ('&' or '!') && union.Contains(t)).Select(ImplicitLocalhost).OfType<InventoryHost>().Distinct());
        return selected;
    }

    /// <summary>Checks a pattern: every plain name must be a host or group; throws <see cref="FleetInputException"/> at <paramref name="location"/>.</summary>
    public void ValidatePattern(string pattern, SourceLocation? location)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            throw new FleetInputException(location, "empty host pattern");
        }

        var terms = Terms(pattern).ToList();
        if (terms.Count == 0)
        {
            throw new FleetInputException(location, $"bad host pattern '{pattern}': it names no host or group");
        }

        foreach (var term in terms)
        {
            var name = term.TrimStart('&', '!');
            if (name.Length == 0)
            {
                throw new FleetInputException(location, $"bad host pattern '{pattern}'");
            }

            if (IsGlob(name) && Glob(name) is null)
            {
                throw new FleetInputException(location, $"bad host pattern '{pattern}': '{name}' has a [ without its closing ] (Ansible's [a-z] classes need both)");
            }

            if (!IsGlob(name) && name != "all" && !Groups.ContainsKey(name) && !_byName.ContainsKey(name) && !LocalhostNames.Contains(name))
            {
                throw new FleetInputException(location, $"unknown host or group '{name}' in pattern '{pattern}'{YamlFile.DidYouMean(name, Groups.Keys.Concat(Hosts.Select(h => h.Name)))}");
            }
        }
    }

    private static IEnumerable<string> Terms(string pattern) =>
        pattern.Split([':', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool IsGlob(string name) => name.IndexOfAny(['*', '?', '[']) >= 0;

    /// <summary>
    /// A host pattern's glob (<c>*</c>, <c>?</c>, <c>[a-z]</c>, <c>[!a]</c>, <c>[^a]</c>) as a regex, or null when a class is not closed
    /// or not valid. Without backtracking, so a pattern of many stars cannot take exponential time.
    /// </summary>
    private static Regex? Glob(string name)
    {
        try
        {
            return GlobPattern.Translate(name, GlobOptions.HostPattern) is { } regex
                ? new Regex(regex, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)
                : null;
        }
        catch (ArgumentException)
        {
            return null; // a class like [z-a]
        }
    }

    private IEnumerable<string> Match(string name)
    {
        if (name is "all" or "*")
        {
            return Hosts.Select(h => h.Name);
        }

        if (IsGlob(name))
        {
            var regex = Glob(name)!;
            return Hosts.Where(h => regex.IsMatch(h.Name) || h.Groups.Any(regex.IsMatch)).Select(h => h.Name);
        }

        return Groups.ContainsKey(name) ? Hosts.Where(h => h.Groups.Contains(name)).Select(h => h.Name) : [name];
    }

    /// <summary>
    /// The connection target of a host: templates in connection variables rendered, address defaulting to the name, <c>~</c> and
    /// relative identity files expanded (relative to the inventory), passwords read from the environment variables named, jump hosts resolved.
    /// </summary>
    public HostTarget ResolveTarget(InventoryHost host, IReadOnlyDictionary<string, object?>? extraVars = null) =>
        ResolveTarget(host, extraVars, [], secrets: true);

    private HostTarget ResolveTarget(InventoryHost host, IReadOnlyDictionary<string, object?>? extraVars, HashSet<string> chain, bool secrets)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (!chain.Add(host.Name))
        {
            throw new FleetInputException(host.Location, $"jump host cycle: {string.Join(" → ", chain)} → {host.Name}");
        }

        var scope = HostScope.For(host, new Dictionary<string, object?>(), null, extraVars);
        string? Text(string key)
        {
            try
            {
                if (!scope.TryGet(key, out var value) || value is null)
                {
                    return null;
                }

                return value is string s ? Template.RenderString(s, scope, At(key)) : Values.ToText(value);
            }
            catch (UndefinedVariableException ex)
            {
                throw new FleetInputException(At(key), $"host '{host.Name}': {key}: {ex.Message}");
            }
            catch (FleetInputException ex) when (ex.Errors.Any(e => e.Location is null or { File: null }))
            {
                throw Template.WithLocation(ex, At(key));
            }
        }

        SourceLocation At(string key) => host.VarLocations.GetValueOrDefault(key, host.Location);

        var portText = Text("port");
        var port = portText is null ? 22 : InventoryLoader.ParsePort(portText)
            ?? throw new FleetInputException(At("port"), $"host '{host.Name}': port must be a number from 1 to 65535, not '{portText}'");

        if (Text("address") is { } addressText && string.IsNullOrWhiteSpace(addressText))
        {
            throw new FleetInputException(At("address"), $"host '{host.Name}': address is empty");
        }

        var becomeText = Text("become");
        var become = becomeText is not null && (Values.ToBool(becomeText) ?? throw new FleetInputException(At("become"), $"host '{host.Name}': become must be true or false"));
        var identity = Text("identity_file") is { } file ? ExpandPath(file) : null;
        // Validation on a machine without the secrets still checks everything else.
        // As in Ansible, a password in the inventory (ansible_password, ansible_become_password…) wins over one asked for (-k, -K).
        Secret? Written(string[] names) => names.Select(Text).FirstOrDefault(t => t is not null) is { } text ? new Secret(text) : null;
        var password = Written(ConnectionVariables.LoginPassword)
            ?? (Text("password_env") is { } passwordEnv && secrets ? FromEnvironment(passwordEnv, At("password_env")) : null) ?? AskedPassword;
        var becomePassword = Written(ConnectionVariables.BecomePassword)
            ?? (Text("become_password_env") is { } becomeEnv && secrets ? FromEnvironment(becomeEnv, At("become_password_env")) : null) ?? AskedBecomePassword;
        var passphrase = Text("identity_passphrase_env") is { } passphraseEnv && secrets ? FromEnvironment(passphraseEnv, At("identity_passphrase_env")) : null;
        HostTarget? jump = null;
        if (Text("jump") is { } jumpText)
        {
            // An inventory host, also as user@name (a ProxyCommand's "ssh -W %h:%p root@bastion"): its address, key and jump apply.
            var at = jumpText.LastIndexOf('@');
            var jumpHost = _byName.GetValueOrDefault(jumpText) ?? (at > 0 ? _byName.GetValueOrDefault(jumpText[(at + 1)..]) : null);
            if (jumpHost == host)
            {
                jump = null; // ssh arguments given to every host name the bastion for itself too: ssh -W through itself is a direct login
            }
            else if (jumpHost is not null)
            {
                var bastion = ResolveTarget(jumpHost, extraVars, chain, secrets);
                jump = _byName.ContainsKey(jumpText) ? bastion : bastion with { User = jumpText[..at] };
            }
            else
            {
                jump = ParseJump(jumpText, At("jump"));
            }
        }

        var connection = Text("ansible_connection");
        if (connection is not (null or "ssh" or "smart" or "paramiko" or "local"))
        {
            throw new FleetInputException(At("ansible_connection"), $"host '{host.Name}': ansible_connection '{connection}' is not supported: Fleet connects with ssh or runs on the controller with local");
        }

        var policyText = Text("host_key_policy");
        var policy = policyText is null ? (HostKeyPolicy?)null : HostKeyPolicyNames.Parse(policyText)
            ?? throw new FleetInputException(At("host_key_policy"), $"host '{host.Name}': host_key_policy must be strict, accept-new or off, not '{policyText}'");
        return new HostTarget(host.Name, Text("address") ?? host.Name, port, Text("user") ?? Environment.UserName, identity, password, become, becomePassword, jump, passphrase)
        {
            Local = connection == "local",
            HostKeyPolicy = policy,
            HostKeyPolicyAt = policy is null ? null : At("host_key_policy"),
            KnownHostsPath = Text("known_hosts") is { } knownHosts ? ExpandHome(knownHosts) : null,
        };
    }

    /// <summary>
    /// The login of <paramref name="host"/> in a play with <c>remote_user: <paramref name="remoteUser"/></c>, as Ansible ranks them:
    /// the inventory's <c>ansible_user</c>/<c>user</c> wins over the keyword, the keyword over <c>-u</c>; null when the keyword does not apply.
    /// </summary>
    public static string? PlayLogin(InventoryHost host, string? remoteUser)
    {
        ArgumentNullException.ThrowIfNull(host);
        var written = host.VarLocations.TryGetValue("user", out var at) && at.File != CommandLineUser;
        return remoteUser is null || written ? null : remoteUser;
    }

    /// <summary>Where <c>-u</c> is said to be written: it is an inventory default below every inventory file.</summary>
    public const string CommandLineUser = "-u";

    /// <summary>A leading <c>~</c> as the controller user's home, as ssh expands a known_hosts path; other paths as written.</summary>
    private static string ExpandHome(string file) =>
        file == "~" || file.StartsWith("~/", StringComparison.Ordinal)
            ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), file.Length > 2 ? file[2..] : "")
            : file;

    private string ExpandPath(string file)
    {
        file = ExpandHome(file);
        return System.IO.Path.IsPathRooted(file) ? file : System.IO.Path.GetFullPath(System.IO.Path.Combine(Directory, file));
    }

    private static Secret FromEnvironment(string variable, SourceLocation at) =>
        Environment.GetEnvironmentVariable(variable) is { } value
            ? new Secret(value)
            : throw new FleetInputException(at, $"environment variable '{variable}' is not set");

    private static HostTarget ParseJump(string text, SourceLocation at)
    {
        var (user, host, port, error) = InventoryLoader.ParseJump(text);
        return error is null ? new HostTarget(host, host, port, user ?? Environment.UserName) : throw new FleetInputException(at, error);
    }

    /// <summary>
    /// Every problem that would stop a connection before it starts, for the hosts a run targets: connection variables that do not
    /// render, an empty address, and with <paramref name="credentials"/> an identity file that is missing or unreadable or an unset
    /// password variable. Invalid input (exit 1), found before any host is contacted, instead of "unreachable". Validation leaves
    /// credentials out: it may run where they are not (CI); every command that connects checks them first.
    /// </summary>
    public IReadOnlyList<InputError> CheckTargets(IEnumerable<InventoryHost> hosts, IReadOnlyDictionary<string, object?>? extraVars, bool credentials)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        var errors = new List<InputError>();
        var identities = new Dictionary<(SourceLocation At, string Message), List<string>>();
        foreach (var host in hosts)
        {
            try
            {
                for (var hop = ResolveTarget(host, extraVars, [], credentials); credentials && hop is not null; hop = hop.Jump)
                {
                    if (hop.IdentityFile is { } identity && CheckIdentityFile(identity) is { } problem)
                    {
                        var owner = _byName.GetValueOrDefault(hop.Name) ?? host;
                        var key = (owner.VarLocations.GetValueOrDefault("identity_file", owner.Location), $"identity file {problem}: {identity}");
                        if (!identities.TryGetValue(key, out var names))
                        {
                            identities[key] = names = [];
                        }

                        names.Add(hop.Name);
                    }
                }
            }
            catch (FleetInputException ex)
            {
                errors.AddRange(ex.Errors);
            }
        }

        // One line per file written once for many hosts (a group's identity_file), naming the hosts.
        errors.AddRange(identities.Select(i => new InputError(i.Key.At, $"{i.Key.Message} (host {string.Join(", ", i.Value.Distinct().Take(5))}{(i.Value.Distinct().Count() > 5 ? ", …" : "")})")));
        return errors.Distinct().ToList();
    }

    private static string? CheckIdentityFile(string path)
    {
        switch (InputFile.KindOf(path))
        {
            case InputFileKind.Missing:
                return "not found";
            case InputFileKind.Directory:
                return "is a directory";
            case InputFileKind.Special:
                return "is not a regular file";
        }

        try
        {
            using var stream = File.OpenRead(path);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "cannot be read";
        }
    }
}
