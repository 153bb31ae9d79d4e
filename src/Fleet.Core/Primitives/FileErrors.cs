namespace Fleet.Core;

/// <summary>A file system error as a few words of Fleet's: never the runtime's sentence, the path again, or a temporary file's name.</summary>
public static class FileErrors
{
    /// <summary>Why <paramref name="exception"/> (an I/O or access error) happened: "permission denied", "it does not exist", "read-only file system"…</summary>
    public static string Reason(Exception exception) => exception switch
    {
        UnauthorizedAccessException => "permission denied",
        FileNotFoundException => "it does not exist",
        DirectoryNotFoundException => "its directory does not exist",
        PathTooLongException => "the path is too long",
        // On Unix the runtime's text is the system's error, then " : 'PATH'": keep the error, lower-cased as Fleet's messages are.
        IOException io when io.Message.IndexOf(" : '", StringComparison.Ordinal) is > 0 and var end => Lower(io.Message[..end]),
        IOException io when io.Message.Length > 0 && !io.Message.Contains('\'', StringComparison.Ordinal) => Lower(io.Message.TrimEnd('.')),
        _ => "input/output error",
    };

    private static string Lower(string text) => text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..];
}
