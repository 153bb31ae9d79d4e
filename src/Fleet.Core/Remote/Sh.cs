using System.Text;

namespace Fleet.Core.Remote;

/// <summary>Remote command text: values as POSIX shell words (through <see cref="ShellWord"/>, the one quoter), whole command lines, exact bytes.</summary>
public static class Sh
{
    /// <summary>Quotes a value as one POSIX shell word (single quotes, embedded quotes as <c>'\''</c>); see <see cref="ShellWord"/>.</summary>
    public static string Quote(string value) => ShellWord.Quote(value);

    /// <summary>Quotes every argument and joins them into one command line.</summary>
    public static string Command(params IEnumerable<string> words) => string.Join(' ', words.Select(Quote));

    /// <summary>A shell expression that writes exactly these bytes to stdout (base64, so any content is safe).</summary>
    public static string PrintBytes(ReadOnlySpan<byte> bytes) =>
        "printf '%s' " + Quote(Convert.ToBase64String(bytes)) + " | base64 -d";

    /// <summary>A shell expression that writes exactly this text (UTF-8) to stdout.</summary>
    public static string PrintText(string text) => PrintBytes(Encoding.UTF8.GetBytes(text));
}
