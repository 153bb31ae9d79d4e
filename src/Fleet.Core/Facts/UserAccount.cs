using System.Globalization;

namespace Fleet.Core.Facts;

/// <summary>
/// Ansible's <c>user</c> facts beyond <c>user_id</c>: the passwd entry of the user the facts were read as (by name, else by uid, as
/// Ansible's collector looks it up) and the process's real and effective ids.
/// </summary>
/// <param name="Uid">pw_uid.</param>
/// <param name="Gid">pw_gid.</param>
/// <param name="Gecos">pw_gecos.</param>
/// <param name="Dir">pw_dir, the home directory.</param>
/// <param name="Shell">pw_shell.</param>
/// <param name="RealUid">The reading process's real uid.</param>
/// <param name="EffectiveUid">The reading process's effective uid.</param>
/// <param name="RealGid">The reading process's real gid, which Ansible also reports as <c>effective_group_id</c>.</param>
public sealed record UserAccount(long Uid, long Gid, string Gecos, string Dir, string Shell, long RealUid, long EffectiveUid, long RealGid)
{
    /// <summary>The facts under Ansible's names (without <c>ansible_</c>).</summary>
    public IEnumerable<KeyValuePair<string, object?>> ToFacts() =>
    [
        new("user_uid", Uid), new("user_gid", Gid), new("user_gecos", Gecos), new("user_dir", Dir), new("user_shell", Shell),
        new("real_user_id", RealUid), new("effective_user_id", EffectiveUid), new("real_group_id", RealGid), new("effective_group_id", RealGid),
    ];

    /// <summary>
    /// Reads a passwd line (<c>name:x:uid:gid:gecos:dir:shell</c>) and the ids (<c>ruid euid rgid</c>); null when either is missing
    /// or malformed, as then Fleet reports no such facts rather than wrong ones.
    /// </summary>
    public static UserAccount? Parse(string passwd, string ids)
    {
        ArgumentNullException.ThrowIfNull(passwd);
        ArgumentNullException.ThrowIfNull(ids);
        var entry = passwd.Split(':');
        var numbers = ids.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (entry.Length != 7 || numbers.Length != 3 || !Number(entry[2], out var uid) || !Number(entry[3], out var gid)
            || !Number(numbers[0], out var ruid) || !Number(numbers[1], out var euid) || !Number(numbers[2], out var rgid))
        {
            return null;
        }

        return new UserAccount(uid, gid, entry[4], entry[5], entry[6], ruid, euid, rgid);
    }

    private static bool Number(string text, out long value) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
