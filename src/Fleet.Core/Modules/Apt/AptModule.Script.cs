using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Fleet.Core.Facts;
using Fleet.Core.Modules.Files;
using Fleet.Core.Remote;
using Fleet.Core.Results;

namespace Fleet.Core.Modules.Apt;

// The change script apt runs and how its output is read: one transaction, its summary line, dpkg's state afterwards.
public partial class AptModule
{
    /// <summary>The change script: the cache update (retried while another apt holds its lock), then one apt-get, then dpkg's new state.</summary>
    private static string Script(AptTask task, bool cacheDue, IReadOnlyList<PackageAction> actions, bool autoremove)
    {
        var script = new StringBuilder();
        script.Append("export DEBIAN_FRONTEND=noninteractive APT_LISTCHANGES_FRONTEND=none LC_ALL=C LANG=C\n");
        script.Append(task.Clean ? "apt-get clean || exit $?\n" : ""); // Ansible's clean comes before everything else
        if (cacheDue)
        {
            script.Append(UpdateScript(task));
        }

        var words = Words(task);
        if (actions.Count > 0)
        {
            var removing = task.State == "absent";
            if (!removing && task.AllowDowngrade)
            {
                words.Add("--allow-downgrades");
            }

            if (!removing && task.FailOnAutoremove)
            {
                words.Add("--no-remove");
            }

            if (!removing && task.OnlyUpgrade)
            {
                words.Add("--only-upgrade");
            }

            if (task.Autoremove)
            {
                words.Add("--autoremove");
            }

            words.Add(removing ? (task.Purge ? "purge" : "remove") : "install");
            words.Add("--");
            words.AddRange(actions.Select(a => removing ? a.Request.Name : a.Request.AptWord));
        }
        else if (autoremove)
        {
            if (task.Purge)
            {
                words.Add("--purge");
            }

            words.Add("autoremove");
        }

        if (actions.Count > 0 || autoremove)
        {
            // dpkg refuses every transaction after one was cut short ("dpkg was interrupted, you must manually run 'dpkg
            // --configure -a'"): finish the interrupted one first, as apt asks, and say so in a warning.
            var configure = new List<string> { "dpkg" };
            configure.AddRange(task.DpkgOptions.Select(o => "--" + o));
            configure.AddRange(["--configure", "-a"]);
            script.Append(CultureInfo.InvariantCulture, $$"""
                if [ -n "$(ls -A /var/lib/dpkg/updates 2>/dev/null)" ]; then
                  echo '{{RepairedMarker}}'
                  {{Sh.Command(configure)}} || { echo "dpkg --configure -a failed: dpkg was interrupted before this task" >&2; exit 100; }
                fi

                """);
            script.Append(PolicyRcD.Around(task.PolicyRcD, Sh.Command(words)));
        }
        else
        {
            script.Append("rc=0\n");
        }

        if (task.Packages.Count > 0)
        {
            script.Append(CultureInfo.InvariantCulture, $"echo '{AfterMarker}'\n");
            script.Append(CultureInfo.InvariantCulture, $"dpkg-query -W -f='{AptPackagesFact.QueryFormat}' -- {Sh.Command(task.Packages.Select(p => p.Name))} 2>/dev/null\n");
        }

        script.Append("exit $rc\n");
        return script.ToString();
    }

    /// <summary>
    /// apt-get update, retried while another apt holds its lock (until lock_timeout) and, on any other failure, up to
    /// update_cache_retries times with a wait that doubles from 1 s up to update_cache_retry_max_delay, as Ansible's.
    /// </summary>
    internal static string UpdateScript(AptTask task)
    {
        // DPkg::Lock::Timeout covers the dpkg locks; apt-get update's own lists lock fails at once, so it is retried here.
        var timeout = task.LockTimeout.ToString(CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $$"""
            end=$(( $(date +%s) + {{timeout}} )); try=1; wait=1
            while :; do
              if out=$(apt-get -q -o DPkg::Lock::Timeout={{timeout}} update 2>&1); then printf '%s\n' "$out"; break; fi
              case "$out" in *"Could not get lock"*|*"Unable to lock"*) if [ "$(date +%s)" -lt "$end" ]; then sleep 1; continue; fi ;; esac
              if [ "$try" -lt {{task.UpdateRetries}} ]; then try=$((try + 1)); sleep "$wait"; wait=$((wait * 2)); [ "$wait" -le {{task.RetryMaxDelay}} ] || wait={{task.RetryMaxDelay}}; continue; fi
              printf '%s\n' "$out" >&2; echo "apt-get update failed" >&2; exit 100
            done
            mkdir -p /var/lib/apt/periodic && touch {{AptCacheFact.SuccessStamp}}
            echo '{{UpdatedMarker}}'

            """);
    }

