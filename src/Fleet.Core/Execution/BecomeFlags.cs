using Fleet.Core.Playbooks;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution;

/// <summary>
/// The flags sudo gets for a task, in Ansible's order: the variable <c>ansible_sudo_flags</c>, else <c>ansible_become_flags</c>
/// (variables win over keywords; of the two, Ansible takes the last it lists), else the innermost <c>become_flags</c> keyword,
/// else none (Ansible's defaults).
/// </summary>
internal static class BecomeFlags
{
    private static readonly string[] Variables = ["ansible_sudo_flags", "ansible_become_flags"];

    /// <summary>The words, rendered for this host; null for Ansible's defaults.</summary>
    public static IReadOnlyList<string>? For(TaskDefinition task, Frame frame, IVariableLookup scope)
    {
        string? written = null;
        foreach (var name in Variables)
        {
            if (scope.TryGet(name, out var value) && value is not null)
            {
                written = value is string text ? text : Values.ToText(value);
                break;
            }
        }

        written ??= task.Keywords.BecomeFlags ?? frame.BecomeFlags;
        if (written is null)
        {
            return null;
        }

        var flags = Template.HasTemplate(written) ? Values.ToText(Template.Render(written, scope, task.Location)) : written;
        return SudoFlags.Check(flags) is { } error ? throw new FleetInputException(task.Location, error) : SudoFlags.Split(flags);
    }
}
