using System.Text.RegularExpressions;

namespace Fleet.Core.Remote;

/// <summary>
/// How a transport wraps a command that becomes another user, as Ansible's sudo plugin does: <c>sudo -H -S -n -u USER</c>, and
/// <c>-S -p ''</c> without <c>-n</c> when a password goes on stdin. Root from root needs no sudo (a host may not have it).
/// <c>become_flags</c> replace Ansible's default flags, as in Ansible; with a password <c>-n</c> leaves them (Ansible's rewrite)
/// and <c>-S</c> joins them, since Fleet writes the password on stdin and has no terminal for sudo to ask on.
/// </summary>
public static partial class Sudo
{
    /// <summary>True when a command of <paramref name="loginUser"/> that becomes <paramref name="becomeUser"/> (null: root) goes through sudo.</summary>
    public static bool Needed(bool become, string loginUser, string? becomeUser) =>
        become && (becomeUser is not null && becomeUser != "root" ? becomeUser != loginUser : loginUser != "root");

    /// <summary>
    /// The words before <c>sh -c …</c> (with a trailing space), or empty when sudo is not <see cref="Needed"/>.
    /// <paramref name="password"/>: a password will be written on stdin, so sudo reads it there and prints no prompt.
    /// <paramref name="flags"/>: the <c>become_flags</c> words, or null for Ansible's defaults.
    /// </summary>
    public static string Prefix(bool become, string loginUser, string? becomeUser, bool password, IReadOnlyList<string>? flags = null) =>
        Needed(become, loginUser, becomeUser) ? string.Concat(Words(becomeUser, password, flags).Select(w => Sh.Quote(w) + " ")) : "";

    /// <summary>sudo and its arguments, unquoted (for a process started without a shell), for a command that <see cref="Needed"/> it.</summary>
    public static IReadOnlyList<string> Words(string? becomeUser, bool password, IReadOnlyList<string>? flags = null)
    {
        var user = becomeUser is null or "root" ? [] : new[] { "-u", becomeUser };
        if (flags is null)
        {
            // The root prefixes stay those Fleet always sent; another user gets Ansible's -H (HOME of that user).
            string[] defaults = (password, user.Length > 0) switch
            {
                (false, false) => ["-n"],
                (true, false) => ["-S", "-p", ""],
                (false, true) => ["-H", "-S", "-n"],
                (true, true) => ["-H", "-S", "-p", ""],
            };
            return ["sudo", .. defaults, .. user];
        }

        if (!password)
        {
            return ["sudo", .. flags, .. user];
        }

        var kept = flags.Where(f => f is not ("-n" or "--non-interactive")).Select(f => f.StartsWith("--", StringComparison.Ordinal) ? f : NonInteractive().Replace(f, "$1$2", 1)).ToList();
        var stdin = kept.Any(f => f == "--stdin" || StdinCluster().IsMatch(f));
        return ["sudo", .. kept, .. stdin ? [] : new[] { "-S" }, "-p", "", .. user];
    }

    /// <summary>True when sudo will read the password from stdin: it runs, the login user is not root, and there is a password.</summary>
    public static bool ReadsPassword(bool become, string loginUser, string? becomeUser, bool password) =>
        password && loginUser != "root" && Needed(become, loginUser, becomeUser);

    /// <summary>Ansible's rewrite of a short-flag cluster with a password: its first <c>n</c> removed (<c>-Hn</c> → <c>-H</c>).</summary>
    [GeneratedRegex(@"^(-\w*)n(\w*.*)$")]
    private static partial Regex NonInteractive();

    [GeneratedRegex(@"^-[A-Za-z]*S[A-Za-z]*$")]
    private static partial Regex StdinCluster();
}
