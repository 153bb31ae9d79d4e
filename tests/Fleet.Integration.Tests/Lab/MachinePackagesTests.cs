using Fleet.Lab;

namespace Fleet.Integration.Tests.Lab;

/// <summary>The lab's check of the machine's packages, against dpkg-query output as a fresh or a prepared machine prints it.</summary>
public sealed class MachinePackagesTests
{
    private static string Installed(params string[] except) => string.Concat(
        MachinePackages.Required.Select(r => r.Package).Where(p => !except.Contains(p)).Select(p => $"{p}\tinstall ok installed\n"));

    [Fact]
    public void Missing_AllInstalled_IsEmpty() => Assert.Empty(MachinePackages.Missing(Installed()));

    [Fact]
    public void Missing_UnknownPackagePrintsNoLine_IsMissing() =>
        Assert.Equal(["tini", "lynis"], MachinePackages.Missing(Installed("tini", "lynis")));

    [Fact]
    public void Missing_RemovedButConfigKept_IsMissing()
    {
        // apt-get remove leaves "deinstall ok config-files"; a purged package that dpkg still knows is "unknown ok not-installed".
        var output = Installed("openssh-server", "cron") + "openssh-server\tdeinstall ok config-files\ncron\tunknown ok not-installed\n";
        Assert.Equal(["openssh-server", "cron"], MachinePackages.Missing(output));
    }

    [Fact]
    public void Missing_NoDpkgOutput_IsEverything() =>
        Assert.Equal(MachinePackages.Required.Select(r => r.Package), MachinePackages.Missing(""));

    [Fact]
    public void InstallNotice_NamesPackagesAndWhy()
    {
        var notice = MachinePackages.InstallNotice(["tini", "iptables"]);
        Assert.StartsWith("installing tini, iptables with apt-get (needed for ", notice);
        Assert.Contains("the first process of every host", notice);
        Assert.Contains("services are kept from starting on this machine", notice);
        Assert.DoesNotContain("sshd in every host", notice);
    }

    [Fact]
    public void InstallScript_BlocksServiceStartsAndQuotesNames()
    {
        var script = MachinePackages.InstallScript(["tini", "x;rm -rf /"]);
        Assert.Contains("exit 101", script);
        Assert.Contains("'x;rm -rf /'", script);
        Assert.True(script.IndexOf("policy-rc.d", StringComparison.Ordinal) < script.IndexOf("apt-get", StringComparison.Ordinal));
    }
}
