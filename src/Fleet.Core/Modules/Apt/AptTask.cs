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
        if (cacheValid < 0 || lockTimeout < 0)
        {
            throw new FleetInputException("cache_valid_time and lock_timeout must not be negative");
        }

        return new AptTask(
            packages, state, args.GetBool("update_cache", false), cacheValid, args.GetBool("purge", false), args.GetBool("install_recommends"),
            args.GetBool("autoremove", false), args.GetBool("allow_downgrade", false), release, options, lockTimeout);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9.+~_/-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ReleasePattern();

    [GeneratedRegex("^[a-z][a-z0-9-]*(=[A-Za-z0-9,_-]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex OptionPattern();
}
