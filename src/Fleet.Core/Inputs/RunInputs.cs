using Fleet.Core.Inventory;
using Fleet.Core.Playbooks;
using Fleet.Core.Vault;
using Fleet.Core.Yaml;

namespace Fleet.Core.Inputs;

/// <summary>
/// Everything a run reads before it contacts a host — inventory, playbooks, extra variables, <c>--limit</c>, <c>--shard</c> — loaded
/// and checked together by <see cref="Load"/>, the one input pipeline of every command and of <c>fleet enforce</c>.
/// </summary>
public sealed class RunInputs
{
    private readonly Inventory.Inventory? _inventory;

    private RunInputs(
        Inventory.Inventory? inventory,
        IReadOnlyList<Playbook> playbooks,
        IReadOnlyDictionary<string, object?> extraVars,
        string? limit,
        Shard? shard,
        IReadOnlyList<InventoryHost> limitedHosts,
        IReadOnlyList<InventoryHost> selectedHosts,
        IReadOnlyList<InputError> warnings,
        VaultKeyring vault)
    {
        Warnings = warnings;
        Vault = vault;
        _inventory = inventory;
        Playbooks = playbooks;
        ExtraVars = extraVars;
        Limit = limit;
        Shard = shard;
        LimitedHosts = limitedHosts;
        SelectedHosts = selectedHosts;
    }

    /// <summary>True when an inventory was read (always, unless <see cref="RunInputsOptions.InventoryOptional"/> and none was named).</summary>
    public bool HasInventory => _inventory is not null;

    /// <summary>The inventory; asking for it when <see cref="HasInventory"/> is false is a bug in the caller.</summary>
    public Inventory.Inventory Inventory => _inventory ?? throw new InvalidOperationException("these inputs were loaded without an inventory");

    /// <summary>The playbooks, in run order; empty for a command that runs none.</summary>
    public IReadOnlyList<Playbook> Playbooks { get; }

    /// <summary>The <c>--var</c> variables, typed as YAML scalars.</summary>
    public IReadOnlyDictionary<string, object?> ExtraVars { get; }

    /// <summary>The <c>--limit</c> pattern (checked: valid, and matching a host), or null.</summary>
    public string? Limit { get; }

    /// <summary>The <c>--shard</c>, or null.</summary>
    public Shard? Shard { get; }

    /// <summary>The hosts <see cref="Limit"/> selects, in inventory order (every host without one; none without an inventory).</summary>
    public IReadOnlyList<InventoryHost> LimitedHosts { get; }

    /// <summary>
    /// The hosts this run may contact: <see cref="LimitedHosts"/> in the <see cref="Shard"/>, if any. A shard may be empty (more
    /// shards than hosts): that is a run of no host, not an error, so every shard of a CI matrix still writes its report.
    /// </summary>
    public IReadOnlyList<InventoryHost> SelectedHosts { get; }

    /// <summary>
    /// What the playbooks hold that Fleet accepts but cannot run on a host (another OS family's module): one line per module, at its
    /// first task, naming the others. Commands print them before running; they do not stop a run.
    /// </summary>
    public IReadOnlyList<InputError> Warnings { get; }

    /// <summary>
    /// The vault passwords the inputs were read with, and what they decrypted (<see cref="VaultKeyring.Secrets"/>): a run hands it on
    /// (<c>RunOptions.Vault</c>) so that <c>include_vars</c> can decrypt too and every result is masked.
    /// </summary>
    public VaultKeyring Vault { get; }

