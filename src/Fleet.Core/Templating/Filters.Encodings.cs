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
            ["sha1"] = (v, _) => Hash(Str(v), "sha1"),
            ["md5"] = (v, _) => Hash(Str(v), "md5"),
            ["to_uuid"] = (v, c) => Uuid5(Str(c.Get(0, "namespace", "361E6D51-FAEC-444A-9079-341386DA8E2E")), Str(v)),
            ["password_hash"] = (v, c) => PasswordHash(Str(v), c),
        };

        // Python's uuid.uuid5: SHA-1 of the namespace's bytes and the name, version 5 and RFC 4122's variant set.
        private static string Uuid5(string space, string name)
        {
            var text = space.Replace("urn:", "", StringComparison.OrdinalIgnoreCase).Replace("uuid:", "", StringComparison.OrdinalIgnoreCase).Trim('{', '}').Replace("-", "", StringComparison.Ordinal);
            if (text.Length != 32 || !text.All(Uri.IsHexDigit))
            {
                throw Error($"Invalid value '{space}' for 'namespace': badly formed hexadecimal UUID string");
            }

    #pragma warning disable CA5350 // uuid5 is defined on SHA-1
            var digest = System.Security.Cryptography.SHA1.HashData([.. Convert.FromHexString(text), .. Encoding.UTF8.GetBytes(name)]);
    #pragma warning restore CA5350
            digest[6] = (byte)((digest[6] & 0x0f) | 0x50);
            digest[8] = (byte)((digest[8] & 0x3f) | 0x80);
            var hex = Convert.ToHexString(digest, 0, 16).ToLowerInvariant();
            return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
        }

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
