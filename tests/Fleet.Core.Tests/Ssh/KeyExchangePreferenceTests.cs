using Fleet.Ssh;
using Renci.SshNet;

namespace Fleet.Core.Tests.Ssh;

/// <summary>The key exchanges a connection offers, in order: SSH takes the client's first one that the server also offers.</summary>
public sealed class KeyExchangePreferenceTests
{
    private static IOrderedDictionary<string, Func<Renci.SshNet.Security.IKeyExchange>> Offered() =>
        new ConnectionInfo("host.example", "root", new NoneAuthenticationMethod("root")).KeyExchangeAlgorithms;

    [Fact]
    public void SshNet_ImplementsEveryPreferredExchange() =>
        Assert.All(KeyExchangePreference.PostQuantum.Concat(KeyExchangePreference.Classic), name => Assert.True(Offered().ContainsKey(name), name));

    [Fact]
    public void PostQuantum_MlKemThenSntrupThenCurve25519_WhateverSshNetsOrder()
    {
        var algorithms = Offered();
        var count = algorithms.Count;
        // Turn SSH.NET's own order upside down: Fleet's preference must not depend on it.
        algorithms.SetPosition("curve25519-sha256", 0);
        algorithms.SetPosition("mlkem768x25519-sha256", count - 1);

        KeyExchangePreference.Apply(algorithms, KeyExchangeMode.PostQuantum);

        Assert.Equal(
            ["mlkem768x25519-sha256", "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com", "curve25519-sha256", "curve25519-sha256@libssh.org"],
            algorithms.Keys.Take(5));
        Assert.Equal(count, algorithms.Count);
    }

    [Fact]
    public void Classic_NoPostQuantumOffered_Curve25519First()
    {
        var algorithms = Offered();

        KeyExchangePreference.Apply(algorithms, KeyExchangeMode.Classic);

        Assert.Equal(["curve25519-sha256", "curve25519-sha256@libssh.org"], algorithms.Keys.Take(2));
        Assert.DoesNotContain(algorithms.Keys, name => name.Contains("mlkem", StringComparison.Ordinal) || name.Contains("sntrup", StringComparison.Ordinal));
        Assert.Contains("ecdh-sha2-nistp256", algorithms.Keys);
    }
}