    /// <summary>When the files were read.</summary>
    public DateTimeOffset LoadedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>
    /// Reads and checks everything <paramref name="options"/> names, and throws <see cref="FleetInputException"/> with every problem
    /// found, each at its file:line:column where it has one. Stages that need the one before (validation needs loaded files; the
    /// connection check needs valid playbooks) run only when it had no errors; within a stage every error is collected.
    /// </summary>
    public static RunInputs Load(RunInputsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var vault = VaultKeyring.Use(options.Vault);
        // Loading renders many values (names, includes, validation): their regexes share one time budget instead of one each.
        using var regexTime = Templating.RenderBudget.SharedRegexTime();
        var errors = new List<InputError>();

        // Options and files are independent: a bad --var, a bad --shard and a broken playbook are reported together.
        var extraVars = CommandLineVars.Parse(options.Vars, errors);
        var shard = ParseShard(options.Shard, errors);
        var inventory = LoadInventory(options, errors);
        var warnings = new List<InputError>();
        var playbooks = LoadPlaybooks(options, errors, warnings);
        if (errors.Count > 0)
        {
            throw new FleetInputException(errors) { Warnings = Grouped(warnings) };
        }

        var limit = LimitFiles(options.Limit, errors);
        var limited = inventory is null ? [] : SelectLimit(inventory, limit, errors);
        if (options.Playbooks is not null)
        {
            errors.AddRange(PlaybookValidator.Validate(playbooks, inventory, extraVars, options.Catalog, warnings));
        }

        if (errors.Count > 0)
        {
            throw new FleetInputException(errors) { Warnings = Grouped(warnings) };
        }

        var selected = shard is null ? limited : shard.Select(limited, h => h.Name);
        if (inventory is not null && options.CheckTargets)
        {
            errors.AddRange(inventory.CheckTargets(Targets(inventory, options.Playbooks is null ? null : playbooks, selected), extraVars, credentials: true));
        }

        return errors.Count > 0
            ? throw new FleetInputException(errors) { Warnings = Grouped(warnings) }
            : new RunInputs(inventory, playbooks, extraVars, limit, shard, limited, selected, Grouped(warnings), options.Vault);
    }

    /// <summary>Warnings with the same message (one module's tasks) as one, at the first task, with the others' places after it.</summary>
    internal static IReadOnlyList<InputError> Grouped(IEnumerable<InputError> warnings)
    {
        const int shown = 5;
        return warnings.Distinct().GroupBy(w => w.Message, StringComparer.Ordinal).Select(group =>
        {
            var others = group.Skip(1).Select(w => w.Location is { } at && at.File == group.First().Location?.File ? $"line {at.Line}" : w.Location?.ToString() ?? "?").ToList();
            var more = others.Count > shown ? $" and {others.Count - shown} more" : "";
            return others.Count == 0 ? group.First() : group.First() with
            {
                Message = $"{group.Key} (also at {string.Join(", ", others.Take(shown))}{more})",
            };
        }).ToList();
    }

    /// <summary><c>--roles-path</c> as full directory paths, or null for the default (<c>ANSIBLE_ROLES_PATH</c>, else Ansible's).</summary>
    public static IReadOnlyList<string>? RolesPath(string? option) =>
        option?.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(Path.GetFullPath).ToList();

    private static Shard? ParseShard(string? text, List<InputError> errors)
    {
        try
        {
            return text is null ? null : Core.Shard.Parse(text);
        }
        catch (FleetInputException ex)
        {
            errors.AddRange(ex.Errors);
            return null;
        }
    }

    private static Inventory.Inventory? LoadInventory(RunInputsOptions options, List<InputError> errors)
    {
        if (string.IsNullOrWhiteSpace(options.Inventory))
        {
            if (!options.InventoryOptional)
            {
                // An Ansible user's inventory often sits in ./ansible.cfg, which Fleet does not read: say so rather than leave them guessing.
                errors.Add(new InputError(null, "an inventory is required: -i FILE" + (File.Exists("ansible.cfg") ? " (Fleet reads no ansible.cfg: give its inventory = as -i)" : "")));
            }

            return null;
        }

        try
        {
            var defaults = new List<(string, object?, SourceLocation)>();
            if (options.User is { } user)
            {
                defaults.Add(("user", user, new SourceLocation(Core.Inventory.Inventory.CommandLineUser, 1, 1)));
            }

            if (options.PrivateKey is { } key)
            {
                // Relative to where the command runs, not to the inventory as an inventory's identity_file is.
                defaults.Add(("identity_file", Path.GetFullPath(key), new SourceLocation("--private-key", 1, 1)));
            }

            foreach (var (option, text) in options.SshArguments)
            {
                // Checked once here, naming the option, rather than once per host where the inventory maps it.
                if (SshArguments.Parse(option, text).Error is { } error)
                {
                    errors.Add(new InputError(null, error));
                    continue;
                }

                defaults.Add((SshArguments.CommandLineOptions[option], text, new SourceLocation(option, 1, 1)));
            }

            if (options.Become)
            {
                defaults.Add(("become", true, new SourceLocation("-b", 1, 1)));
            }

            var inventory = InventoryLoader.Load(options.Inventory, defaults, PlaybookVarsDirectory(options.Playbooks, errors));
            inventory.AskedPassword = options.AskedPassword;
            inventory.AskedBecomePassword = options.AskedBecomePassword;
            return inventory;
        }
        catch (FleetInputException ex)
        {
            errors.AddRange(ex.Errors);
            return null;
        }
    }

