using System.Text.RegularExpressions;
using Fleet.Core.Facts;

namespace Fleet.Core.Modules.Apt;

/// <summary>An apt task's arguments, parsed and validated once for <see cref="AptModule.Facts"/> and <see cref="AptModule.Plan"/>.</summary>
internal sealed partial record AptTask(
    IReadOnlyList<PackageRequest> Packages,
    string State,
    bool UpdateCache,
    long CacheValidTime,
    bool Purge,
    bool? InstallRecommends,
    bool Autoremove,
    bool AllowDowngrade,
    string? DefaultRelease,
    IReadOnlyList<string> DpkgOptions,
    long LockTimeout)
{
    /// <summary>apt-get --force-yes (Ansible's force): implies allow_unauthenticated and allow_downgrade.</summary>
    public bool Force { get; init; }

    /// <summary>apt-get --allow-unauthenticated.</summary>
    public bool AllowUnauthenticated { get; init; }

    /// <summary>apt-get --allow-change-held-packages.</summary>
    public bool AllowChangeHeld { get; init; }

    /// <summary>apt-get --no-remove: an install that would remove packages fails instead.</summary>
    public bool FailOnAutoremove { get; init; }

    /// <summary>Only upgrade installed packages; a missing one is left out (apt-get --only-upgrade).</summary>
    public bool OnlyUpgrade { get; init; }

    /// <summary>How many times apt-get update is tried before the task fails (Ansible's update_cache_retries).</summary>
    public long UpdateRetries { get; init; } = 5;

    /// <summary>The longest wait between two tries of apt-get update, in seconds (update_cache_retry_max_delay).</summary>
    public long RetryMaxDelay { get; init; } = 12;

    /// <summary>A .deb to install: a path on the host or an http(s)/ftp URL the host downloads; null for none.</summary>
    public string? Deb { get; init; }

    /// <summary>Ansible's upgrade: yes, safe, full or dist; null for no (the default).</summary>
    public string? Upgrade { get; init; }

    /// <summary>apt-get autoclean: remove downloaded .deb files that can no longer be downloaded.</summary>
    public bool Autoclean { get; init; }

    /// <summary>apt-get clean first: the local cache of downloaded .deb files is emptied.</summary>
    public bool Clean { get; init; }

    /// <summary>Use apt-get even where aptitude is installed (Ansible's force_apt_get).</summary>
    public bool ForceAptGet { get; init; }

    /// <summary>The exit code of /usr/sbin/policy-rc.d during the transaction (see <see cref="Apt.PolicyRcD"/>); null leaves it alone.</summary>
    public long? PolicyRcD { get; init; }

    /// <summary>The one fact that reads every package of the task (names sorted, so tasks naming the same packages share it).</summary>
    public AptPackagesFact PackagesFact => new(new NameList(Packages.Select(p => p.Name).Distinct().Order(StringComparer.Ordinal)), State == "latest");

    public static AptTask From(ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var state = args.GetString("state") ?? "present";
        var packages = (args.GetList("name") ?? []).Where(n => n.Trim().Length > 0).Select(PackageRequest.Parse).Distinct().ToList();
        if (state == "latest" && packages.FirstOrDefault(p => p.Version is not null) is { } pinned)
        {
            throw new FleetInputException($"'{pinned.AptWord}': a pinned version contradicts state latest");
        }

        var release = args.GetString("default_release");
        if (release is not null && !ReleasePattern().IsMatch(release))
        {
            throw new FleetInputException($"default_release '{release}' is not a release name");
        }

        var options = (args.GetString("dpkg_options") ?? "force-confdef,force-confold")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (options.FirstOrDefault(o => !OptionPattern().IsMatch(o)) is { } bad)
        {
            throw new FleetInputException($"dpkg_options: '{bad}' is not a dpkg option (like force-confold)");
        }

        var cacheValid = args.GetInt("cache_valid_time") ?? 0;
        var lockTimeout = args.GetInt("lock_timeout") ?? AptModule.DefaultLockTimeout;
        var retries = args.GetInt("update_cache_retries") ?? 5;
        var maxDelay = args.GetInt("update_cache_retry_max_delay") ?? 12;
        if (cacheValid < 0 || lockTimeout < 0 || retries < 0 || maxDelay < 0)
        {
            throw new FleetInputException("cache_valid_time, lock_timeout, update_cache_retries and update_cache_retry_max_delay must not be negative");
        }

        var deb = args.GetString("deb");
        if (deb is not null && state != "present")
        {
            throw new FleetInputException("deb only supports state=present"); // Ansible's words
        }

        if (deb is not null && (deb.Contains(',', StringComparison.Ordinal) || deb.Trim().Length == 0))
        {
            throw new FleetInputException($"deb: '{deb}' is not one .deb: Fleet installs one per task (loop over several)");
        }

        return new AptTask(
            packages, state, args.GetBool("update_cache", false), cacheValid, args.GetBool("purge", false), args.GetBool("install_recommends"),
            args.GetBool("autoremove", false), args.GetBool("allow_downgrade", false), release, options, lockTimeout)
        {
            Force = args.GetBool("force", false),
            AllowUnauthenticated = args.GetBool("allow_unauthenticated", false),
            AllowChangeHeld = args.GetBool("allow_change_held_packages", false),
            FailOnAutoremove = args.GetBool("fail_on_autoremove", false),
            OnlyUpgrade = args.GetBool("only_upgrade", false),
            UpdateRetries = Math.Max(1, retries),
            RetryMaxDelay = maxDelay,
            Deb = deb,
            Upgrade = args.GetString("upgrade") is { } upgrade and not "no" ? upgrade : null,
            Autoclean = args.GetBool("autoclean", false),
            Clean = args.GetBool("clean", false),
            ForceAptGet = args.GetBool("force_apt_get", false),
            PolicyRcD = args.GetInt("policy_rc_d"),
        };
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9.+~_/-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ReleasePattern();

    [GeneratedRegex("^[a-z][a-z0-9-]*(=[A-Za-z0-9,_-]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex OptionPattern();
}
