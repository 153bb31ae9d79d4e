namespace Fleet.Core.Remote;

/// <summary>
/// How a transport wraps a command that becomes another user, as Ansible's sudo plugin does: <c>sudo -H -S -n -u USER</c>, and
/// <c>-S -p ''</c> without <c>-n</c> when a password goes on stdin. Root from root needs no sudo (a host may not have it).
/// </summary>
public static class Sudo
{
    /// <summary>True when a command of <paramref name="loginUser"/> that becomes <paramref name="becomeUser"/> (null: root) goes through sudo.</summary>
    public static bool Needed(bool become, string loginUser, string? becomeUser) =>
        become && (becomeUser is not null && becomeUser != "root" ? becomeUser != loginUser : loginUser != "root");

    /// <summary>
    /// The words before <c>sh -c …</c> (with a trailing space), or empty when sudo is not <see cref="Needed"/>.
    /// <paramref name="password"/>: a password will be written on stdin, so sudo reads it there and prints no prompt.
    /// </summary>
    public static string Prefix(bool become, string loginUser, string? becomeUser, bool password)
    {
        if (!Needed(become, loginUser, becomeUser))
        {
            return "";
        }

        var user = becomeUser is null or "root" ? "" : "-u " + Sh.Quote(becomeUser) + " ";
        // The root prefixes stay those Fleet always sent; another user gets Ansible's -H (HOME of that user).
        return (password, user.Length > 0) switch
        {
            (false, false) => "sudo -n ",
            (true, false) => "sudo -S -p '' ",
            (false, true) => "sudo -H -S -n " + user,
            (true, true) => "sudo -H -S -p '' " + user,
        };
    }

    /// <summary>True when sudo will read the password from stdin: it runs, the login user is not root, and there is a password.</summary>
    public static bool ReadsPassword(bool become, string loginUser, string? becomeUser, bool password) =>
        password && loginUser != "root" && Needed(become, loginUser, becomeUser);
}
