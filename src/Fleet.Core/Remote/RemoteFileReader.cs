namespace Fleet.Core.Remote;

/// <summary>
/// The one way a host file's bytes reach the controller, the reverse of <see cref="RemoteFileWriter"/>: a script prints them in
/// base64 on stdout (any content survives the text channel) and the controller decodes that output.
/// </summary>
public static class RemoteFileReader
{
    /// <summary>The command that prints the file at a path already quoted for the shell, in base64 on one line.</summary>
    public static string Print(string quotedPath) => $"base64 -w0 {quotedPath}";

    /// <summary>A whole script that prints <paramref name="path"/>'s bytes for <see cref="Decode"/>; it fails when the file cannot be read.</summary>
    public static string Script(string path) => $"set -e\n{Print(Sh.Quote(path))}\necho\n";

    /// <summary>The bytes that <see cref="Print"/> printed.</summary>
    public static byte[] Decode(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        return Convert.FromBase64String(stdout.Trim());
    }
}
