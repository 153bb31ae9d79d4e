using System.Globalization;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Users;

/// <summary>A local account as <c>getent passwd</c> and <c>getent shadow</c> show it.</summary>
/// <param name="Name">Login name.</param>
/// <param name="Uid">User id.</param>
/// <param name="Gid">Primary group id.</param>
/// <param name="Comment">The GECOS field.</param>
/// <param name="Home">Home directory.</param>
/// <param name="Shell">Login shell.</param>
/// <param name="PasswordHash">The shadow password field, or null when shadow could not be read (no root).</param>
/// <param name="HomeExists">The home directory exists.</param>
/// <param name="Aging">The shadow entry's password ageing, or null when shadow could not be read (no root).</param>
public sealed record Account(string Name, long Uid, long Gid, string Comment, string Home, string Shell, string? PasswordHash, bool HomeExists, PasswordAging? Aging = null);

/// <summary>The password ageing fields of a shadow entry (fields 4, 5, 6 and 8); an empty field reads as -1, as Python's spwd (and so Ansible) reads it.</summary>
/// <param name="MinDays">Minimum days between password changes (chage -m).</param>
/// <param name="MaxDays">Maximum days a password is valid (chage -M).</param>
/// <param name="WarnDays">Days of warning before the password expires (chage -W).</param>
/// <param name="ExpireDays">The day the account expires, in days since the epoch (usermod -e); -1 when it never does.</param>
public sealed record PasswordAging(long MinDays, long MaxDays, long WarnDays, long ExpireDays = -1)
{
    /// <summary>The ageing fields of a shadow line's fields (name first), or null when the line is too short.</summary>
    public static PasswordAging? FromShadow(IReadOnlyList<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return fields.Count < 6 ? null : new PasswordAging(Days(fields[3]), Days(fields[4]), Days(fields[5]), fields.Count > 7 ? Days(fields[7]) : -1);
    }

    private static long Days(string field) =>
        long.TryParse(field, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var days) ? days : -1;
}

/// <summary>What <see cref="UserFact"/> found.</summary>
/// <param name="Account">The account, or null when there is no such user.</param>
/// <param name="RequestedHomeExists">Whether the task's <c>home</c> exists (null when the task names none).</param>
public sealed record UserState(Account? Account, bool? RequestedHomeExists);

/// <summary>
/// Reads one user with <c>getent passwd</c> and <c>getent shadow</c> (root-only; without become the password is unknown), and
/// whether the home directory (and the task's <c>home</c>, when given) exists. The group memberships come from
/// <see cref="GroupsFact"/>, read in the same batch.
/// </summary>
/// <param name="Name">Login name.</param>
/// <param name="Home">The home the task asks for, or null.</param>
public sealed record UserFact(string Name, string? Home = null) : Fact<UserState>
{
    /// <inheritdoc />
    public override string Description => "user " + Name;

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects =>
        Home is null ? [Subject.User(Name)] : [Subject.User(Name), Subject.Path(Home)];

    /// <inheritdoc />
    public override string Command
    {
        get
        {
            var name = Sh.Quote(Name);
            var script = new StringBuilder();
            script.Append(CultureInfo.InvariantCulture, $"if e=$(getent passwd -- {name}); then\n");
            script.Append("  printf 'passwd:%s\\n' \"$e\"\n");
            script.Append(CultureInfo.InvariantCulture, $"  if s=$(getent shadow -- {name}); then printf 'shadow:%s\\n' \"$s\"; fi\n");
            script.Append("  h=${e#*:*:*:*:*:}; h=${h%%:*}\n");
            script.Append("  if [ -d \"$h\" ]; then echo home:yes; else echo home:no; fi\n");
            script.Append("fi\n");
            if (Home is not null)
            {
                script.Append(CultureInfo.InvariantCulture, $"if [ -d {Sh.Quote(Home)} ]; then echo requested-home:yes; else echo requested-home:no; fi\n");
            }

            return script.ToString();
        }
    }

    /// <inheritdoc />
    public override UserState Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        string[]? passwd = null;
        string? hash = null;
        PasswordAging? aging = null;
        bool homeExists = false;
        bool? requestedHome = null;
        foreach (var line in stdout.Split('\n'))
        {
            if (line.StartsWith("passwd:", StringComparison.Ordinal))
            {
                passwd = line[7..].Split(':');
            }
            else if (line.StartsWith("shadow:", StringComparison.Ordinal))
            {
                var fields = line[7..].Split(':');
                hash = fields.Length > 1 ? fields[1] : null;
                aging = PasswordAging.FromShadow(fields);
            }
            else if (line.StartsWith("home:", StringComparison.Ordinal))
            {
                homeExists = line == "home:yes";
            }
            else if (line.StartsWith("requested-home:", StringComparison.Ordinal))
            {
                requestedHome = line == "requested-home:yes";
            }
        }

        // getent passwd also answers a number with the user of that uid: only an entry of this very name is this user.
        if (passwd is null || passwd.Length < 7 || passwd[0] != Name)
        {
            return new UserState(null, requestedHome);
        }

        var account = new Account(
            passwd[0],
            long.Parse(passwd[2], CultureInfo.InvariantCulture),
            long.Parse(passwd[3], CultureInfo.InvariantCulture),
            passwd[4],
            passwd[5],
            passwd[6],
            hash,
            homeExists,
            aging);
        return new UserState(account, requestedHome);
    }
}

/// <summary>A group as <c>getent group</c> shows it.</summary>
/// <param name="Name">Group name.</param>
/// <param name="Gid">Group id.</param>
/// <param name="Members">The users listed as members (supplementary membership).</param>
public sealed record GroupEntry(string Name, long Gid, IReadOnlyList<string> Members);

/// <summary>Every group of the host.</summary>
/// <param name="Groups">The groups in the order getent lists them.</param>
public sealed record GroupTable(IReadOnlyList<GroupEntry> Groups)
{
    /// <summary>The group named <paramref name="nameOrGid"/>, or else the one with that number as its gid (as Ansible and usermod read it).</summary>
    public GroupEntry? Find(string nameOrGid)
    {
        ArgumentNullException.ThrowIfNull(nameOrGid);
        return Groups.FirstOrDefault(g => g.Name == nameOrGid)
            ?? (long.TryParse(nameOrGid, NumberStyles.None, CultureInfo.InvariantCulture, out var gid) ? Groups.FirstOrDefault(g => g.Gid == gid) : null);
    }

    /// <summary>The groups that list <paramref name="user"/> as a member, by name.</summary>
    public IReadOnlyList<string> MembershipOf(string user) =>
        Groups.Where(g => g.Members.Contains(user)).Select(g => g.Name).ToList();
}

/// <summary>
/// Reads every group with one <c>getent group</c>: the group module's state and the user module's memberships (a group's member list
/// names users, so a change to a user makes it stale as well).
/// </summary>
public sealed record GroupsFact : Fact<GroupTable>
{
    /// <inheritdoc />
    public override string Description => "groups";

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Group(null), Subject.User(null)];

    /// <inheritdoc />
    public override string Command => "getent group";

    /// <inheritdoc />
    public override GroupTable Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var groups = new List<GroupEntry>();
        foreach (var line in stdout.Split('\n'))
        {
            var fields = line.Split(':');
            if (fields.Length < 4 || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
            {
                continue;
            }

            groups.Add(new GroupEntry(fields[0], gid, fields[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        }

        return new GroupTable(groups);
    }
}
