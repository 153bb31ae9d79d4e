namespace Fleet.Lab;

/// <summary>What the lab needs of the machine: Linux, root, its tools and packages, and one lab created at a time.</summary>
public static partial class Lab
{
    private static readonly string[] RequiredTools = ["ip", "unshare", "nsenter", "setsid", "tini", "sshd", "ssh-keygen", "iptables", "apt-ftparchive", "mknod"];

    /// <summary>Refuses a machine the lab cannot run on; installs the lab's packages when missing.</summary>
    private static async Task CheckMachineAsync(Action<string> log, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new LabException("the lab needs Linux (network namespaces, overlayfs)");
        }

        var isRoot = Environment.UserName == "root";
        await MachinePackages.EnsureAsync(isRoot, log, cancellationToken).ConfigureAwait(false);
        if (!isRoot)
        {
            throw new LabException("the lab needs root (namespaces, mounts, bridge): run as root");
        }

        var (_, missing, _) = await Shell.RunAsync(
            string.Join('\n', RequiredTools.Select(t => $"PATH=\"$PATH:/usr/sbin:/sbin\" command -v {t} >/dev/null || echo {t}")), cancellationToken).ConfigureAwait(false);
        if (missing.Trim().Length > 0)
        {
            throw new LabException($"missing on this machine even with the lab's packages installed: {string.Join(", ", missing.Split('\n', StringSplitOptions.RemoveEmptyEntries))}");
        }
    }

    /// <summary>Holds /run/fleet-lab.lock while a lab number is chosen and created, waiting up to a minute for another up.</summary>
    private static async Task<FileStream> MachineLockAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; ; i++)
        {
            try
            {
                return new FileStream("/run/fleet-lab.lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (i < 600)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
