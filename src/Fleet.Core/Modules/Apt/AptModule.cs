using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Fleet.Core.Facts;
using Fleet.Core.Modules.Files;
using Fleet.Core.Remote;
using Fleet.Core.Results;

namespace Fleet.Core.Modules.Apt;

/// <summary>
/// <c>apt</c>: Debian packages present, absent or latest, with Ansible's parameters. One <c>dpkg-query</c> reads every package of
/// the task (and <c>apt-cache policy</c> only when a candidate matters); a change is one <c>apt-get</c> run, noninteractive, keeping
/// changed configuration files, waiting for the dpkg lock instead of failing on it. <c>update_cache</c> runs <c>apt-get update</c>
/// first, only when the lists are older than <c>cache_valid_time</c>. Changed means a package was installed, upgraded, removed or
/// purged (or, with no package named, the cache was updated).
/// </summary>
public partial class AptModule : Module
{
    private const string UpdatedMarker = "@@fleet-apt-updated@@";
    private const string AfterMarker = "@@fleet-apt-after@@";
    private const string RepairedMarker = "@@fleet-apt-dpkg-repaired@@";

    /// <summary>A package transaction gets at least 30 minutes unless the task sets <c>timeout</c>: dpkg cut short leaves the host half-configured.</summary>
    public static TimeSpan LeastTimeout { get; } = TimeSpan.FromMinutes(30);

    /// <inheritdoc />
    public override TimeSpan? MinimumTimeout => LeastTimeout;

