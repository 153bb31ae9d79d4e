using System.Text.RegularExpressions;

namespace Fleet.Core.Facts;

/// <summary>
/// Ansible's <c>gather_subset</c> and <c>filter</c> of the <c>setup</c> module over the facts Fleet reads: which of Ansible's
/// collectors a subset list selects (min always, unless <c>!min</c>; their required collectors too), and which of Fleet's facts
/// those collectors give, under Ansible's <c>ansible_</c> names. A fact Ansible has and Fleet does not read is never returned.
/// </summary>
public static class GatherSubset
{
    /// <summary>The subsets <c>min</c> stands for (setup's <c>minimal_gather_subset</c>), which even <c>!all</c> keeps.</summary>
    private static readonly string[] Minimal =
        ["apparmor", "caps", "cmdline", "date_time", "distribution", "dns", "env", "fips", "local", "lsb", "pkg_mgr", "platform", "python", "selinux", "service_mgr", "ssh_pub_keys", "user"];

    /// <summary>Ansible 2.14's fact collectors on Linux; an alias (a fact id) selects its whole collector.</summary>
    private static readonly Dictionary<string, string[]> Aliases = new(StringComparer.Ordinal)
    {
        ["caps"] = ["system_capabilities", "system_capabilities_enforced"],
        ["chroot"] = ["is_chroot"],
        ["distribution"] = ["distribution_major_version", "distribution_release", "distribution_version", "os_family"],
        ["hardware"] = ["devices", "mounts", "processor", "processor_cores", "processor_count"],
        ["network"] = ["all_ipv4_addresses", "all_ipv6_addresses", "default_ipv4", "default_ipv6", "interfaces"],
        ["platform"] = ["architecture", "kernel", "kernel_version", "machine", "machine_id", "python_version", "system"],
        ["ssh_pub_keys"] = ["ssh_host_key_dsa_public", "ssh_host_key_ecdsa_public", "ssh_host_key_ed25519_public", "ssh_host_key_rsa_public", "ssh_host_pub_keys"],
        ["user"] = ["effective_group_ids", "effective_user_id", "real_user_id", "user_dir", "user_gecos", "user_gid", "user_id", "user_shell", "user_uid"],
        ["virtual"] = ["virtualization_role", "virtualization_tech_guest", "virtualization_tech_host", "virtualization_type"],
    };

    private static readonly string[] Collectors =
    [
        "apparmor", "caps", "chroot", "cmdline", "date_time", "distribution", "dns", "env", "facter", "fibre_channel_wwn", "fips", "hardware", "iscsi",
        "loadavg", "local", "lsb", "network", "nvme", "ohai", "pkg_mgr", "platform", "python", "selinux", "service_mgr", "ssh_pub_keys", "user", "virtual",
    ];

    /// <summary>Collectors that need others' facts (Linux's network and hardware, pkg_mgr, service_mgr), which Ansible then runs and returns too.</summary>
    private static readonly Dictionary<string, string[]> Requires = new(StringComparer.Ordinal)
    {
        ["network"] = ["distribution", "platform"],
        ["hardware"] = ["platform"],
        ["pkg_mgr"] = ["distribution"],
        ["service_mgr"] = ["platform", "distribution"],
    };

    /// <summary>Which collector gives each fact Fleet reads (the keys of <see cref="SystemInfo.ToFacts"/>).</summary>
    private static readonly Dictionary<string, string> CollectorOfFact = new(StringComparer.Ordinal)
    {
        ["hostname"] = "platform", ["nodename"] = "platform", ["fqdn"] = "platform", ["domain"] = "platform", ["system"] = "platform",
        ["kernel"] = "platform", ["architecture"] = "platform", ["machine"] = "platform",
        ["distribution"] = "distribution", ["distribution_version"] = "distribution", ["distribution_release"] = "distribution",
        ["distribution_major_version"] = "distribution", ["distribution_minor_version"] = "distribution", ["os_family"] = "distribution",
        ["service_mgr"] = "service_mgr", ["pkg_mgr"] = "pkg_mgr", ["user_id"] = "user", ["env"] = "env",
        ["user_uid"] = "user", ["user_gid"] = "user", ["user_gecos"] = "user", ["user_dir"] = "user", ["user_shell"] = "user",
        ["real_user_id"] = "user", ["effective_user_id"] = "user", ["real_group_id"] = "user", ["effective_group_id"] = "user",
        ["virtualization_type"] = "virtual", ["virtualization_role"] = "virtual",
        ["mounts"] = "hardware", ["processor_count"] = "hardware", ["processor_cores"] = "hardware", ["processor_vcpus"] = "hardware",
        ["processor_nproc"] = "hardware", ["processor_threads_per_core"] = "hardware", ["memtotal_mb"] = "hardware", ["memfree_mb"] = "hardware",
        ["swaptotal_mb"] = "hardware",
        ["interfaces"] = "network", ["default_ipv4"] = "network",
        ["selinux"] = "selinux", ["selinux_python_present"] = "selinux",
        ["local"] = "local", ["python"] = "python", ["system_vendor"] = "hardware",
    };

