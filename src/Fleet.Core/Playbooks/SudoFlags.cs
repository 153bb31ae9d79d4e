using Fleet.Core.Modules.Command;

namespace Fleet.Core.Playbooks;

/// <summary><c>become_flags</c> / <c>ansible_become_flags</c> text as sudo's words, split as Ansible's <c>shlex.split</c> does.</summary>
public static class SudoFlags
{
    /// <summary>The words of <paramref name="flags"/>; throws <see cref="FleetInputException"/> (no place) for an unterminated quote.</summary>
    public static IReadOnlyList<string> Split(string flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        return ShellWords.Split(flags);
    }

    /// <summary>Why <paramref name="flags"/> cannot be sudo's flags, or null when they can.</summary>
    public static string? Check(string flags)
    {
        try
        {
            Split(flags);
            return null;
        }
        catch (FleetInputException ex)
        {
            return $"become_flags: {ex.Message}; quote each flag's value whole";
        }
    }
}