    /// <inheritdoc />
    public override string Name => "apt";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } = AptParameters;

    /// <summary>The parameters of <c>apt</c> (shared with <c>package</c>).</summary>
    protected static IReadOnlyList<ParameterSpec> AptParameters { get; } =
    [
        new("name", ParameterType.StringList, "Packages: a name, a comma-separated list or a list; name=version pins a version, name:arch an architecture.", Aliases: ["package", "pkg"]),
        new("state", ParameterType.String, "present, absent or latest. The default value is present.", Choices: ["present", "absent", "latest"]),
        new("update_cache", ParameterType.Bool, "Run apt-get update first (see cache_valid_time). The default value is false.", Aliases: ["update-cache"]),
        new("cache_valid_time", ParameterType.Int, "Seconds the lists stay valid: update_cache updates only when they are older. The default value is 0 (always update)."),
        new("purge", ParameterType.Bool, "With state absent (and autoremove), also remove configuration files. The default value is false."),
        new("install_recommends", ParameterType.Bool, "Install recommended packages (true) or not (false). The default is apt's own setting.", Aliases: ["install-recommends"]),
        new("autoremove", ParameterType.Bool, "Remove packages nothing depends on any more. The default value is false."),
        new("allow_downgrade", ParameterType.Bool, "Allow a pinned version lower than the installed one. The default value is false.", Aliases: ["allow-downgrade", "allow_downgrades", "allow-downgrades"]),
        new("default_release", ParameterType.String, "Target release (apt-get -t). The default is apt's own.", Aliases: ["default-release"]),
        new("dpkg_options", ParameterType.String, "dpkg options, comma-separated, each passed as -o Dpkg::Options::=--OPTION. The default value is force-confdef,force-confold."),
        new("lock_timeout", ParameterType.Int, "Seconds to wait for the dpkg and apt locks before failing. The default value is 60."),
        new("force_apt_get", ParameterType.Bool, "With upgrade: use apt-get even where aptitude is installed (otherwise aptitude runs, as in Ansible). The default value is false."),
        new("upgrade", ParameterType.String, "Upgrade installed packages: yes or safe (aptitude safe-upgrade, or apt-get upgrade --with-new-pkgs without aptitude), full (aptitude full-upgrade, or apt-get dist-upgrade), dist (apt-get dist-upgrade) or no. Not with name or deb. The default value is no.", Choices: ["dist", "full", "no", "safe", "yes"]),
        new("autoclean", ParameterType.Bool, "apt-get autoclean: remove downloaded .deb files that can no longer be downloaded. As Ansible, only when no package, deb, upgrade or update_cache is given. The default value is false."),
        new("clean", ParameterType.Bool, "apt-get clean first: empty the local cache of downloaded .deb files (never reported as a change, as Ansible). The default value is false."),
        new("deb", ParameterType.String, "A .deb to install: a path on the host, or an http://, https:// or ftp:// URL the host downloads (curl or wget); its dependencies come from apt. Only with state present. The default is none.", HostPath: true),
        new("force", ParameterType.Bool, "apt-get --force-yes, as Ansible 2.14: implies allow_unauthenticated and allow_downgrade (a .deb: a later installed version is replaced). The default value is false."),
        new("allow_unauthenticated", ParameterType.Bool, "apt-get --allow-unauthenticated: packages from unsigned sources. The default value is false.", Aliases: ["allow-unauthenticated"]),
        new("allow_change_held_packages", ParameterType.Bool, "apt-get --allow-change-held-packages: held packages may be installed, upgraded or removed. The default value is false."),
        new("fail_on_autoremove", ParameterType.Bool, "apt-get --no-remove: an install that would remove packages fails instead. The default value is false."),
        new("only_upgrade", ParameterType.Bool, "Only upgrade the named packages that are installed; missing ones are left out (apt-get --only-upgrade). The default value is false."),
        new("update_cache_retries", ParameterType.Int, "Tries of apt-get update before the task fails. The default value is 5."),
        new("update_cache_retry_max_delay", ParameterType.Int, "The longest wait between two tries, in seconds (the wait doubles from 1 s). The default value is 12."),
        new("policy_rc_d", ParameterType.Int, "The exit code of /usr/sbin/policy-rc.d while the packages are installed, upgraded or removed (101: their services are not started); an earlier policy-rc.d is put back afterwards. The default is none (left alone)."),
    ];

    /// <summary>Seconds to wait for a lock when <c>lock_timeout</c> is not given (Ansible's default).</summary>
    public const int DefaultLockTimeout = 60;

    /// <inheritdoc />
    public override IEnumerable<string> CheckCombination(IReadOnlySet<string> presentParameters)
    {
        ArgumentNullException.ThrowIfNull(presentParameters);
        if (!presentParameters.Overlaps(["name", "deb", "update_cache", "autoremove", "upgrade", "autoclean", "clean"]))
        {
            yield return "give name, deb, update_cache, upgrade, autoclean, clean or autoremove";
        }

        if (presentParameters.Contains("upgrade") && presentParameters.Overlaps(["deb", "name"]))
        {
            yield return "parameters are mutually exclusive: deb|package|upgrade"; // Ansible's words
        }

        if (presentParameters.Contains("deb") && presentParameters.Contains("name"))
        {
            yield return "parameters are mutually exclusive: deb|package"; // Ansible's words
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        // Invalid arguments read nothing: Plan reports them as the task's failure (which ignore_errors covers, as in Ansible).
        AptTask task;
        try
        {
            task = AptTask.From(args);
        }
        catch (FleetInputException)
        {
            return [];
        }

        var facts = new List<Fact>();
        if (SimulationFact(task) is { } simulation)
        {
            facts.Add(simulation);
        }

        if (task.Deb is { } deb && !DebInstall.IsUrl(deb))
        {
            facts.Add(new DebFileFact(deb));
        }

        if (task.Packages.Count > 0)
        {
            facts.Add(task.PackagesFact);
        }

        if (task.UpdateCache && task.CacheValidTime > 0)
        {
            facts.Add(new AptCacheFact());
        }

        if (task.Autoremove)
        {
            facts.Add(new AptAutoremoveFact());
        }

        return facts;
    }

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var task = AptTask.From(args);
        var cacheDue = task.UpdateCache && (task.CacheValidTime <= 0 || facts.Get(new AptCacheFact()) is var age && age.UpdatedAt + task.CacheValidTime < age.Now);
        if (SimulationFact(task) is { } operation)
        {
            return PlanOperation(task, operation, facts, cacheDue);
        }

        if (task.Deb is not null)
        {
            return DebInstall.Plan(task, facts, cacheDue, cacheDue ? UpdateScript(task) : "");
        }
        var packagesFact = task.PackagesFact;
        var state = task.Packages.Count > 0 ? facts.Get(packagesFact) : new AptPackages([], null);
        if (task.Packages.FirstOrDefault(p => p.IsPattern && state.MatchesOf(p.Name).Count == 0) is { } unmatched)
        {
            return new PlanFailure($"No package(s) matching '{unmatched.Name}' available"); // Ansible's words
        }

        // As Ansible: each pattern stands for the real packages it matches, and the task goes on with those names.
        var expanded = task.Packages.SelectMany(p => p.IsPattern ? state.MatchesOf(p.Name).Select(n => new PackageRequest(n, null)) : [p]).Distinct().ToList();
        var matched = expanded.Except(task.Packages).ToHashSet();
        task = task with { Packages = expanded };
        var actions = new List<PackageAction>();
        foreach (var request in task.Packages)
        {
            if (Decide(task, request, state, cacheDue) is { } action)
            {
                var known = matched.Contains(request) || state.ProvidersOf(request.Name).Count > 0;
                if (action.Kind == "install" && !known && !cacheDue && state.Candidates is not null && state.CandidateOf(request.Name)?.Candidate is null)
                {
                    return new PlanFailure($"No package matching '{request.Name}' is available"); // Ansible's words
                }

                actions.Add(action);
            }
        }

        // With lists about to be refreshed, latest can only be known after the update: apt-get install decides then.
        var afterUpdate = cacheDue && task.State == "latest"
            ? task.Packages.Where(p => actions.All(a => a.Request != p)).Select(p => new PackageAction(p, "upgrade", state.Find(p.Name), null)).ToList()
            : [];
        var autoremove = task.Autoremove ? facts.Get(new AptAutoremoveFact()) : [];
        var packageWork = actions.Count > 0 || afterUpdate.Count > 0;
        if (!packageWork && !cacheDue && autoremove.Count == 0)
        {
            if (task.Clean)
            {
                // Ansible runs apt-get clean whatever else the task does and never counts it as a change.
                return new Change(["apt-get clean"], "apt-get clean\n", [Subject.Tree("/var/cache/apt")]) { Data = new Dictionary<string, object?>(CacheData(task, updated: false), StringComparer.Ordinal) { ["operation"] = "clean" } };
            }

            return new NoChange(NothingToDo(task, state)) { Data = CacheData(task, updated: false) };
        }

        var changes = new List<string>();
        if (cacheDue)
        {
            changes.Add(task.CacheValidTime > 0 ? $"update the apt cache (older than {task.CacheValidTime} s)" : "update the apt cache");
        }

        changes.AddRange(actions.Select(a => a.Describe()));
        if (afterUpdate.Count > 0)
        {
            changes.Add($"upgrade {string.Join(", ", afterUpdate.Select(a => a.Request.Name))} if the updated cache has newer versions");
        }

        if (!packageWork && autoremove.Count > 0)
        {
            changes.Add($"autoremove {string.Join(", ", autoremove)}");
        }

        var script = Script(task, cacheDue, [.. actions, .. afterUpdate], autoremove.Count > 0);
        var touched = task.Packages.Select(p => p.Name).Concat(autoremove).ToList();
        var touches = packageWork || autoremove.Count > 0
            ? [.. Subject.PackageChange(touched.Select(n => PackageRequest.SplitArch(n).Name)), Subject.Path(AptCacheFact.SuccessStamp)]
            : new List<Subject> { Subject.Tree(AptCacheFact.ListsDirectory), Subject.Path(AptCacheFact.SuccessStamp) };
        var data = new Dictionary<string, object?>(CacheData(task, cacheDue), StringComparer.Ordinal)
        {
            ["packages"] = actions.Concat(afterUpdate).Select(a => a.ToData()).ToList(),
        };
        return new Change(changes, script, touches)
        {
            Data = data,
            DiffSource = task.Packages.Count == 0 ? null : () => PackageDiff(task, state, actions),
            Predicted = task.Packages.Count == 0 || afterUpdate.Count > 0 ? null : new Dictionary<Fact, object> { [packagesFact] = Predict(state, actions) },
        };
    }

    /// <summary>What one package needs, or null when it already is as the task wants.</summary>
    private static PackageAction? Decide(AptTask task, PackageRequest request, AptPackages state, bool cacheDue)
    {
        var installed = state.Find(request.Name);
        var isInstalled = installed?.Installed == true;
        var candidate = state.CandidateOf(request.Name)?.Candidate;
        if (!isInstalled && task.State != "absent" && state.ProvidersOf(request.Name) is [var provider] && state.Find(provider)?.Installed == true)
        {
            return null; // as Ansible: a virtual package that one installed package provides is installed
        }

        switch (task.State)
        {
            case "absent":
                if (isInstalled && (request.Version is null || installed!.Version == request.Version))
                {
                    return new PackageAction(request, task.Purge ? "purge" : "remove", installed, null);
                }

                return task.Purge && installed?.ConfigFilesOnly == true ? new PackageAction(request, "purge", installed, null) : null;
            case "latest":
                if (!isInstalled && task.OnlyUpgrade)
                {
                    return null;
                }

                if (!isInstalled)
                {
                    return new PackageAction(request, "install", installed, candidate);
                }

                return !cacheDue && candidate is not null && candidate != installed!.Version ? new PackageAction(request, "upgrade", installed, candidate) : null;
            default:
                if (!isInstalled && task.OnlyUpgrade)
                {
                    return null; // as Ansible's install(): only_upgrade skips a package that is not installed
                }

                if (!isInstalled)
                {
                    return new PackageAction(request, "install", installed, request.Version ?? candidate);
                }

                return request.Version is not null && installed!.Version != request.Version ? new PackageAction(request, "install", installed, request.Version) : null;
        }
    }

    private static string NothingToDo(AptTask task, AptPackages state)
    {
        var names = string.Join(", ", task.Packages.Select(p => p.AptWord));
        var what = task.State switch
        {
            "absent" => $"{names} not installed",
            "latest" => $"{names} at the latest version",
            _ => task.Packages.Count == 1 && state.Find(task.Packages[0].Name) is { } p ? $"{p.Name} {p.Version} installed" : $"{names} installed",
        };
        var cache = task.UpdateCache ? $"; apt cache newer than {task.CacheValidTime} s" : "";
        return task.Packages.Count == 0 ? "nothing to autoremove" + cache : what + cache;
    }

    private static Dictionary<string, object?> CacheData(AptTask task, bool updated) =>
        task.UpdateCache ? new(StringComparer.Ordinal) { ["cache_updated"] = updated } : new(StringComparer.Ordinal);

    /// <summary>The named packages with versions, before and after, as a diff.</summary>
    private static string PackageDiff(AptTask task, AptPackages before, IReadOnlyList<PackageAction> actions)
    {
        static string Line(DpkgPackage? p, string name) => p?.Installed == true ? $"{name} {p.Version}" : p?.ConfigFilesOnly == true ? $"{name} (configuration files)" : "";
        var old = new StringBuilder();
        var @new = new StringBuilder();
        var predicted = Predict(before, actions);
        foreach (var request in task.Packages)
        {
            if (Line(before.Find(request.Name), request.Name) is { Length: > 0 } a)
            {
                old.Append(a).Append('\n');
            }

            var action = actions.FirstOrDefault(x => x.Request == request);
            var b = action?.Kind is "install" or "upgrade" ? $"{request.Name} {action.Target ?? "(candidate)"}" : Line(predicted.Find(request.Name), request.Name);
            if (b.Length > 0)
            {
                @new.Append(b).Append('\n');
            }
        }

        return TextDiff.Unified(old.ToString(), @new.ToString(), "packages");
    }

    /// <summary>dpkg's state after the actions, for planning later tasks in check mode.</summary>
    private static AptPackages Predict(AptPackages before, IReadOnlyList<PackageAction> actions)
    {
        var packages = before.Packages.ToList();
        foreach (var action in actions)
        {
            var (name, arch) = PackageRequest.SplitArch(action.Request.Name);
            var old = before.Find(action.Request.Name);
            packages.RemoveAll(p => p.Name == name && (arch is null || p.Architecture == arch));
            packages.Add(action.Kind switch
            {
                "remove" => new DpkgPackage(name, old?.Architecture ?? arch ?? "", "config-files", ""),
                "purge" => new DpkgPackage(name, old?.Architecture ?? arch ?? "", "not-installed", ""),
                _ => new DpkgPackage(name, old?.Architecture ?? arch ?? "", "installed", action.Target ?? ""),
            });
        }

        return before with { Packages = packages };
    }

    /// <summary>What one package needs.</summary>
    /// <param name="Request">The package as the task names it.</param>
    /// <param name="Kind">install, upgrade, remove or purge.</param>
    /// <param name="Before">dpkg's entry before, or null.</param>
    /// <param name="Target">The version it will have, when known.</param>
    private sealed record PackageAction(PackageRequest Request, string Kind, DpkgPackage? Before, string? Target)
    {
        public string? PreviousVersion => Before?.Installed == true ? Before.Version : null;

        public string Describe() => Kind switch
        {
            "upgrade" => $"upgrade {Request.Name} {PreviousVersion} → {Target ?? "latest"}",
            "install" when PreviousVersion is not null => $"install {Request.Name} {Target} (was {PreviousVersion})",
            "install" => $"install {Request.Name}{(Target is null ? "" : " " + Target)}",
            _ => $"{Kind} {Request.Name}{(PreviousVersion is null ? "" : " " + PreviousVersion)}",
        };

        public IReadOnlyDictionary<string, object?> ToData() => new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = Request.Name,
            ["action"] = Kind,
            ["version"] = Target,
            ["previous_version"] = PreviousVersion,
        };
    }
}

/// <summary><c>package</c>: the portable name; on Debian it is <c>apt</c>, with apt's parameters (and Ansible's <c>use</c>).</summary>
public sealed class PackageModule : AptModule
{
    /// <inheritdoc />
    public override string Name => "package";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        .. AptParameters,
        new("use", ParameterType.String, "The package manager: auto or apt (Fleet manages Debian hosts). The default value is auto.", Choices: ["auto", "apt"]),
    ];
}
