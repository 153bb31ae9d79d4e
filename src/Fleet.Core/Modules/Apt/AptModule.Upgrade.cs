using System.Globalization;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Remote;
using Fleet.Core.Results;

namespace Fleet.Core.Modules.Apt;

// Ansible 2.14's upgrade, autoclean and clean: the commands its upgrade() and cleanup() run and how they read "changed".
public partial class AptModule
{
    /// <summary>Ansible's APT_GET_ZERO and APTITUDE_ZERO: an upgrade printing one of them changed nothing.</summary>
    private static readonly string[] NothingUpgraded = ["\n0 upgraded, 0 newly installed", "\n0 packages upgraded, 0 newly installed"];

    /// <summary>Whether an upgrade or autoclean output is a change, by Ansible's test on it.</summary>
    internal static bool Changes(string operation, string output) => operation == "autoclean"
        ? output.Contains("Del ", StringComparison.Ordinal) // Ansible's CLEAN_OP_CHANGED_STR: "Del python3-q 2.4-1 [24 kB]"
        : !NothingUpgraded.Any(z => output.Contains(z, StringComparison.Ordinal));

    /// <summary>As Ansible: autoclean runs only when no package, deb, upgrade or cache update comes first (they end the task).</summary>
    private static bool AutocleanRuns(AptTask task) =>
        task.Autoclean && task.Upgrade is null && task.Deb is null && task.Packages.Count == 0 && !task.UpdateCache && task.CacheValidTime == 0;

    /// <summary>
    /// The upgrade command as Ansible's upgrade() builds it: aptitude safe-upgrade/full-upgrade where aptitude is installed (unless
    /// force_apt_get), else apt-get upgrade --with-new-pkgs or dist-upgrade; dist always apt-get dist-upgrade.
    /// </summary>
    internal static string UpgradeCommand(AptTask task, bool simulate)
    {
        var mode = task.Upgrade ?? throw new InvalidOperationException("no upgrade");
        var aptGet = AptGetUpgrade(task, simulate, mode is "dist" or "full" ? ["dist-upgrade"] : ["upgrade", "--with-new-pkgs"]);
        if (mode == "dist" || task.ForceAptGet)
        {
            return Sh.Command(aptGet);
        }

        var aptitude = new List<string> { "aptitude", "-y" };
        aptitude.AddRange(task.DpkgOptions.SelectMany(o => new[] { "-o", $"Dpkg::Options::=--{o}" }));
        aptitude.AddRange(Flags(task, force: ["--assume-yes", "--allow-untrusted"], simulate));
        aptitude.Add(mode == "full" ? "full-upgrade" : "safe-upgrade");
        aptitude.AddRange(Release(task));
        return $"if command -v aptitude >/dev/null 2>&1; then {Sh.Command(aptitude)}; else {Sh.Command(aptGet)}; fi";
    }

    private static List<string> AptGetUpgrade(AptTask task, bool simulate, IEnumerable<string> operation)
    {
        var words = new List<string> { "apt-get", "-y", "-q", "-o", $"DPkg::Lock::Timeout={task.LockTimeout.ToString(CultureInfo.InvariantCulture)}" };
        words.AddRange(task.DpkgOptions.SelectMany(o => new[] { "-o", $"Dpkg::Options::=--{o}" }));
        words.AddRange(Flags(task, force: ["--force-yes"], simulate));
        words.AddRange(operation);
        if (task.Autoremove)
        {
            words.Add("--auto-remove");
        }

        words.AddRange(Release(task));
        return words;
    }

    /// <summary>upgrade()'s flags, in its order: force, fail_on_autoremove, allow_unauthenticated, allow_downgrade, check mode.</summary>
    private static IEnumerable<string> Flags(AptTask task, string[] force, bool simulate)
    {
        var flags = new List<string>();
        flags.AddRange(task.Force ? force : []);
        flags.AddRange(task.FailOnAutoremove ? ["--no-remove"] : []);
        flags.AddRange(task.AllowUnauthenticated ? ["--allow-unauthenticated"] : []);
        flags.AddRange(task.AllowDowngrade ? ["--allow-downgrades"] : []);
        flags.AddRange(simulate ? ["--simulate"] : []);
        return flags;
    }

    private static string[] Release(AptTask task) => task.DefaultRelease is { } release ? ["-t", release] : [];

