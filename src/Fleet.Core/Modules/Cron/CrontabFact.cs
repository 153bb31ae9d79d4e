using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Cron;

/// <summary>Whether a user's crontab could be read.</summary>
public enum CrontabStatus
{
    /// <summary>Read (an absent crontab reads as empty text).</summary>
    Read,
    /// <summary>No <c>crontab</c> command on the host.</summary>
    NoCrontabCommand,
    /// <summary>The user does not exist.</summary>
    NoSuchUser,
    /// <summary><c>crontab -l</c> failed for another reason (its message is kept): never treated as empty, so nothing is overwritten.</summary>
    Error,
}

/// <summary>A user's crontab as <c>crontab -l</c> prints it.</summary>
/// <param name="Status">Whether it was read.</param>
/// <param name="Text">The crontab's exact text; empty when the user has none.</param>
/// <param name="Message">Why it could not be read, for <see cref="CrontabStatus.Error"/>.</param>
public sealed record CrontabState(CrontabStatus Status, string Text, string? Message = null);

/// <summary>
/// Reads a user's crontab with <c>crontab -l -u USER</c> (the effective user's without <paramref name="User"/>), in base64 so the
/// text comes back byte for byte. "no crontab for USER" is an empty crontab; any other failure is kept as an error.
/// </summary>
/// <param name="User">Whose crontab, or null for the user the task runs as.</param>
public sealed record CrontabFact(string? User) : Fact<CrontabState>
{
    /// <summary>Where Debian's cron keeps user crontabs.</summary>
    public const string SpoolDirectory = "/var/spool/cron/crontabs";

    /// <inheritdoc />
    public override string Description => User is null ? "crontab" : $"crontab for user {User}";

    /// <summary>The crontab's file in the spool, or the spool itself when the user is the one the task runs as.</summary>
    public Subject Subject => User is null ? Facts.Subject.Tree(SpoolDirectory) : Facts.Subject.Path($"{SpoolDirectory}/{User}");

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => User is null ? [Subject] : [Subject, Facts.Subject.User(User)];

    /// <inheritdoc />
    public override string Command
    {
        get
        {
            var list = User is null ? "crontab -l" : $"crontab -l -u {Sh.Quote(User)}";
            var userCheck = User is null ? "" : $"id -u {Sh.Quote(User)} >/dev/null 2>&1 || {{ echo nouser; exit 0; }}\n";
            return $"""
                command -v crontab >/dev/null 2>&1 || {"{"} echo nocrontab; exit 0; {"}"}
                {userCheck}if {list} >/dev/null 2>&1; then echo ok; {list} | base64 -w0; echo; else echo error; {list} 2>&1 | head -n 1; fi
                """;
        }
    }

    /// <inheritdoc />
    public override CrontabState Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = stdout.Split('\n');
        switch (lines[0].Trim())
        {
            case "nocrontab":
                return new CrontabState(CrontabStatus.NoCrontabCommand, "");
            case "nouser":
                return new CrontabState(CrontabStatus.NoSuchUser, "");
            case "ok":
                return new CrontabState(CrontabStatus.Read, Encoding.UTF8.GetString(Convert.FromBase64String(lines.Length > 1 ? lines[1].Trim() : "")));
            case "error":
                var message = lines.Length > 1 ? lines[1].Trim() : "";
                return message.StartsWith("no crontab for ", StringComparison.Ordinal)
                    ? new CrontabState(CrontabStatus.Read, "")
                    : new CrontabState(CrontabStatus.Error, "", message.Length == 0 ? "crontab -l failed" : message);
            default:
                throw new FormatException("unexpected crontab fact output: " + lines[0]);
        }
    }
}
