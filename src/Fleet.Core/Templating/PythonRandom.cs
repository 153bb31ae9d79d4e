using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Fleet.Core.Templating;

/// <summary>
/// Python's <c>random.Random</c> (MT19937 seeded as CPython seeds it), so a seeded <c>random</c> or <c>shuffle</c> filter gives
/// the number Ansible gives for the same seed (<c>59 | random(seed=inventory_hostname)</c> picks the same minute).
/// </summary>
internal sealed class PythonRandom
{
    private const int N = 624;
    private readonly uint[] _state = new uint[N];
    private readonly RandomNumberGenerator? _system;
    private int _index = N;

    private PythonRandom(RandomNumberGenerator? system) => _system = system;

    /// <summary>Python's <c>SystemRandom()</c>: the operating system's randomness, as Ansible uses without a seed.</summary>
    public static PythonRandom System() => new(RandomNumberGenerator.Create());

    /// <summary>Python's <c>Random(seed)</c> for an integer, text or boolean seed (version 2 seeding, as Python 3 does).</summary>
    public static PythonRandom Seeded(object? seed)
    {
        var number = seed switch
        {
            long n => BigInteger.Abs(n),
            bool b => b ? BigInteger.One : BigInteger.Zero,
            double d when d == Math.Floor(d) && Math.Abs(d) < 1e18 => BigInteger.Abs(new BigInteger(d)),
            string s => new BigInteger(Encoding.UTF8.GetBytes(s).Concat(SHA512.HashData(Encoding.UTF8.GetBytes(s))).ToArray(), isUnsigned: true, isBigEndian: true),
            _ => throw Filters.Error($"a random seed must be an integer or a text, not {Values.TypeName(seed)}"),
        };
        var random = new PythonRandom(null);
        random.InitByArray(Words(number));
        return random;
    }

    // CPython's random_seed: the absolute value as 32-bit words, least significant first, at least one.
    private static uint[] Words(BigInteger number)
    {
        var bytes = number.IsZero ? [0] : number.ToByteArray(isUnsigned: true, isBigEndian: false);
        var words = new uint[(bytes.Length + 3) / 4];
        for (var i = 0; i < bytes.Length; i++)
        {
            words[i / 4] |= (uint)bytes[i] << (8 * (i % 4));
        }

        var used = words.Length;
        while (used > 1 && words[used - 1] == 0)
        {
            used--;
        }

        return words[..used];
    }

    private void InitGenrand(uint seed)
    {
        _state[0] = seed;
        for (var i = 1; i < N; i++)
        {
            _state[i] = unchecked((1812433253u * (_state[i - 1] ^ (_state[i - 1] >> 30))) + (uint)i);
        }

        _index = N;
    }

    private void InitByArray(uint[] key)
    {
        InitGenrand(19650218u);
        int i = 1, j = 0;
        for (var k = Math.Max(N, key.Length); k > 0; k--)
        {
            _state[i] = unchecked((_state[i] ^ ((_state[i - 1] ^ (_state[i - 1] >> 30)) * 1664525u)) + key[j] + (uint)j);
            i++;
            j++;
            if (i >= N)
            {
                _state[0] = _state[N - 1];
                i = 1;
            }

            if (j >= key.Length)
            {
                j = 0;
            }
        }

        for (var k = N - 1; k > 0; k--)
        {
            _state[i] = unchecked((_state[i] ^ ((_state[i - 1] ^ (_state[i - 1] >> 30)) * 1566083941u)) - (uint)i);
            i++;
            if (i >= N)
            {
                _state[0] = _state[N - 1];
                i = 1;
            }
        }

        _state[0] = 0x80000000u;
    }

    private uint Next32()
    {
        if (_system is not null)
        {
            Span<byte> bytes = stackalloc byte[4];
            _system.GetBytes(bytes);
            return BitConverter.ToUInt32(bytes);
        }

        if (_index >= N)
        {
            Twist();
        }

        var y = _state[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    private void Twist()
    {
        for (var k = 0; k < N; k++)
        {
            var y = (_state[k] & 0x80000000u) | (_state[(k + 1) % N] & 0x7fffffffu);
            _state[k] = _state[(k + 397) % N] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908b0dfu : 0u);
        }

        _index = 0;
    }

    // getrandbits(k) for k ≤ 64: 32-bit words least significant first, the last one cut to what is left.
    private ulong Bits(int k)
    {
        if (k <= 32)
        {
            return Next32() >> (32 - k);
        }

        ulong low = Next32();
        ulong high = Next32() >> (64 - k);
        return low | (high << 32);
    }

    /// <summary>Python's <c>_randbelow(n)</c>: a uniform integer in [0, n) by rejection over <c>n.bit_length()</c> bits.</summary>
    public long Below(long n)
    {
        if (n <= 0)
        {
            return 0;
        }

        var k = 64 - BitOperations.LeadingZeroCount((ulong)n);
        var r = Bits(k);
        while (r >= (ulong)n)
        {
            r = Bits(k);
        }

        return (long)r;
    }

    /// <summary>Python's <c>randrange(start, stop, step)</c>, with its messages for an empty range or a zero step.</summary>
    public long Range(long start, long stop, long step)
    {
        var width = checked(stop - start);
        if (step == 1)
        {
            return width > 0 ? start + Below(width) : throw Filters.Error($"empty range for randrange() ({start}, {stop}, {width})");
        }

        long count = step switch
        {
            > 0 => FloorDiv(checked(width + step - 1), step),
            < 0 => FloorDiv(checked(width + step + 1), step),
            _ => throw Filters.Error("zero step for randrange()"),
        };
        return count > 0 ? checked(start + (step * Below(count))) : throw Filters.Error("empty range for randrange()");
    }

    private static long FloorDiv(long a, long b) => (a / b) - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);

    /// <summary>Python's <c>shuffle</c>: Fisher–Yates from the end, as CPython draws it.</summary>
    public void Shuffle(List<object?> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = (int)Below(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
