using Renci.SshNet;
using Renci.SshNet.Security;

namespace Fleet.Ssh;

/// <summary>
/// The key exchanges a connection offers, best first. SSH takes the client's first algorithm that the server also offers, so the
/// order is the preference: ML-KEM (mlkem768x25519, OpenSSH ≥ 9.9) is post-quantum and far cheaper than sntrup761, which OpenSSH
/// 9.0–9.8 offer; curve25519 is the classic fallback. Fleet sets the order itself instead of inheriting SSH.NET's.
/// </summary>
public static class KeyExchangePreference
{
    /// <summary>The post-quantum hybrids, best first (sntrup761 under both names: older OpenSSH 9.x offers only the @openssh.com one).</summary>
    public static readonly IReadOnlyList<string> PostQuantum =
        ["mlkem768x25519-sha256", "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com"];

    /// <summary>The classic exchanges Fleet prefers, before SSH.NET's remaining ones (ECDH on NIST curves, Diffie-Hellman groups).</summary>
    public static readonly IReadOnlyList<string> Classic = ["curve25519-sha256", "curve25519-sha256@libssh.org"];

    /// <summary>Orders <paramref name="algorithms"/> for <paramref name="mode"/>: the preferred names first, the rest as they were.</summary>
    /// <remarks><see cref="KeyExchangeMode.Classic"/> removes every post-quantum exchange instead of moving it.</remarks>
    public static void Apply(IOrderedDictionary<string, Func<IKeyExchange>> algorithms, KeyExchangeMode mode)
    {
        ArgumentNullException.ThrowIfNull(algorithms);
        if (mode == KeyExchangeMode.Classic)
        {
            foreach (var name in algorithms.Keys.Where(IsPostQuantum).ToList())
            {
                algorithms.Remove(name, out _);
            }
        }

        var position = 0;
        foreach (var name in (mode == KeyExchangeMode.Classic ? Classic : PostQuantum.Concat(Classic)).Where(algorithms.ContainsKey))
        {
            algorithms.SetPosition(name, position++);
        }
    }

    /// <summary>True for a post-quantum hybrid (sntrup761, ML-KEM).</summary>
    public static bool IsPostQuantum(string name) =>
        name.Contains("sntrup", StringComparison.Ordinal) || name.Contains("mlkem", StringComparison.Ordinal);
}