    /// <summary>apt-get with the task's options, before its operation: the lock wait, dpkg options, recommends, release, force and allow flags.</summary>
    internal static List<string> Words(AptTask task)
    {
        var words = new List<string> { "apt-get", "-y", "-q", "-o", $"DPkg::Lock::Timeout={task.LockTimeout.ToString(CultureInfo.InvariantCulture)}" };
        foreach (var option in task.DpkgOptions)
        {
            words.AddRange(["-o", $"Dpkg::Options::=--{option}"]);
        }

        if (task.InstallRecommends is { } recommends)
        {
            words.AddRange(["-o", $"APT::Install-Recommends={(recommends ? "yes" : "no")}"]);
        }

        if (task.DefaultRelease is { } release)
        {
            words.AddRange(["-t", release]);
        }

        if (task.Force)
        {
            words.Add("--force-yes"); // Ansible 2.14's force: apt-get's own, which also allows downgrades and unsigned packages
        }

        if (task.AllowUnauthenticated)
        {
            words.Add("--allow-unauthenticated");
        }

        if (task.AllowChangeHeld)
        {
            words.Add("--allow-change-held-packages");
        }

        return words;
    }

    /// <inheritdoc />
    public override ChangeOutcome Complete(Change change, CommandResult result, ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(result);
        var task = AptTask.From(args);
        if (!result.Succeeded)
        {
            return new ChangeOutcome(TaskOutcome.Failed, FailureText(result));
        }

        if (task.Deb is not null)
        {
            return DebInstall.Complete(result);
        }

        if (change.Data.GetValueOrDefault("operation") is string operation)
        {
            return operation == "clean" ? new ChangeOutcome(TaskOutcome.Ok, "apt cache cleaned") : CompleteOperation(task, operation, result);
        }

        var updated = result.Stdout.Contains(UpdatedMarker, StringComparison.Ordinal);
        var after = result.Stdout.IndexOf(AfterMarker, StringComparison.Ordinal) is var at and >= 0
            ? new AptPackages(AptPackagesFact.ParseQuery(result.Stdout[(at + AfterMarker.Length)..]), null)
            : new AptPackages([], null);
        var planned = change.Data.GetValueOrDefault("packages") as IEnumerable<IReadOnlyDictionary<string, object?>> ?? [];
        var done = new List<IReadOnlyDictionary<string, object?>>();
        foreach (var entry in planned)
        {
            var name = (string)entry["name"]!;
            var now = after.Find(name);
            var previous = entry["previous_version"] as string;
            var nowVersion = now?.Installed == true ? now.Version : null;
            if (nowVersion != previous || (entry["action"] as string == "purge" && now?.ConfigFilesOnly != true))
            {
                var action = entry["action"] as string == "upgrade" && previous is null ? "install" : (string)entry["action"]!;
                done.Add(new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["name"] = name,
                    ["action"] = action,
                    ["version"] = nowVersion ?? previous,
                    ["previous_version"] = previous,
                });
            }
        }

        var summary = SummaryPattern().Match(result.Stdout);
        var aptChanged = summary.Success && summary.Groups.Values.Skip(1).Any(g => g.Success && g.Value != "0");
        var data = new Dictionary<string, object?>(CacheData(task, updated), StringComparer.Ordinal) { ["packages"] = done };
        var changed = done.Count > 0 || aptChanged || (updated && task.Packages.Count == 0 && !task.Autoremove);
        var message = done.Count > 0
            ? string.Join(", ", done.Select(d => $"{d["action"]} {d["name"]} {d["version"]}".TrimEnd()))
            : updated ? "apt cache updated" : null;
        string[] warnings = result.Stdout.Contains(RepairedMarker, StringComparison.Ordinal)
            ? ["dpkg had been interrupted (an earlier package run was cut short): ran dpkg --configure -a before this task's change"]
            : [];
        return new ChangeOutcome(changed ? TaskOutcome.Changed : TaskOutcome.Ok, message) { Data = data, Warnings = warnings };
    }

    /// <summary>apt-get's summary line: upgraded, newly installed, reinstalled, downgraded, to remove.</summary>
    [GeneratedRegex(@"^(\d+) upgraded, (\d+) newly installed, (?:(\d+) reinstalled, )?(?:(\d+) downgraded, )?(\d+) to remove and", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex SummaryPattern();
}
