using System.Text.RegularExpressions;
using Fleet.Tests;

namespace Fleet.Integration.Tests.Ssh;

/// <summary>
/// The key exchange Fleet picks against real OpenSSH 10.0 (Debian 13's, built from source): mlkem768x25519-sha256 where the host
/// offers it, sntrup761x25519 where it offers only that (OpenSSH 9.0–9.8), curve25519 with <c>--ssh-kex classic</c>; each host's
/// exchange in the JSON report and in --verbose. OpenSSH's own 10.0 client is the oracle that the server offers ML-KEM.
/// </summary>
[Collection("openssh10")]
public sealed class MlKemLabTests(OpenSsh10Servers servers) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-mlkem-test-");

    public void Dispose() => _dir.Delete(recursive: true);

    [LabFact]
    public async Task OpenSshClient_AgainstTheMlKemServer_NegotiatesMlKem()
    {
        Assert.All(servers.Banners.Values, banner => Assert.StartsWith("SSH-2.0-OpenSSH_10.", banner, StringComparison.Ordinal));

        var (exit, _, stderr) = await MachineProcess.RunAsync(
            Path.Combine(servers.BinDir, "ssh"), "-vv", "-F", "none", "-i", servers.IdentityPath, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
            "-o", $"UserKnownHostsFile={servers.KnownHostsPath}", "-o", "StrictHostKeyChecking=yes",
            "-p", servers.Ports[OpenSsh10Servers.MlKemHost].ToString(System.Globalization.CultureInfo.InvariantCulture), "root@127.0.0.1", "true");

        Assert.True(exit == 0, stderr);
        Assert.Matches(@"(?m)^debug1: kex: algorithm: mlkem768x25519-sha256\r?$", stderr);
    }

    [LabTheory]
    [InlineData("pq", "mlkem768x25519-sha256", "sntrup761x25519-sha512")]
    [InlineData("classic", "curve25519-sha256", "curve25519-sha256")]
    public async Task SshKex_AgainstOpenSsh10_PrefersMlKemThenSntrup_AndReportsEachHostsExchange(string mode, string onMlKemHost, string onSntrupHost)
    {
        var (exchanges, stderr) = await KeyExchangeRun.ApplyAsync(_dir, servers.InventoryPath, servers.KnownHostsPath, mode);

        Assert.Equal(onMlKemHost, exchanges[OpenSsh10Servers.MlKemHost]);
        Assert.Equal(onSntrupHost, exchanges[OpenSsh10Servers.SntrupHost]);
        Assert.Matches($"{OpenSsh10Servers.MlKemHost} connected to .*, key exchange {Regex.Escape(onMlKemHost)}", stderr);
        Assert.Matches($"{OpenSsh10Servers.SntrupHost} connected to .*, key exchange {Regex.Escape(onSntrupHost)}", stderr);
    }
}
