using System.Globalization;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Users;

// An existing account changed: one usermod with only the fields that differ, plus the password, lock and home moves it needs.
public sealed partial class UserModule
{
    private static TaskPlan Modify(UserState state, GroupTable groups, ModuleArguments args)
    {
        var account = state.Account!;
        var name = account.Name;
        var command = new List<string> { "usermod" };
        var changes = new List<string>();
        var touches = new List<Subject> { Subject.User(name) };
        if (args.GetInt("uid") is { } uid && uid != account.Uid)
        {
            command.AddRange(["-u", Text(uid)]);
            changes.Add($"uid {Text(account.Uid)} → {Text(uid)}");
        }

        if (args.GetString("group") is { } group)
        {
            if (groups.Find(group) is not { } primary)
            {
                return new PlanFailure($"group {group} does not exist");
            }

            if (primary.Gid != account.Gid)
            {
                command.AddRange(["-g", Text(primary.Gid)]);
                changes.Add($"primary group {GroupName(groups, account.Gid)} → {primary.Name}");
            }
        }

        if (args.GetList("groups") is { } wanted)
        {
            var resolved = Resolve(wanted, groups, out var missing);
            if (missing is not null)
            {
                return new PlanFailure($"group {missing} does not exist");
            }

            // As Ansible: the current groups are those that list the user as a member (the primary group only when listed).
            var current = groups.MembershipOf(name);
            var desired = resolved.Select(g => g.Name).Distinct().ToList();
            var added = desired.Except(current).ToList();
            var removed = current.Except(desired).ToList();
            if (args.GetBool("append", false))
            {
                if (added.Count > 0)
                {
                    command.AddRange(["-a", "-G", string.Join(',', desired)]);
                    changes.Add("added to groups " + string.Join(',', added));
                    touches.AddRange(added.Select(g => Subject.Group(g)));
                }
            }
            else if (added.Count > 0 || removed.Count > 0)
            {
                command.AddRange(["-G", string.Join(',', desired)]);
                changes.Add($"groups {Show(current)} → {Show(desired)}");
                touches.AddRange(added.Concat(removed).Select(g => Subject.Group(g)));
            }
        }

        if (args.GetString("comment") is { } comment && comment != account.Comment)
        {
            command.AddRange(["-c", comment]);
            changes.Add($"comment '{account.Comment}' → '{comment}'");
        }

        var home = args.GetString("home");
        var moveHome = home is not null && home != account.Home && args.GetBool("move_home", false);
        if (home is not null && home != account.Home)
        {
            command.AddRange(moveHome ? ["-d", home, "-m"] : ["-d", home]);
            changes.Add($"home {account.Home} → {home}{(moveHome ? " (moved)" : "")}");
            touches.AddRange([Subject.Tree(account.Home), Subject.Tree(home)]);
        }

        if (args.GetString("shell") is { } shell && shell != account.Shell)
        {
            command.AddRange(["-s", shell]);
            changes.Add($"shell {account.Shell} → {shell}");
        }

        var password = args.GetString("password");
        var setPassword = password is not null && args.GetString("update_password") != "on_create";
        if (setPassword && account.PasswordHash is null)
        {
            return new PlanFailure($"cannot read the password of {name} (getent shadow needs root: set become: true)");
        }

        var hash = account.PasswordHash ?? "";
        var locked = hash.StartsWith('!');
        var passwordLock = args.GetBool("password_lock");
        if (setPassword && hash.TrimStart('!') != password!.TrimStart('!'))
        {
            // -p sets the hash and the lock at once (usermod refuses -p with -L/-U).
            command.AddRange(["-p", passwordLock == true ? "!" + password : password]);
            changes.Add("password changed");
        }
        else if (passwordLock == true && !locked)
        {
            command.Add("-L");
            changes.Add("password locked");
        }
        else if (passwordLock == false && locked)
        {
            command.Add("-U");
            changes.Add("password unlocked");
        }

        if (WantsAging(args) && account.Aging is null)
        {
            return new PlanFailure($"cannot read the password ageing of {name} (getent shadow needs root: set become: true)");
        }

        if (!TryExpiry(args, out var expiry, out var invalid))
        {
            return new PlanFailure(invalid!);
        }

        if (account.Aging is not null)
        {
            Expiry(expiry, account.Aging, command, changes);
        }

        var chage = account.Aging is null ? null : Chage(name, account.Aging, args, changes);

        // As Ansible: a missing home is created when create_home holds (a moved home exists after the move).
        var homeExists = home is null || home == account.Home ? account.HomeExists : moveHome ? account.HomeExists : state.RequestedHomeExists == true;
        var createHome = !homeExists && args.GetBool("create_home", true);
        if (createHome)
        {
            changes.Add($"home {home ?? account.Home} created");
            touches.Add(Subject.Tree(home ?? account.Home));
        }

        if (changes.Count == 0)
        {
            return new NoChange($"user {name} already as desired") { Data = Data(account, groups, args) };
        }

        var script = new StringBuilder("set -e\n");
        if (command.Count > 1)
        {
            command.AddRange(["--", name]);
            script.Append(Sh.Command(command)).Append('\n');
        }

        if (createHome)
        {
            // PAM's helper copies /etc/skel with the user's owner and the mode login.defs asks for (HOME_MODE or UMASK), as useradd -m.
            if ((home ?? account.Home) is var path && Parent(path) is { } parent)
            {
                script.Append(CultureInfo.InvariantCulture, $"mkdir -p -- {Sh.Quote(parent)}\n");
            }

            script.Append(CultureInfo.InvariantCulture, $"mkhomedir_helper {Sh.Quote(name)}\n");
        }

        if (chage is not null)
        {
            script.Append(chage).Append('\n');
        }

        return new Change(changes.Select(c => $"user {name}: {c}").ToList(), script.ToString(), touches) { Data = Data(name, "present") };
    }
}
