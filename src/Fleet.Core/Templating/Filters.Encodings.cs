using System.Text;

namespace Fleet.Core.Templating;

public static partial class Filters
{
    /// <summary>Encoding and hashing filters: <c>b64encode</c>/<c>b64decode</c>, <c>hash</c>, <c>checksum</c>, <c>password_hash</c>.</summary>
    private static class Encodings
    {
        public static readonly Dictionary<string, Filter> All = new(StringComparer.Ordinal)
        {
            ["b64decode"] = (v, _) => Encoding.UTF8.GetString(Base64(Str(v))),
            ["b64encode"] = (v, _) => Convert.ToBase64String(Encoding.UTF8.GetBytes(Str(v))),
            ["hash"] = (v, c) => Hash(Str(v), Str(c.Get(0, "hashtype", "sha1"))),
            ["checksum"] = (v, _) => Hash(Str(v), "sha1"),
            ["password_hash"] = (v, c) => PasswordHash(Str(v), c),
        };

        private static string Hash(string value, string type)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
    #pragma warning disable CA5350, CA5351 // Ansible's hash filter offers these digests; they checksum, they do not protect
            var digest = type switch
            {
                "sha1" => System.Security.Cryptography.SHA1.HashData(bytes),
                "md5" => System.Security.Cryptography.MD5.HashData(bytes),
                "sha256" => System.Security.Cryptography.SHA256.HashData(bytes),
                "sha512" => System.Security.Cryptography.SHA512.HashData(bytes),
                _ => throw Error($"unsupported hash type '{type}' (sha1, md5, sha256, sha512)"),
            };
    #pragma warning restore CA5350, CA5351
            return Convert.ToHexStringLower(digest);
        }

        private static byte[] Base64(string text)
        {
            var bytes = new byte[text.Length];
            return Convert.TryFromBase64String(text, bytes, out var written) ? bytes[..written] : throw Error("filter 'b64decode': the text is not valid base64 (Incorrect padding or a character outside A-Z, a-z, 0-9, + and /)");
        }

        private static string PasswordHash(string password, FilterCall call)
        {
            var type = Str(call.Get(0, "hashtype", "sha512"));
            if (type is not ("sha512" or "sha512_crypt"))
            {
                throw Error($"password_hash: only sha512 is supported, not '{type}'");
            }

            var salt = call.Get(1, "salt") is { } s ? Str(s) : Sha512Crypt.RandomSalt();
            var asked = call.Get(3, "rounds") is { } r ? ToLong(r) : null;
            if (asked is < 1000 or > 999_999_999)
            {
                throw Error($"password_hash: rounds must be from 1000 to 999999999 (what crypt allows), not {asked}");
            }

            // Validation checks the template, not the hash: a billion rounds are computed when the task runs, not by validate.
            var rounds = (int?)asked;
            return RenderBudget.Validating
                ? $"$6${(rounds is { } n ? $"rounds={n}$" : "")}{salt}${new string('.', 86)}"
                : Sha512Crypt.Hash(password, salt, rounds);
        }
    }
}
