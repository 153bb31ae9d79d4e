using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Fleet.Core;

/// <summary>
/// One part of a stable partition of hosts, <c>--shard I/N</c> (1 ≤ I ≤ N): a host belongs to the shard whose rendezvous score for
/// its name is highest (highest-random-weight hashing). A host's shard depends only on its name and N: adding or removing a host
/// moves no other host, and going from N to N+1 shards moves only about 1/(N+1) of them.
/// </summary>
/// <param name="Index">This shard, 1 to <paramref name="Count"/>.</param>
/// <param name="Count">How many shards the hosts are split into.</param>
public sealed record Shard(int Index, int Count)
{
    /// <summary>The most shards a run may be split into.</summary>
    public const int MaxCount = 1000;

    /// <summary>Parses <c>I/N</c>; anything else (0-based, I &gt; N, not numbers) is invalid input naming the option.</summary>
    public static Shard Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0
            && int.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count is >= 1 and <= MaxCount
            && index >= 1 && index <= count)
        {
            return new Shard(index, count);
        }

        throw new FleetInputException($"--shard must be I/N with 1 <= I <= N <= {MaxCount} (shards count from 1, e.g. 2/3), not '{text}'");
    }

    /// <summary>The shard (1 to <paramref name="count"/>) that <paramref name="host"/> belongs to.</summary>
    public static int Of(string host, int count)
    {
        ArgumentNullException.ThrowIfNull(host);
        var best = 1;
        ulong bestScore = 0;
        for (var shard = 1; shard <= count; shard++)
        {
            var score = Score(host, shard);
            if (shard == 1 || score > bestScore)
            {
                (best, bestScore) = (shard, score);
            }
        }

        return best;
    }

    /// <summary>Whether <paramref name="host"/> is in this shard.</summary>
    public bool Contains(string host) => Of(host, Count) == Index;

    /// <summary>The hosts of <paramref name="hosts"/> in this shard, in their order.</summary>
    public IReadOnlyList<T> Select<T>(IEnumerable<T> hosts, Func<T, string> name) => hosts.Where(h => Contains(name(h))).ToList();

    /// <summary>The rendezvous score: the first 8 bytes (big-endian) of SHA-256 over the UTF-8 text "HOST\nSHARD"; the same on every machine and .NET version.</summary>
    private static ulong Score(string host, int shard)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(host + "\n" + shard.ToString(CultureInfo.InvariantCulture)), hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
