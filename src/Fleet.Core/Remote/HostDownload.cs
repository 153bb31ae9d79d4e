using System.Globalization;

namespace Fleet.Core.Remote;

/// <summary>
/// The shell text that downloads a URL on the host itself (Ansible's modules fetch on the host, not the controller): curl when the
/// host has it, else wget; a <c>file://</c> URL is copied. A failure calls the caller's <c>fail REASON</c> function.
/// </summary>
public static class HostDownload
{
    /// <summary>The download of <paramref name="url"/> into the file the shell word <paramref name="target"/> names.</summary>
    /// <param name="url">An absolute http, https, ftp or file URL.</param>
    /// <param name="target">The destination as a shell word (quoted, or a variable like "$t").</param>
    /// <param name="timeoutSeconds">The limit for the connection and the whole transfer, or null for the tools' own.</param>
    /// <param name="validateCerts">Check the server's TLS certificate (false: curl -k, wget --no-check-certificate).</param>
    public static string Script(Uri url, string target, long? timeoutSeconds = null, bool validateCerts = true)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Scheme == "file")
        {
            var source = Sh.Quote(url.LocalPath);
            return $"[ -f {source} ] || fail 'no such file on the host'\ncat {source} > {target} || fail 'cannot read the file'\n";
        }

        var u = Sh.Quote(url.OriginalString);
        var curlLimit = timeoutSeconds is { } t ? string.Create(CultureInfo.InvariantCulture, $" --connect-timeout {t} --max-time {t}") : "";
        var wgetLimit = timeoutSeconds is { } w ? string.Create(CultureInfo.InvariantCulture, $" -T {w}") : "";
        // curl's reason is its first line (a TLS failure adds advice after it); wget's is its last.
        return $$"""
            if command -v curl >/dev/null 2>&1; then
              err=$(curl -fsSL{{(validateCerts ? "" : " -k")}}{{curlLimit}} -o {{target}} -- {{u}} 2>&1) || fail "$(printf '%s' "$err" | head -n 1)"
            elif command -v wget >/dev/null 2>&1; then
              err=$(wget -q{{(validateCerts ? "" : " --no-check-certificate")}}{{wgetLimit}} -t 1 -O {{target}} -- {{u}} 2>&1) || fail "wget failed (exit $?) $(printf '%s' "$err" | tail -n 1)"
            else
              fail 'neither curl nor wget is installed on the host'
            fi

            """;
    }
}
