namespace Fleet.Core;

/// <summary>How a single quote inside a quoted shell word is written; a POSIX shell reads both the same.</summary>
public enum QuoteEscape
{
    /// <summary><c>'\''</c>: close the quotes, a backslash-escaped quote, reopen (Fleet's remote commands).</summary>
    Backslash,

    /// <summary><c>'"'"'</c>: close the quotes, a double-quoted quote, reopen (Python's <c>shlex.quote</c>, so Ansible's <c>quote</c> filter).</summary>
    DoubleQuotes,
}

/// <summary>The one POSIX shell quoter: any value as exactly one shell word, so user values never reach a shell unquoted.</summary>
public static class ShellWord
{
    /// <summary>
    /// <paramref name="value"/> as one shell word: bare when it is not empty and every character is safe (ASCII letters and digits and
    /// <c>_ @ % + = : , . / -</c>, Python's <c>shlex</c> set), else in single quotes with embedded quotes written as <paramref name="escape"/> says.
    /// </summary>
    public static string Quote(string value, QuoteEscape escape = QuoteEscape.Backslash)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > 0 && value.All(IsSafe))
        {
            return value;
        }

        var quote = escape == QuoteEscape.DoubleQuotes ? "'\"'\"'" : "'\\''";
        return "'" + value.Replace("'", quote, StringComparison.Ordinal) + "'";
    }

    private static bool IsSafe(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.' or '/' or ':' or '=' or ',' or '+' or '@' or '%';
}
