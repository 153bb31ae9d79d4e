namespace Fleet.Lab;

/// <summary>
/// The lab's local Debian repository: the packages the shipped playbooks need plus their dependencies, downloaded once,
/// indexed with apt-ftparchive, and apt lists prepared for hosts (whose only source is this repository, read-only).
/// </summary>
internal static class AptRepository
{
    /// <summary>Where the repository is kept across labs.</summary>
    public const string CacheDir = "/var/cache/fleet-lab";

    /// <summary>The repository path on the machine.</summary>
    public const string RepoDir = CacheDir + "/apt-repo";

    /// <summary>Prepared apt lists (named as the hosts' source names them).</summary>
    public const string ListsDir = CacheDir + "/lists";

    /// <summary>Where hosts see the repository.</summary>
    public const string MountPoint = "/srv/fleet-apt";

    /// <summary>The hosts' only apt source.</summary>
    public const string SourceLine = "deb [trusted=yes] file:/srv/fleet-apt ./";

    /// <summary>Packages the shipped playbooks and the lab use; their dependencies come along.</summary>
    public static readonly string[] Packages =
    [
        "ufw", "fail2ban", "psad", "logwatch", "lynis", "chrony", "rkhunter", "debsums", "apt-show-versions",
        "libpam-tmpdir", "needrestart", "unattended-upgrades", "acct", "sysstat", "auditd", "apparmor-utils",
        "bsd-mailx", "postfix", "sudo", "openssh-server", "cron", "rsyslog", "iptables", "logrotate", "libpam-pwquality",
        "aide", "aide-common", "usbguard", "apt-listchanges", "apparmor",
    ];

    /// <summary>Builds the repository unless one for the same package list exists.</summary>
    public static async Task EnsureAsync(Action<string> log, CancellationToken cancellationToken)
    {
        var stamp = string.Join(' ', Packages);
        var stampFile = Path.Combine(CacheDir, "apt-repo.stamp");
        if (File.Exists(stampFile) && await File.ReadAllTextAsync(stampFile, cancellationToken).ConfigureAwait(false) == stamp
            && File.Exists(Path.Combine(RepoDir, "Packages")) && Directory.Exists(ListsDir))
        {
            return;
        }

        log($"building the local apt repository in {RepoDir} (once; downloads {Packages.Length} packages and their dependencies)");
        var names = string.Join(' ', Packages);
        var script = $$"""
            set -e
            rm -rf {{RepoDir}} {{ListsDir}} {{CacheDir}}/lists-build
            mkdir -p {{RepoDir}} {{ListsDir}} {{CacheDir}}/lists-build/partial
            cd {{RepoDir}}
            if ! ls /var/lib/apt/lists/ | grep -q Packages; then apt-get update -qq; fi
            apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances {{names}} \
              | grep -v '^[ <]' | grep -v ':' | sort -u > wanted.txt
            # Keep only real packages with a download candidate (virtual names have none).
            apt-cache show --no-all-versions $(cat wanted.txt) 2>/dev/null | sed -n 's/^Package: //p' | sort -u > real.txt
            apt-get download -qq $(cat real.txt) >/dev/null
            rm -f wanted.txt real.txt
            apt-ftparchive packages . > Packages 2>/dev/null
            # Lists as a host would fetch them, generated here once and renamed to the hosts' source path.
            echo 'deb [trusted=yes] file:{{RepoDir}} ./' > {{CacheDir}}/build.list
            apt-get update -qq -o Dir::Etc::sourcelist={{CacheDir}}/build.list -o Dir::Etc::sourceparts=/nonexistent \
              -o Dir::State::Lists={{CacheDir}}/lists-build -o APT::Get::List-Cleanup=0
            cd {{CacheDir}}/lists-build
            for f in _var_cache_fleet-lab_apt-repo_*; do cp "$f" {{ListsDir}}/"$(echo "$f" | sed 's/^_var_cache_fleet-lab_apt-repo_/_srv_fleet-apt_/')"; done
            rm -rf {{CacheDir}}/lists-build {{CacheDir}}/build.list
            ls {{RepoDir}}/*.deb | wc -l
            """;
        var count = (await Shell.MustAsync("building the lab's apt repository", script, cancellationToken).ConfigureAwait(false)).Trim();
        await File.WriteAllTextAsync(stampFile, stamp, cancellationToken).ConfigureAwait(false);
        log($"apt repository ready: {count} packages");
    }
}
