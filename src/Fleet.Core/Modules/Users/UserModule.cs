using System.Globalization;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Users;

/// <summary>
/// <c>user</c> (ansible.builtin.user): a local account with Ansible's semantics. A missing user is created with one <c>useradd</c>;
/// an existing one is changed with one <c>usermod</c> carrying only the fields that differ (and nothing runs when none differs);
/// <c>state: absent</c> runs <c>userdel</c>. <c>password</c> is a crypt hash compared with the shadow entry as text; the password ageing
/// fields are set with one <c>chage</c> carrying only those that differ from the shadow entry.
/// </summary>
public sealed partial class UserModule : Module
{
    /// <inheritdoc />
    public override string Name => "user";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("name", ParameterType.String, "The login name.", Required: true, Aliases: ["user"]),
        new("state", ParameterType.String, "present or absent. The default value is present.", Choices: ["present", "absent"]),
        new("uid", ParameterType.Int, "The user id. The default is the next free id (new users) or the current one."),
        new("group", ParameterType.String, "Primary group (name or gid); it must exist. The default is a new group of the user's name (new users) or the current one."),
        new("groups", ParameterType.StringList, "Supplementary groups; they must exist. With append: false the user is in exactly these ([] removes all). The default leaves memberships alone."),
        new("append", ParameterType.Bool, "Add the user to groups without removing other memberships. The default value is false."),
        new("comment", ParameterType.String, "The GECOS field (full name). The default keeps the current one."),
        new("home", ParameterType.String, "Home directory. The default is /home/NAME (new users) or the current one.", HostPath: true),
        new("move_home", ParameterType.Bool, "When home changes, move the old home's content there (usermod -m). The default value is false."),
        new("shell", ParameterType.String, "Login shell. The default is useradd's (new users) or the current one."),
        new("system", ParameterType.Bool, "Create a system account (useradd -r); only applies when the user is created. The default value is false."),
        new("create_home", ParameterType.Bool, "Create the home directory (from /etc/skel) when the user is created or the home is missing. The default value is true.", Aliases: ["createhome"]),
        new("password", ParameterType.String, "The password as a crypt(3) hash (e.g. from password_hash), compared as text with the shadow entry. The default leaves it alone."),
        new("update_password", ParameterType.String, "always: set password when it differs; on_create: only for new users. The default value is always.", Choices: ["always", "on_create"]),
        new("password_lock", ParameterType.Bool, "Lock (true) or unlock (false) the password (usermod -L/-U). The default leaves it alone."),
        new("password_expire_min", ParameterType.Int, "Minimum days between password changes (shadow field 4, chage -m). The default leaves it alone."),
        new("password_expire_max", ParameterType.Int, "Maximum days a password is valid (shadow field 5, chage -M). The default leaves it alone."),
        new("password_expire_warn", ParameterType.Int, "Days of warning before the password expires (shadow field 6, chage -W). The default leaves it alone."),
        new("expires", ParameterType.String, "When the account expires, in seconds since the epoch (a number; its UTC day counts, as Ansible's): usermod -e YYYY-MM-DD, shadow field 8; a negative number removes the expiry. The default leaves it alone."),
        new("remove", ParameterType.Bool, "With state: absent, also remove the home directory and mail spool (userdel -r). The default value is false."),
        new("force", ParameterType.Bool, "With state: absent, remove the user even while logged in (userdel -f). The default value is false."),
    ];

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        return [new UserFact(args.GetRequiredString("name"), args.GetString("home")), new GroupsFact()];
    }

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        var name = args.GetRequiredString("name");
        if (!IsValidName(name))
        {
            return new PlanFailure($"invalid user name '{name}'");
        }

        var state = facts.Get(new UserFact(name, args.GetString("home")));
        var groups = facts.Get(new GroupsFact());
        if (args.GetString("state") == "absent")
        {
            return Remove(name, state.Account, args);
        }

        var warnings = args.GetString("password") is { } password && !LooksHashed(password)
            ? ["the password appears not to be hashed: password must be a crypt hash (use the password_hash filter), not the clear text"]
            : Array.Empty<string>();
        var plan = state.Account is null ? Create(name, groups, args) : Modify(state, groups, args);
        return plan with { Warnings = warnings };
    }

    /// <summary>True for a name useradd could accept and no command could read as an option.</summary>
    internal static bool IsValidName(string name) =>
        name.Length > 0 && !name.StartsWith('-') && !name.Any(c => c is ':' or ',' or '/' || char.IsWhiteSpace(c) || char.IsControl(c));

    private static TaskPlan Remove(string name, Account? account, ModuleArguments args)
    {
        if (account is null)
        {
            return new NoChange($"user {name} does not exist") { Data = Data(name, "absent") };
        }

        var remove = args.GetBool("remove", false);
        var command = new List<string> { "userdel" };
        if (args.GetBool("force", false))
        {
            command.Add("-f");
        }

        if (remove)
        {
            command.Add("-r");
        }

        command.AddRange(["--", name]);
        var touches = new List<Subject> { Subject.User(name), Subject.Group(name) };
        if (remove)
        {
            touches.Add(Subject.Tree(account.Home));
        }

        var change = remove ? $"user {name} removed with its home {account.Home}" : $"user {name} removed";
        return new Change([change], "set -e\n" + Sh.Command(command) + "\n", touches) { Data = Data(name, "absent") };
    }

    private static TaskPlan Create(string name, GroupTable groups, ModuleArguments args)
    {
        var command = new List<string> { "useradd" };
        var details = new List<string>();
        if (args.GetInt("uid") is { } uid)
        {
            command.AddRange(["-u", Text(uid)]);
            details.Add("uid " + Text(uid));
        }

        GroupEntry? primary = null;
        if (args.GetString("group") is { } group)
        {
            primary = groups.Find(group);
            if (primary is null)
            {
                return new PlanFailure($"group {group} does not exist");
            }

            command.AddRange(["-g", group]);
            details.Add("group " + primary.Name);
        }
        else if (groups.Groups.Any(g => g.Name == name))
        {
            // A group of the user's name exists: useradd would refuse to create it again (USERGROUPS_ENAB), so do as Ansible: -N.
            command.Add("-N");
        }

        if (args.GetList("groups") is { Count: > 0 } wanted)
        {
            var resolved = Resolve(wanted, groups, out var missing);
            if (missing is not null)
            {
                return new PlanFailure($"group {missing} does not exist");
            }

            var supplementary = resolved.Where(g => primary is null || g.Gid != primary.Gid).Select(g => g.Name).ToList();
            if (supplementary.Count > 0)
            {
                command.AddRange(["-G", string.Join(',', supplementary)]);
                details.Add("groups " + string.Join(',', supplementary));
            }
        }

        AddIfGiven(command, details, args, "comment", "-c");
        var home = args.GetString("home");
        AddIfGiven(command, details, args, "home", "-d");
        AddIfGiven(command, details, args, "shell", "-s");
        if (!TryExpiry(args, out var expiry, out var invalid))
        {
            return new PlanFailure(invalid!);
        }

        if (expiry is { } day)
        {
            command.AddRange(["-e", ExpiryDate(day)]);
            details.Add(day < 0 ? "no expiry" : "expires " + ExpiryDate(day));
        }

        if (args.GetString("password") is { } password)
        {
            command.AddRange(["-p", args.GetBool("password_lock") == true ? "!" + password : password]);
            details.Add("password set");
        }

        var createHome = args.GetBool("create_home", true);
        command.Add(createHome ? "-m" : "-M");
        if (args.GetBool("system", false))
        {
            command.Add("-r");
            details.Add("system account");
        }

        command.AddRange(["--", name]);
        var script = new StringBuilder("set -e\n");
        if (home is not null && createHome && Parent(home) is { } parent)
        {
            // useradd -m creates the home but not its parents (Ansible creates them first too).
            script.Append(CultureInfo.InvariantCulture, $"mkdir -p -- {Sh.Quote(parent)}\n");
        }

        script.Append(Sh.Command(command)).Append('\n');
        if (Chage(name, null, args, details) is { } chage)
        {
            // As Ansible: useradd has no ageing options, so chage sets them once the user exists.
            script.Append(chage).Append('\n');
        }

        var touches = new List<Subject> { Subject.User(name), Subject.Group(name), Subject.Tree(home ?? "/home/" + name) };
        touches.AddRange((args.GetList("groups") ?? []).Select(g => Subject.Group(g)));
        var change = details.Count == 0 ? $"user {name} created" : $"user {name} created ({string.Join(", ", details)})";
        return new Change([change], script.ToString(), touches) { Data = Data(name, "present") };
    }

    /// <summary>The groups by name or gid; <paramref name="missing"/> is the first that does not exist.</summary>
    private static List<GroupEntry> Resolve(IReadOnlyList<string> names, GroupTable groups, out string? missing)
    {
        missing = null;
        var resolved = new List<GroupEntry>();
        foreach (var name in names.Where(n => n.Length > 0))
        {
            if (groups.Find(name) is not { } entry)
            {
                missing = name;
                return [];
            }

            resolved.Add(entry);
        }

        return resolved;
    }

    private static void AddIfGiven(List<string> command, List<string> details, ModuleArguments args, string parameter, string option)
    {
        if (args.GetString(parameter) is { } value)
        {
            command.AddRange([option, value]);
            details.Add($"{parameter} {value}");
        }
    }

    /// <summary>The parent directory of an absolute path, or null for / and relative paths.</summary>
    private static string? Parent(string path)
    {
        var trimmed = path.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash > 0 ? trimmed[..slash] : null;
    }

    private static string GroupName(GroupTable groups, long gid) => groups.Groups.FirstOrDefault(g => g.Gid == gid)?.Name ?? Text(gid);

    private static string Show(IReadOnlyList<string> groups) => groups.Count == 0 ? "(none)" : string.Join(',', groups);

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Ansible's check: a crypt hash has $id$…$ fields and none of : * !; '*' and '!' alone disable the password.</summary>
    internal static bool LooksHashed(string password)
    {
        if (password is "*" or "!" or "*************")
        {
            return true;
        }

        if (password.IndexOfAny([':', '*', '!']) >= 0 || !password.Contains('$', StringComparison.Ordinal))
        {
            return false;
        }

        var fields = password.Split('$');
        if (fields.Length < 3 || fields[^1].Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '/')))
        {
            return false;
        }

        return (fields[1], fields[^1].Length) switch
        {
            ("1", not 22) or ("5", not 43) or ("6", not 86) => false,
            _ => true,
        };
    }

    private static Dictionary<string, object?> Data(string name, string state) => new(StringComparer.Ordinal)
    {
        ["name"] = name,
        ["state"] = state,
    };

    /// <summary>Ansible's result keys for an existing user.</summary>
    private static Dictionary<string, object?> Data(Account account, GroupTable groups, ModuleArguments args)
    {
        var data = Data(account.Name, "present");
        data["uid"] = account.Uid;
        data["group"] = account.Gid;
        data["comment"] = account.Comment;
        data["home"] = account.Home;
        data["shell"] = account.Shell;
        if (args.Has("groups"))
        {
            data["groups"] = string.Join(',', groups.MembershipOf(account.Name));
        }

        return data;
    }
}
