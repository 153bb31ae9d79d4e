using System.Text;

namespace Fleet.Core.Remote;

/// <summary>The one place that turns values into POSIX shell words; user values never reach a shell any other way.</summary>
public static class Sh
{
    /// <summary>Quotes a value as one POSIX shell word (single quotes, embedded quotes escaped).</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > 0 && value.All(IsSafe))
        {
            return value;
        }

        return "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>Quotes every argument and joins them into one command line.</summary>
    public static string Command(params IEnumerable<string> words) => string.Join(' ', words.Select(Quote));

    /// <summary>A shell expression that writes exactly these bytes to stdout (base64, so any content is safe).</summary>
    public static string PrintBytes(ReadOnlySpan<byte> bytes) =>
        "printf '%s' " + Quote(Convert.ToBase64String(bytes)) + " | base64 -d";

    /// <summary>A shell expression that writes exactly this text (UTF-8) to stdout.</summary>
    public static string PrintText(string text) => PrintBytes(Encoding.UTF8.GetBytes(text));

    private static bool IsSafe(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.' or '/' or ':' or '=' or ',' or '+' or '@' or '%';
}
