namespace Fleet.Lab;

/// <summary>
/// The Debian packages the lab needs on the machine itself, and their installation when some are missing: a fresh machine
/// runs <c>fleet lab up</c> (and so the demo and the tests) with nothing installed by hand.
/// </summary>
public static class MachinePackages
{
    /// <summary>Each package the lab needs and what for; the reason is printed when it is installed.</summary>
    public static readonly IReadOnlyList<(string Package, string Why)> Required =
    [
        ("openssh-server", "sshd in every host"),
        ("openssh-client", "ssh-keygen for host and lab keys"),
        ("iptables", "the guard that keeps lab traffic on this machine"),
        ("iproute2", "network namespaces and the lab bridge"),
        ("apt-utils", "apt-ftparchive for the lab's local apt repository"),
        ("cron", "cron in every host"),
        ("rsyslog", "syslog in every host"),
        ("tini", "the first process of every host"),
        ("lynis", "fleet audit"),
        ("procps", "process tools in every host"),
        ("acl", "getfacl and setfacl in every host (the acl module)"), ("unzip", "unzip in every host (the unarchive module's zip archives)"),
        ("git", "git in every host (the git module)"),
    ];

    /// <summary>
    /// The Debian packages that the differential tests' oracles need on the machine: Ansible itself and the Jinja2 it uses.
    /// Installed like the lab's, before the lab starts (hosts see the machine's files as they were when they started).
    /// </summary>
    public static readonly IReadOnlyList<(string Package, string Why)> Oracles =
    [
        ("ansible", "ansible-playbook as the oracle of the differential tests"),
        ("python3-jinja2", "Jinja2 as the oracle of the template tests"),
    ];

    /// <summary>The <c>dpkg-query</c> call whose output <see cref="Missing"/> reads: one "name TAB status" line per known package.</summary>
    public static string QueryScript(IEnumerable<(string Package, string Why)> packages) =>
        "dpkg-query -W -f='${Package}\\t${Status}\\n' " + string.Join(' ', packages.Select(r => Shell.Q(r.Package))) + " 2>/dev/null";

    /// <summary>The required packages that the query output does not show as installed (unknown names print no line at all).</summary>
    public static IReadOnlyList<string> Missing(string dpkgQueryOutput) => Missing(dpkgQueryOutput, Required);

    /// <summary>The given packages that the query output does not show as installed.</summary>
    public static IReadOnlyList<string> Missing(string dpkgQueryOutput, IEnumerable<(string Package, string Why)> packages)
    {
        var installed = dpkgQueryOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t', 2))
            .Where(f => f.Length == 2 && f[1].Trim() == "install ok installed")
            .Select(f => f[0].Trim())
            .ToHashSet(StringComparer.Ordinal);
        return packages.Select(r => r.Package).Where(p => !installed.Contains(p)).ToList();
    }

    /// <summary>The one line printed before installing: what and why.</summary>
    public static string InstallNotice(IReadOnlyList<string> missing) => InstallNotice(missing, Required);

    private static string InstallNotice(IReadOnlyList<string> missing, IEnumerable<(string Package, string Why)> packages) =>
        "installing " + string.Join(", ", missing) + " with apt-get (needed for "
        + string.Join("; ", packages.Where(r => missing.Contains(r.Package)).Select(r => r.Why))
        + "); services are kept from starting on this machine";

    /// <summary>Installs what the lab lacks, as root with apt-get; a clear <see cref="LabException"/> where it cannot.</summary>
    public static Task EnsureAsync(bool isRoot, Action<string> log, CancellationToken cancellationToken) =>
        EnsureAsync(Required, isRoot, log, cancellationToken);

    /// <summary>Installs the given packages where missing, as root with apt-get; a clear <see cref="LabException"/> where it cannot.</summary>
    public static async Task EnsureAsync(IReadOnlyList<(string Package, string Why)> packages, bool isRoot, Action<string> log, CancellationToken cancellationToken)
    {
        var (_, hasTools, _) = await Shell.RunAsync("command -v dpkg-query >/dev/null && command -v apt-get >/dev/null && echo yes", cancellationToken).ConfigureAwait(false);
        var (_, output, _) = await Shell.RunAsync(QueryScript(packages), cancellationToken).ConfigureAwait(false);
        var missing = Missing(output, packages);
        if (missing.Count == 0)
        {
            return;
        }

        if (hasTools.Trim() != "yes")
        {
            throw new LabException($"missing on this machine: {string.Join(", ", missing)}; the lab installs them with apt-get, which this machine lacks (it needs Debian or Ubuntu): install them by hand");
        }

        if (!isRoot)
        {
            throw new LabException($"missing on this machine: {string.Join(", ", missing)}; the lab installs them with apt-get as root: run as root");
        }

        log(InstallNotice(missing, packages));
        await Shell.MustAsync("installing the lab's packages", InstallScript(missing), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// apt-get install under a policy-rc.d that refuses every service start (the lab starts sshd, cron and rsyslog inside its
    /// hosts, never on the machine); the policy file is removed afterwards only when this script created it.
    /// </summary>
    internal static string InstallScript(IReadOnlyList<string> missing) => $"""
        set -e
        if [ ! -e /usr/sbin/policy-rc.d ]; then
          printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
          chmod +x /usr/sbin/policy-rc.d
          trap 'rm -f /usr/sbin/policy-rc.d' EXIT
        fi
        apt-get -o DPkg::Lock::Timeout=300 update -qq
        apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends {string.Join(' ', missing.Select(Shell.Q))} >/dev/null
        """;
}
