namespace Fleet.Lab;

/// <summary>
/// The lab's local Debian repository: the packages the shipped playbooks need plus their dependencies, downloaded once,
/// indexed with apt-ftparchive, and apt lists prepared for hosts (whose only source is this repository, read-only).
/// </summary>
internal static class AptRepository
{
    /// <summary>Where the repository is kept across labs.</summary>
    public const string CacheDir = "/var/cache/fleet-lab";

    /// <summary>
    /// The package list's own name (a hash of it): each list has its own repository, so labs and checkouts with different lists
    /// never rebuild or delete a repository another lab has mounted.
    /// </summary>
    public static string Key => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join(' ', Packages))))[..12].ToLowerInvariant();

    /// <summary>The repository path on the machine.</summary>
    public static string RepoDir => $"{CacheDir}/apt-repo-{Key}";

    /// <summary>Prepared apt lists (named as the hosts' source names them).</summary>
    public static string ListsDir => $"{CacheDir}/lists-{Key}";

    /// <summary>Where hosts see the repository.</summary>
    public const string MountPoint = "/srv/fleet-apt";

    /// <summary>The hosts' only apt source.</summary>
    public const string SourceLine = "deb [trusted=yes] file:/srv/fleet-apt ./";

    /// <summary>
    /// Packages the shipped playbooks and the lab use; their dependencies come along, their recommends do not, so a recommended
    /// package that a role relies on is named here (python3-systemd: fail2ban's systemd backend, geerlingguy.security's jail); so
    /// are packages a public role installs (libpam-passwdqc and kmod: dev-sec's os_hardening).
    /// </summary>
    public static readonly string[] Packages =
    [
        "ufw", "fail2ban", "psad", "logwatch", "lynis", "chrony", "rkhunter", "debsums", "apt-show-versions",
        "libpam-tmpdir", "needrestart", "unattended-upgrades", "acct", "sysstat", "auditd", "apparmor-utils",
        "bsd-mailx", "postfix", "sudo", "openssh-server", "cron", "rsyslog", "iptables", "logrotate", "libpam-pwquality",
        "aide", "aide-common", "usbguard", "apt-listchanges", "apparmor", "python3-systemd", "libpam-passwdqc", "kmod",
        // A public role's packages: konstruktoid/ansible-role-hardening's Debian list, its python modules, and rng-tools (virtual: this).
        "apparmor-profiles", "audispd-plugins", "cracklib-runtime", "gnupg2", "haveged", "libpam-apparmor", "libpam-cap", "tcpd", "vlock",
        "wamerican", "python3-pexpect", "python3-passlib", "rng-tools-debian",
    ];

    /// <summary>
    /// Builds the repository for this package list unless it exists: in a build directory, moved into place only when complete,
    /// under a lock so that two labs starting at once build it once.
    /// </summary>
    public static async Task EnsureAsync(Action<string> log, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(RepoDir, "Packages")) && Directory.Exists(ListsDir))
        {
            return;
        }

        log($"building the local apt repository in {RepoDir} (once; downloads {Packages.Length} packages and their dependencies)");
        var names = string.Join(' ', Packages);
        var build = $"{CacheDir}/build-{Key}";
        var script = $$"""
            set -e
            mkdir -p {{CacheDir}}
            exec 9>{{CacheDir}}/build.lock
            flock 9
            if [ -f {{RepoDir}}/Packages ] && [ -d {{ListsDir}} ]; then ls {{RepoDir}}/*.deb | wc -l; exit 0; fi
            rm -rf {{build}}
            mkdir -p {{build}}/repo {{build}}/lists {{build}}/lists-build/partial
            cd {{build}}/repo
            if ! ls /var/lib/apt/lists/ | grep -q Packages; then apt-get update -qq; fi
            apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances {{names}}               | grep -v '^[ <]' | grep -v ':' | sort -u > ../wanted.txt
            # Keep only real packages with a download candidate (virtual names have none).
            apt-cache show --no-all-versions $(cat ../wanted.txt) 2>/dev/null | sed -n 's/^Package: //p' | sort -u > ../real.txt
            apt-get download -qq $(cat ../real.txt) >/dev/null
            apt-ftparchive packages . > Packages 2>/dev/null
            # Lists as a host would fetch them, generated here once and renamed to the hosts' source path (apt names a list
            # after its URI with every / turned into _).
            echo 'deb [trusted=yes] file:{{build}}/repo ./' > {{build}}/build.list
            apt-get update -qq -o Dir::Etc::sourcelist={{build}}/build.list -o Dir::Etc::sourceparts=/nonexistent               -o Dir::State::Lists={{build}}/lists-build -o APT::Get::List-Cleanup=0
            prefix=$(printf '%s' {{build}}/repo | tr / _)_
            cd {{build}}/lists-build
            for f in "$prefix"*; do cp "$f" {{build}}/lists/"_srv_fleet-apt_${f#"$prefix"}"; done
            mv {{build}}/repo {{RepoDir}}
            mv {{build}}/lists {{ListsDir}}
            cd /
            rm -rf {{build}}
            ls {{RepoDir}}/*.deb | wc -l
            """;
        var count = (await Shell.MustAsync("building the lab's apt repository", script, cancellationToken).ConfigureAwait(false)).Trim();
        log($"apt repository ready: {count} packages");
    }
}