    /// <summary>Every name a subset may be (besides <c>all</c> and <c>min</c>), as Ansible lists them.</summary>
    public static IReadOnlySet<string> Names { get; } = Collectors.Concat(Aliases.Values.SelectMany(a => a)).ToHashSet(StringComparer.Ordinal);

    /// <summary>The collector each fact Fleet reads belongs to (what the docs list).</summary>
    public static IReadOnlyDictionary<string, string> FactCollectors => CollectorOfFact;

    /// <summary>Ansible's message for a subset name it does not know (a negated unknown name is ignored, as Ansible does), or null.</summary>
    public static string? Check(IEnumerable<string> subsets)
    {
        ArgumentNullException.ThrowIfNull(subsets);
        return subsets.FirstOrDefault(s => s is not ("all" or "min" or "!all" or "!min") && !s.StartsWith('!') && !Names.Contains(s)) is { } bad
            ? $"gather_subset: bad subset '{bad}'; the subsets are all, min, {string.Join(", ", Names.Order(StringComparer.Ordinal))}"
            : null;
    }

    /// <summary>The collectors <paramref name="subsets"/> select, as Ansible's <c>get_collector_names</c> and its dependency solving do.</summary>
    public static IReadOnlySet<string> Select(IReadOnlyList<string> subsets)
    {
        ArgumentNullException.ThrowIfNull(subsets);
        var all = Names;
        var added = new HashSet<string>(StringComparer.Ordinal);
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        var explicitly = new HashSet<string>(StringComparer.Ordinal);
        foreach (var subset in (subsets.Count == 0 ? ["all"] : subsets).Prepend("min"))
        {
            switch (subset)
            {
                case "min":
                    added.UnionWith(Minimal);
                    continue;
                case "all":
                    added.UnionWith(all);
                    continue;
                case "!min":
                    excluded.UnionWith(Minimal);
                    continue;
                case "!all":
                    excluded.UnionWith(all.Except(Minimal));
                    continue;
            }

            if (subset.StartsWith('!'))
            {
                excluded.UnionWith(Aliases.GetValueOrDefault(subset[1..], []));
                excluded.Add(subset[1..]);
            }
            else
            {
                explicitly.Add(subset);
                added.Add(subset);
            }
        }

        if (added.Count == 0)
        {
            added.UnionWith(all);
        }

        added.ExceptWith(excluded.Except(explicitly));
        var collectors = added.Select(CollectorOf).ToHashSet(StringComparer.Ordinal);
        foreach (var collector in collectors.ToList())
        {
            collectors.UnionWith(Requires.GetValueOrDefault(collector, []));
        }

        return collectors;
    }

    /// <summary>
    /// The <c>ansible_facts</c> a <c>setup</c> with these subsets and filters returns from <paramref name="system"/>: Fleet's facts
    /// of the selected collectors under <c>ansible_</c> names, and <c>gather_subset</c> and <c>module_setup</c> as Ansible adds
    /// them; a filter (fnmatch globs, tried with an <c>ansible_</c> prefix too) keeps only the names it matches.
    /// </summary>
    public static Dictionary<string, object?> Collect(SystemInfo system, IReadOnlyList<string> subsets, IReadOnlyList<string> filters)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(filters);
        var collectors = Select(subsets);
        var facts = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in system.ToFacts())
        {
            if (CollectorOfFact.TryGetValue(name, out var collector) && collectors.Contains(collector))
            {
                facts["ansible_" + name] = value;
            }
        }

        facts["gather_subset"] = (subsets.Count == 0 ? ["all"] : subsets).Cast<object?>().ToList();
        facts["module_setup"] = true;
        return Filter(facts, filters);
    }

    // Ansible's collector filter: an empty filter or '*' keeps all; a pattern not naming ansible_, facter or ohai also tries ansible_<pattern>.
    private static Dictionary<string, object?> Filter(Dictionary<string, object?> facts, IReadOnlyList<string> filters)
    {
        if (filters.Count == 0 || filters is ["*"])
        {
            return facts;
        }

        var patterns = filters.Select(f => f.Length == 0 || f.StartsWith("ansible_", StringComparison.Ordinal) || f.StartsWith("facter", StringComparison.Ordinal) || f.StartsWith("ohai", StringComparison.Ordinal)
            ? new[] { f } : [f, "ansible_" + f]).SelectMany(p => p).Select(p => new Regex(GlobPattern.Translate(p, GlobOptions.Fnmatch)!, RegexOptions.CultureInvariant | RegexOptions.Singleline)).ToList();
        return facts.Where(f => filters.Any(p => p.Length == 0) || patterns.Any(p => p.IsMatch(f.Key))).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
    }

    private static string CollectorOf(string subset) =>
        Aliases.FirstOrDefault(a => a.Value.Contains(subset, StringComparer.Ordinal)).Key ?? subset;
}