    /// <summary>cleanup()'s autoclean: apt-get with the dpkg options, purge and force.</summary>
    internal static string AutocleanCommand(AptTask task, bool simulate)
    {
        var words = new List<string> { "apt-get", "-y", "-q", "-o", $"DPkg::Lock::Timeout={task.LockTimeout.ToString(CultureInfo.InvariantCulture)}" };
        words.AddRange(task.DpkgOptions.SelectMany(o => new[] { "-o", $"Dpkg::Options::=--{o}" }));
        words.AddRange(task.Purge ? ["--purge"] : []);
        words.AddRange(task.Force ? ["--force-yes"] : []);
        words.Add("autoclean");
        words.AddRange(simulate ? ["--simulate"] : []);
        return Sh.Command(words);
    }

    /// <summary>The simulation the plan reads, or null when the task neither upgrades nor autocleans.</summary>
    internal static AptSimulationFact? SimulationFact(AptTask task) =>
        task.Upgrade is not null ? new AptSimulationFact("export LC_ALL=C LANG=C DEBIAN_FRONTEND=noninteractive; " + UpgradeCommand(task, simulate: true), "upgrade")
        : AutocleanRuns(task) ? new AptSimulationFact("export LC_ALL=C LANG=C; " + AutocleanCommand(task, simulate: true), "autoclean")
        : null;

    /// <summary>upgrade or autoclean: changed by the simulation now (or after the cache update), one command, read as Ansible reads it.</summary>
    private static TaskPlan PlanOperation(AptTask task, AptSimulationFact fact, IFactSource facts, bool cacheDue)
    {
        var operation = fact.Operation;
        if (!cacheDue && facts.Get(fact) is { Changes: false } simulated)
        {
            return new NoChange(operation == "upgrade" ? Summary(simulated.Output) ?? "nothing to upgrade" : "nothing to autoclean") { Data = CacheData(task, updated: false) };
        }

        var script = new StringBuilder("export DEBIAN_FRONTEND=noninteractive APT_LISTCHANGES_FRONTEND=none LC_ALL=C LANG=C\n");
        script.Append(task.Clean ? "apt-get clean || exit $?\n" : "");
        script.Append(cacheDue ? UpdateScript(task) : "");
        script.Append(PolicyRcD.Around(task.PolicyRcD, operation == "upgrade" ? UpgradeCommand(task, simulate: false) : AutocleanCommand(task, simulate: false))).Append("exit $rc\n");
        var changes = new List<string>();
        changes.AddRange(cacheDue ? ["update the apt cache"] : []);
        changes.Add(operation == "upgrade" ? $"upgrade ({task.Upgrade}){(cacheDue ? " with the updated lists" : "")}" : "autoclean the apt cache");
        return new Change(changes, script.ToString(), [.. Subject.PackageChange([]), Subject.Package(null)])
        {
            Data = new Dictionary<string, object?>(CacheData(task, cacheDue), StringComparer.Ordinal) { ["operation"] = operation },
        };
    }

    /// <summary>upgrade or autoclean done: changed by Ansible's test on the output, which is the message as Ansible's msg.</summary>
    private static ChangeOutcome CompleteOperation(AptTask task, string operation, CommandResult result)
    {
        var updated = result.Stdout.Contains(UpdatedMarker, StringComparison.Ordinal);
        var output = updated ? result.Stdout[(result.Stdout.IndexOf(UpdatedMarker, StringComparison.Ordinal) + UpdatedMarker.Length)..] : result.Stdout;
        var changed = Changes(operation, output);
        var data = new Dictionary<string, object?>(CacheData(task, updated), StringComparer.Ordinal) { ["stdout"] = output, ["stderr"] = result.Stderr };
        var message = operation == "upgrade" ? Summary(output) : changed ? "autocleaned the apt cache" : "nothing to autoclean";
        return new ChangeOutcome(changed ? TaskOutcome.Changed : TaskOutcome.Ok, message) { Data = data };
    }

    /// <summary>The summary line of apt-get or aptitude ("2 upgraded, 0 newly installed, …"), or null.</summary>
    private static string? Summary(string output) =>
        output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains(" upgraded, ", StringComparison.Ordinal) && l.Contains(" newly installed", StringComparison.Ordinal));
}