    /// <summary>
    /// The playbook directory whose <c>group_vars/</c> and <c>host_vars/</c> the inventory reads (Ansible's playbook-adjacent vars), or
    /// null. Ansible reads each play's own; Fleet's hosts have one set of variables, so two playbook directories with them are refused.
    /// </summary>
    private static string? PlaybookVarsDirectory(IReadOnlyList<string>? playbooks, List<InputError> errors)
    {
        var directories = (playbooks ?? []).Select(p => Path.GetDirectoryName(Path.GetFullPath(p)) ?? ".").Distinct(StringComparer.Ordinal)
            .Where(d => Directory.Exists(Path.Combine(d, "group_vars")) || Directory.Exists(Path.Combine(d, "host_vars"))).ToList();
        if (directories.Count > 1)
        {
            errors.Add(new InputError(null, $"the playbooks' directories {string.Join(" and ", directories)} each have group_vars/ or host_vars/: Fleet gives a host one set of variables, so run these playbooks separately or move those variables beside the inventory"));
            return null;
        }

        return directories.SingleOrDefault();
    }

    private static List<Playbook> LoadPlaybooks(RunInputsOptions options, List<InputError> errors, List<InputError> warnings)
    {
        var playbooks = new List<Playbook>();
        if (options.Playbooks is not { } paths)
        {
            return playbooks;
        }

        if (paths.Count == 0)
        {
            errors.Add(new InputError(null, "at least one playbook is required"));
        }

        var rolesPath = RolesPath(options.RolesPath);
        foreach (var path in paths)
        {
            try
            {
                var playbook = PlaybookLoader.Load(path, options.Catalog, rolesPath);
                playbooks.Add(playbook);
                warnings.AddRange(playbook.Warnings);
            }
            catch (FleetInputException ex)
            {
                errors.AddRange(ex.Errors);
                warnings.AddRange(ex.Warnings);
            }
        }

        return playbooks;
    }

    /// <summary>
    /// <paramref name="limit"/> with each <c>@FILE</c> part replaced by the patterns the file holds, one a line, as Ansible reads
    /// <c>--limit @site.retry</c>.
    /// </summary>
    private static string? LimitFiles(string? limit, List<InputError> errors)
    {
        if (limit is null || !limit.Contains('@', StringComparison.Ordinal))
        {
            return limit;
        }

        var parts = new List<string>();
        foreach (var part in limit.Split([',', ':'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!part.StartsWith('@'))
            {
                parts.Add(part);
                continue;
            }

            var file = part[1..];
            if (InputFile.KindOf(file) != InputFileKind.Regular)
            {
                errors.Add(new InputError(null, $"--limit {part}: {file} is not a file of host patterns"));
                continue;
            }

            parts.AddRange(File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0));
        }

        return string.Join(',', parts);
    }

    /// <summary>
    /// The hosts <paramref name="limit"/> selects (every host without one), after checking it: a valid pattern of known names that
    /// matches at least one host. As in Ansible, a limit that leaves no host is an error, so a drift check cannot pass by checking nothing.
    /// </summary>
    private static IReadOnlyList<InventoryHost> SelectLimit(Inventory.Inventory inventory, string? limit, List<InputError> errors)
    {
        if (limit is null)
        {
            return inventory.Hosts;
        }

        try
        {
            inventory.ValidatePattern(limit, null);
        }
        catch (FleetInputException ex)
        {
            errors.AddRange(ex.Errors.Select(e => e with { Message = "--limit: " + e.Message }));
            return [];
        }

        var hosts = inventory.Select(limit);
        if (hosts.Count == 0)
        {
            errors.Add(new InputError(null, $"--limit '{limit}' matches no host of {inventory.Path}"));
        }

        return hosts;
    }

    /// <summary>The selected hosts a run contacts: those its plays target, or all of them for a run without playbooks (ping, audit).</summary>
    private static IEnumerable<InventoryHost> Targets(Inventory.Inventory inventory, IReadOnlyList<Playbook>? playbooks, IReadOnlyList<InventoryHost> selected)
    {
        if (playbooks is null)
        {
            return selected;
        }

        var chosen = selected.ToHashSet();
        return playbooks.SelectMany(p => p.Plays).SelectMany(p => inventory.Select(p.Hosts)).Where(chosen.Contains).Distinct();
    }
}
