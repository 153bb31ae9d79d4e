using System.Globalization;
using System.Text;

namespace Fleet.Core.Templating;

public static partial class Filters
{
    /// <summary>The scheme and network location Python's urlsplit finds in <paramref name="url"/>, or null where it raises.</summary>
    internal static (string Scheme, string Netloc)? UrlSchemeAndNetloc(string url) => Urls.SchemeAndNetloc(url);

    /// <summary>URL filters: Ansible's <c>urlsplit</c> (Python's <c>urllib.parse.urlsplit</c>) and <c>urldecode</c>, Jinja's <c>urlencode</c>.</summary>
    private static class Urls
    {
        private static readonly string[] Components = ["fragment", "hostname", "netloc", "password", "path", "port", "query", "scheme", "username"];

        public static readonly Dictionary<string, Filter> All = new(StringComparer.Ordinal)
        {
            ["urlsplit"] = (v, c) => UrlSplit(Str(v), Str(c.Get(0, "query", ""))),
            ["urldecode"] = (v, _) => Unquote(Str(v).Replace('+', ' ')),
            ["urlencode"] = (v, _) => UrlEncode(v),
        };

        /// <summary>The scheme and network location Python's urlsplit finds, or null where it raises (for the <c>uri</c>/<c>url</c> tests).</summary>
        public static (string Scheme, string Netloc)? SchemeAndNetloc(string url)
        {
            try
            {
                var parts = Split(url);
                return ((string)parts["scheme"]!, (string)parts["netloc"]!);
            }
            catch (FleetInputException)
            {
                return null;
            }
        }

        private static object? UrlSplit(string url, string query)
        {
            var parts = Split(url);
            if (query.Length == 0)
            {
                return parts;
            }

            return parts.TryGetValue(query, out var part) ? part : throw Error($"urlsplit: unknown URL component: {query}");
        }

        // Python 3.11's urlsplit and its SplitResult properties, in the order dir() lists them (which Ansible's dict keeps).
        private static Dictionary<string, object?> Split(string url)
        {
            url = url.TrimStart(Enumerable.Range(0, 33).Select(i => (char)i).ToArray()).Replace("\t", "", StringComparison.Ordinal)
                .Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
            string scheme = "", netloc = "", query = "", fragment = "";
            var colon = url.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && char.IsAsciiLetter(url[0]) && url[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
            {
                scheme = url[..colon].ToLowerInvariant();
                url = url[(colon + 1)..];
            }

            if (url.StartsWith("//", StringComparison.Ordinal))
            {
                var end = url.IndexOfAny(['/', '?', '#'], 2);
                end = end < 0 ? url.Length : end;
                netloc = url[2..end];
                url = url[end..];
                if (netloc.Contains('[', StringComparison.Ordinal) != netloc.Contains(']', StringComparison.Ordinal))
                {
                    throw Error("urlsplit: Invalid IPv6 URL");
                }
            }

            if (url.IndexOf('#', StringComparison.Ordinal) is var hash and >= 0)
            {
                fragment = url[(hash + 1)..];
                url = url[..hash];
            }

            if (url.IndexOf('?', StringComparison.Ordinal) is var mark and >= 0)
            {
                query = url[(mark + 1)..];
                url = url[..mark];
            }

            var at = netloc.LastIndexOf('@');
            string? username = null, password = null;
            if (at >= 0)
            {
                var info = netloc[..at];
                var split = info.IndexOf(':', StringComparison.Ordinal);
                username = split < 0 ? info : info[..split];
                password = split < 0 ? null : info[(split + 1)..];
            }

            var (hostname, port) = HostAndPort(netloc[(at + 1)..]);
            var parts = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["fragment"] = fragment, ["hostname"] = hostname, ["netloc"] = netloc, ["password"] = password, ["path"] = url,
                ["port"] = port, ["query"] = query, ["scheme"] = scheme, ["username"] = username,
            };
            return Components.ToDictionary(name => name, name => parts[name], StringComparer.Ordinal);
        }

        private static (string? Hostname, long? Port) HostAndPort(string hostinfo)
        {
            string host, port;
            var open = hostinfo.IndexOf('[', StringComparison.Ordinal);
            if (open >= 0)
            {
                var bracketed = hostinfo[(open + 1)..];
                var close = bracketed.IndexOf(']', StringComparison.Ordinal);
                host = close < 0 ? bracketed : bracketed[..close];
                var rest = close < 0 ? "" : bracketed[(close + 1)..];
                port = rest.IndexOf(':', StringComparison.Ordinal) is var c and >= 0 ? rest[(c + 1)..] : "";
            }
            else
            {
                var c = hostinfo.IndexOf(':', StringComparison.Ordinal);
                host = c < 0 ? hostinfo : hostinfo[..c];
                port = c < 0 ? "" : hostinfo[(c + 1)..];
            }

            var percent = host.IndexOf('%', StringComparison.Ordinal);
            string? hostname = host.Length == 0 ? null : percent < 0 ? host.ToLowerInvariant() : host[..percent].ToLowerInvariant() + host[percent..];
            if (port.Length == 0)
            {
                return (hostname, null);
            }

            if (!port.All(char.IsAsciiDigit) || !long.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                throw Error($"urlsplit: Port could not be cast to integer value as {Values.Repr(port)}");
            }

            return number <= 65535 ? (hostname, number) : throw Error("urlsplit: Port out of range 0-65535");
        }

        // Python's unquote: %XX sequences are UTF-8 bytes, invalid sequences are replaced, a lone % stays.
        private static string Unquote(string text)
        {
            if (!text.Contains('%', StringComparison.Ordinal))
            {
                return text;
            }

            var bytes = new List<byte>();
            var result = new StringBuilder(text.Length);
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] == '%' && i + 2 < text.Length && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]))
                {
                    bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                    i += 2;
                    continue;
                }

                result.Append(Encoding.UTF8.GetString(bytes.ToArray()));
                bytes.Clear();
                result.Append(text[i]);
            }

            return result.Append(Encoding.UTF8.GetString(bytes.ToArray())).ToString();
        }

        // Jinja's urlencode: a text quoted keeping '/', a map or a list of pairs as a query string.
        private static string UrlEncode(object? value) => value switch
        {
            IReadOnlyDictionary<string, object?> map => string.Join("&", map.Select(kv => $"{Quote(kv.Key, true)}={Quote(Str(kv.Value), true)}")),
            IReadOnlyList<object?> pairs => string.Join("&", pairs.Select(p => Values.Iterate(p) is { Count: 2 } kv
                ? $"{Quote(Str(kv[0]), true)}={Quote(Str(kv[1]), true)}"
                : throw Error("urlencode: a list must hold (key, value) pairs"))),
            _ => Quote(Str(value), false),
        };

        // Python's quote_from_bytes: letters, digits and _.-~ stay, and '/' unless quoting for a query string (where a space is '+').
        private static string Quote(string text, bool forQuery)
        {
            var result = new StringBuilder();
            foreach (var b in Encoding.UTF8.GetBytes(text))
            {
                var c = (char)b;
                if (char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '~' || (c == '/' && !forQuery))
                {
                    result.Append(c);
                }
                else if (c == ' ' && forQuery)
                {
                    result.Append('+');
                }
                else
                {
                    result.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }

            return result.ToString();
        }
    }
}
