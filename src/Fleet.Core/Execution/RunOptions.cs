using Fleet.Core.Vault;

namespace Fleet.Core.Execution;

/// <summary>How a run behaves: the options of <c>fleet apply</c> / <c>fleet check</c>, with Ansible's names.</summary>
public sealed record RunOptions
{
    /// <summary>"apply" or "check" (changes nothing, reports drift). The default value is "apply".</summary>
    public string Mode { get; init; } = "apply";

    /// <summary>True for check mode.</summary>
    public bool CheckMode => Mode == "check";

    /// <summary>Put diffs in the results (always on in check mode). The default value is false.</summary>
    public bool Diff { get; init; }

    /// <summary>Hosts worked on at once. The default value is 50.</summary>
    public int Forks { get; init; } = 50;

    /// <summary>Host pattern further limiting every play, or null.</summary>
    public string? Limit { get; init; }

    /// <summary>
    /// Inventory names the run is further restricted to (after <see cref="Limit"/>), or null for no restriction. Names, not a
    /// pattern: <c>fleet enforce</c> applies only to the hosts its plan found drifted, whatever characters their names hold.
    /// </summary>
    public IReadOnlySet<string>? OnlyHosts { get; init; }

    /// <summary><c>--shard I/N</c>: only the selected hosts in this shard, or null for all of them.</summary>
    public Shard? Shard { get; init; }

    /// <summary>
    /// The names of the hosts that <see cref="Limit"/>, <see cref="Shard"/> and <see cref="OnlyHosts"/> select, or null when none is
    /// set; computed once per run (a shard costs N hashes per host).
    /// </summary>
    internal HashSet<string>? SelectedHosts(Inventory.Inventory inventory)
    {
        if (Limit is null && Shard is null && OnlyHosts is null)
        {
            return null;
        }

        var hosts = (Limit is null ? inventory.Hosts : inventory.Select(Limit)).Select(h => h.Name);
        if (Limit is null)
        {
            // The implicit localhost is in the shard its name falls in, as a declared one is: a hosts: localhost play runs once
            // over all the shards, as in the one ansible-playbook run they split (a --limit selects it only by its name).
            hosts = hosts.Concat(Inventory.Inventory.LocalhostNames.Where(n => inventory.ImplicitLocalhost(n) is not null));
        }

        var selected = Shard is null ? hosts : Shard.Select(hosts, h => h);
        return (OnlyHosts is null ? selected : selected.Where(OnlyHosts.Contains)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Only tasks with one of these tags run (plus tag <c>always</c>); empty for all.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Tasks with one of these tags never run.</summary>
    public IReadOnlyList<string> SkipTags { get; init; } = [];

    /// <summary>Rolling batch size per play: "N" hosts or "N%", or null for all at once.</summary>
    public string? Serial { get; init; }

    /// <summary>Abort the run when more than this percentage of a batch failed or was unreachable, or null.</summary>
    public int? MaxFailPercent { get; init; }

    /// <summary>Per-task timeout unless the task sets one (<c>--task-timeout</c>), or null for none, as in Ansible. The default value is null.</summary>
    public TimeSpan? TaskTimeout { get; init; }

    /// <summary>The run's verbosity, as Ansible counts <c>-v</c>: a <c>debug</c> whose <c>verbosity</c> is above it is skipped. The default value is 0.</summary>
    public int Verbosity { get; init; }

    /// <summary><c>--become-user</c>: whom tasks that become run as when no keyword or variable says, or null for root. The default value is null.</summary>
    public string? BecomeUser { get; init; }

    /// <summary><c>--var key=value</c> values; the highest precedence.</summary>
    public IReadOnlyDictionary<string, object?> ExtraVars { get; init; } = new Dictionary<string, object?>();

    /// <summary>
    /// The vault passwords of the run (<c>include_vars</c> decrypts with them) and the secret texts every reported result is masked
    /// with. The default value is <see cref="VaultKeyring.None"/>.
    /// </summary>
    public VaultKeyring Vault { get; init; } = VaultKeyring.None;

    /// <summary>
    /// Where commit-confirmed rollback timers keep their script, process id and log on each host. The default value is
    /// /var/lib/fleet/confirm.
    /// </summary>
    public string ConfirmDirectory { get; init; } = "/var/lib/fleet/confirm";
}
