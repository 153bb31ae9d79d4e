using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Users;

// Password ageing: as Ansible, one chage with only the shadow fields that differ, run after useradd/usermod.
public sealed partial class UserModule
{
    /// <summary>The ageing parameters: YAML name, chage option, and how a change reads.</summary>
    private static readonly (string Parameter, string Option, string Label, Func<PasswordAging, long> Current)[] AgingFields =
    [
        ("password_expire_min", "-m", "password min age", a => a.MinDays),
        ("password_expire_max", "-M", "password max age", a => a.MaxDays),
        ("password_expire_warn", "-W", "password warn age", a => a.WarnDays),
    ];

    /// <summary>True when the task asks for any ageing field.</summary>
    private static bool WantsAging(ModuleArguments args) => AgingFields.Any(f => args.GetInt(f.Parameter) is not null);

    /// <summary>
    /// The chage command line for the ageing fields that differ from <paramref name="current"/> (null: a new user, every asked field
    /// is set), or null when none differs; <paramref name="changes"/> gets one line per field.
    /// </summary>
    private static string? Chage(string name, PasswordAging? current, ModuleArguments args, List<string> changes)
    {
        var command = new List<string> { "chage" };
        foreach (var (parameter, option, label, read) in AgingFields)
        {
            if (args.GetInt(parameter) is not { } wanted || (current is not null && read(current) == wanted))
            {
                continue;
            }

            command.AddRange([option, Text(wanted)]);
            changes.Add(current is null ? $"{label} {Text(wanted)}" : $"{label} {Text(read(current))} → {Text(wanted)}");
        }

        if (command.Count == 1)
        {
            return null;
        }

        command.AddRange(["--", name]);
        return Sh.Command(command);
    }
}
