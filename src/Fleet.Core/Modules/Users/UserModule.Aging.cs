using System.Globalization;
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

    /// <summary>True when the task asks for any ageing field (the account's expiry among them: shadow holds it too).</summary>
    private static bool WantsAging(ModuleArguments args) => AgingFields.Any(f => args.GetInt(f.Parameter) is not null) || args.GetString("expires") is not null;

    /// <summary>
    /// <c>expires</c> as the day it names (days since the epoch, of its UTC date as Ansible's <c>time.gmtime</c> gives it; -1 for a
    /// negative number: no expiry), or null when not given; false with <paramref name="invalid"/> when it is not a number.
    /// </summary>
    private static bool TryExpiry(ModuleArguments args, out long? day, out string? invalid)
    {
        day = null;
        invalid = null;
        if (args.GetString("expires") is not { } text)
        {
            return true;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || double.IsNaN(seconds) || double.IsInfinity(seconds))
        {
            invalid = $"Invalid value for 'expires': '{text}' is not a number of seconds since the epoch";
            return false;
        }

        day = seconds < 0 ? -1 : (long)Math.Floor(seconds / 86400);
        return true;
    }

    /// <summary>usermod's and useradd's -e value of a day: YYYY-MM-DD, or empty text (no expiry) for -1.</summary>
    private static string ExpiryDate(long day) =>
        day < 0 ? "" : DateTime.UnixEpoch.AddDays(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>usermod's -e for the expiry asked when it differs from the shadow entry's; <paramref name="changes"/> gets its line.</summary>
    private static void Expiry(long? wanted, PasswordAging current, List<string> command, List<string> changes)
    {
        // As Ansible: no expiry asked and none set, or the same UTC day, is no change (an expiry before the epoch reads as none).
        var have = current.ExpireDays < 0 ? -1 : current.ExpireDays;
        if (wanted is not { } day || day == have)
        {
            return;
        }

        command.AddRange(["-e", ExpiryDate(day)]);
        changes.Add(day < 0 ? $"expiry {ExpiryDate(have)} removed" : have < 0 ? $"expires {ExpiryDate(day)}" : $"expiry {ExpiryDate(have)} → {ExpiryDate(day)}");
    }

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
