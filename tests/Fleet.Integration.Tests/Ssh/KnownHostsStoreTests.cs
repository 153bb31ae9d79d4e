using System.Diagnostics;
using Fleet.Ssh;

namespace Fleet.Integration.Tests.Ssh;

/// <summary>
/// known_hosts as OpenSSH writes it: lines from a real <c>ssh-keyscan</c> of a lab host, hashed by the machine's real
/// <c>ssh-keygen -H</c>; negated patterns, <c>@revoked</c>, <c>@cert-authority</c>, several keys per host, RSA under its
/// signature names. No SSH connection: the store alone.
/// </summary>
public sealed class KnownHostsStoreTests : IDisposable
{
    /// <summary><c>ssh-keyscan 10.213.4.10</c> against a lab host (OpenSSH 9.2, Debian 12), as it printed them.</summary>
    private const string Ecdsa = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBCCuVgL3zgtHOf6XzZokyiv7r7sKT2zNnmWDvy9rmwFyuXsEtYgaj37b/qyMVaHhTluJ3fnSy82CoY+ljboFaW0=";
    private const string Ed25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAII9Ubit7J3yJXT5Et+QTGOWZMPgX1FMFO7ehzpVsAxWO";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-known-hosts-test-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static byte[] Blob(string line) => Convert.FromBase64String(line.Split(' ')[^1]);

    private static string Type(string line) => line.Split(' ')[^2];

    private KnownHostsStore Store(string text)
    {
        var path = Path.Combine(_dir.FullName, "known_hosts");
        File.WriteAllText(path, text);
        return new KnownHostsStore(path);
    }

    private HostKeyMatch Check(KnownHostsStore store, string host, int port, string keyLine) => store.Check(host, port, Type(keyLine), Blob(keyLine), out _);

    /// <summary>A fresh key of the given type from the machine's ssh-keygen, as a known_hosts key field ("type base64").</summary>
    private string NewKey(string type)
    {
        var file = Path.Combine(_dir.FullName, "key-" + Guid.NewGuid().ToString("N"));
        Run("ssh-keygen", "-q", "-t", type, "-N", "", "-f", file);
        var parts = File.ReadAllText(file + ".pub").Split(' ');
        return parts[0] + " " + parts[1];
    }

    private static string Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)}: {stderr}");
        return stdout;
    }

    [Fact]
    public void HashedBySshKeygenH_EveryKeyOfTheHostIsKnown_OtherHostsAndPortsAreNot_AnotherKeyIsChanged()
    {
        var store = Store($"10.213.4.10 {Ecdsa}\n10.213.4.10 {Ed25519}\n[10.213.4.10]:2222 {Ed25519}\n");
        Run("ssh-keygen", "-H", "-f", store.Path);
        var hashed = File.ReadAllLines(store.Path);
        Assert.All(hashed, l => Assert.StartsWith("|1|", l, StringComparison.Ordinal));

        Assert.Equal(HostKeyMatch.Known, Check(store, "10.213.4.10", 22, Ed25519));
        Assert.Equal(HostKeyMatch.Known, Check(store, "10.213.4.10", 22, Ecdsa));
        Assert.Equal(HostKeyMatch.Known, Check(store, "10.213.4.10", 2222, Ed25519));
        Assert.Equal(HostKeyMatch.Unknown, Check(store, "10.213.4.10", 2222, Ecdsa));
        Assert.Equal(HostKeyMatch.Unknown, Check(store, "10.213.4.11", 22, Ed25519));
        Assert.Equal(HostKeyMatch.Changed, store.Check("10.213.4.10", 22, "ssh-ed25519", Blob(NewKey("ed25519")), out var line));
        Assert.Equal(2, line);
    }

    [Fact]
    public void SeveralKeysPerHost_AnyOneIsTheHosts_AChangedKeyOfOneTypeIsStillChanged()
    {
        var second = NewKey("ed25519");
        var store = Store($"10.213.4.10 {Ed25519}\n10.213.4.10 {second}\n10.213.4.10 {Ecdsa}\n");

        Assert.Equal(HostKeyMatch.Known, Check(store, "10.213.4.10", 22, second));
        Assert.Equal(HostKeyMatch.Known, Check(store, "10.213.4.10", 22, Ecdsa));
        Assert.Equal(HostKeyMatch.Changed, Check(store, "10.213.4.10", 22, NewKey("ecdsa")));
    }

    [Fact]
    public void NegatedPattern_ExcludesThatHostFromTheLine()
    {
        var store = Store($"10.213.4.*,!10.213.4.10 {Ed25519}\n");

        Assert.Equal(HostKeyMatch.Unknown, Check(store, "10.213.4.10", 22, Ed25519));
        Assert.Equal(HostKeyMatch.Known, Check(store, "10.213.4.11", 22, Ed25519));

        // A negation alone matches nothing.
        Assert.Equal(HostKeyMatch.Unknown, Check(Store($"!10.213.4.10 {Ed25519}\n"), "10.213.4.11", 22, Ed25519));
    }

    [Fact]
    public void Revoked_IsRefusedEvenWhenAlsoListed()
    {
        var store = Store($"10.213.4.10 {Ed25519}\n@revoked * {Ed25519}\n");

        Assert.Equal(HostKeyMatch.Revoked, store.Check("10.213.4.10", 22, "ssh-ed25519", Blob(Ed25519), out var line));
        Assert.Equal(2, line);
        Assert.Equal(HostKeyMatch.Unknown, Check(store, "10.213.4.10", 22, Ecdsa));
    }

    [Fact]
    public void CertAuthority_WithoutThePlainKey_IsReportedAsNotSupported_WithItTheKeyIsKnown()
    {
        var authority = NewKey("ed25519");
        var store = Store($"# fleet hosts\n@cert-authority *.example.org {authority}\n");

        Assert.Equal(HostKeyMatch.CertificateAuthority, store.Check("web-1.example.org", 22, "ssh-ed25519", Blob(Ed25519), out var line));
        Assert.Equal(2, line);
        Assert.Equal(HostKeyMatch.Unknown, Check(store, "other.example.com", 22, Ed25519));

        File.AppendAllText(store.Path, $"web-1.example.org {Ed25519}\n");
        Assert.Equal(HostKeyMatch.Known, Check(store, "web-1.example.org", 22, Ed25519));
    }

    [Fact]
    public void RsaKey_OfferedUnderItsSignatureName_MatchesItsSshRsaLine()
    {
        var rsa = NewKey("rsa");
        var store = Store($"10.213.4.10 {rsa}\n");

        Assert.Equal(HostKeyMatch.Known, store.Check("10.213.4.10", 22, "rsa-sha2-512", Blob(rsa), out _));
        Assert.Equal(HostKeyMatch.Changed, store.Check("10.213.4.10", 22, "rsa-sha2-256", Blob(NewKey("rsa")), out _));
    }

    [Fact]
    public async Task AcceptNew_DoesNotRecordAHostTrustedOnlyByACertAuthority()
    {
        var store = Store($"@cert-authority * {NewKey("ed25519")}\n");

        var match = await store.AddIfUnknownAsync("10.213.4.10", 22, "ssh-ed25519", Blob(Ed25519), CancellationToken.None);

        Assert.Equal(HostKeyMatch.CertificateAuthority, match);
        Assert.Single(File.ReadAllLines(store.Path));
    }
}
