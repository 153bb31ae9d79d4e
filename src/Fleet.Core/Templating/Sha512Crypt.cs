using System.Security.Cryptography;
using System.Text;

namespace Fleet.Core.Templating;

/// <summary>
/// crypt(3)'s SHA-512 scheme (<c>$6$</c>, Ulrich Drepper's specification), what <c>password_hash('sha512')</c> produces and
/// <c>/etc/shadow</c> reads. Default 5000 rounds, as glibc's crypt (Ansible with passlib writes <c>rounds=656000</c> instead).
/// </summary>
internal static class Sha512Crypt
{
    private const string Alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string RandomSalt() => new(Enumerable.Range(0, 16).Select(_ => Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)]).ToArray());

    public static string Hash(string password, string salt, int? rounds)
    {
        var key = Encoding.UTF8.GetBytes(password);
        var saltBytes = Encoding.UTF8.GetBytes(salt.Length > 16 ? salt[..16] : salt);
        var n = Math.Clamp(rounds ?? 5000, 1000, 999_999_999);

        var b = SHA512.HashData([.. key, .. saltBytes, .. key]);
        var a = new List<byte>(key);
        a.AddRange(saltBytes);
        for (var i = key.Length; i > 0; i -= 64)
        {
            a.AddRange(b.Take(Math.Min(i, 64)));
        }

        for (var i = key.Length; i > 0; i >>= 1)
        {
            a.AddRange((i & 1) != 0 ? b : key);
        }

        var digest = SHA512.HashData(a.ToArray());
        var dp = new List<byte>();
        for (var i = 0; i < key.Length; i++)
        {
            dp.AddRange(key);
        }

        var p = Repeat(SHA512.HashData(dp.ToArray()), key.Length);
        var ds = new List<byte>();
        for (var i = 0; i < 16 + digest[0]; i++)
        {
            ds.AddRange(saltBytes);
        }

        var s = Repeat(SHA512.HashData(ds.ToArray()), saltBytes.Length);
        for (var r = 0; r < n; r++)
        {
            var c = new List<byte>();
            c.AddRange((r & 1) != 0 ? p : digest);
            if (r % 3 != 0)
            {
                c.AddRange(s);
            }

            if (r % 7 != 0)
            {
                c.AddRange(p);
            }

            c.AddRange((r & 1) != 0 ? digest : p);
            digest = SHA512.HashData(c.ToArray());
        }

        var result = new StringBuilder("$6$");
        if (rounds is not null)
        {
            result.Append("rounds=").Append(n).Append('$');
        }

        result.Append(Encoding.UTF8.GetString(saltBytes)).Append('$');
        int[][] order =
        [
            [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48], [28, 49, 7], [50, 8, 29], [9, 30, 51],
            [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13], [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60],
            [40, 61, 19], [62, 20, 41],
        ];
        foreach (var t in order)
        {
            Encode(result, (digest[t[0]] << 16) | (digest[t[1]] << 8) | digest[t[2]], 4);
        }

        Encode(result, digest[63], 2);
        return result.ToString();
    }

    private static byte[] Repeat(byte[] hash, int length) => Enumerable.Range(0, length).Select(i => hash[i % 64]).ToArray();

    private static void Encode(StringBuilder s, int value, int characters)
    {
        for (var i = 0; i < characters; i++)
        {
            s.Append(Alphabet[value & 0x3f]);
            value >>= 6;
        }
    }
}
