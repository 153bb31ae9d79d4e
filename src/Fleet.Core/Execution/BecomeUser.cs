using Fleet.Core.Playbooks;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution;

/// <summary>
/// Whom a task becomes, in Ansible's order: the variable <c>ansible_become_user</c> wherever it is set (inventory, play, block or
/// task vars, extra vars: variables win over keywords), else the innermost <c>become_user</c> keyword (task, block, role entry,
/// play), else <c>--become-user</c>, else root.
/// </summary>
internal static class BecomeUser
{
    /// <summary>The user, rendered for this host; null for root.</summary>
    public static string? For(TaskDefinition task, Frame frame, IVariableLookup scope, string? commandLine)
    {
        string? written;
        if (scope.TryGet(Inventory.ConnectionVariables.BecomeUser, out var value) && value is not null)
        {
            written = value is string text ? text : Values.ToText(value);
        }
        else
        {
            written = task.Keywords.BecomeUser ?? frame.BecomeUser ?? commandLine;
        }

        if (written is null)
        {
            return null;
        }

        var user = Template.HasTemplate(written) ? Template.RenderString(written, scope, task.Location) : written;
        if (string.IsNullOrWhiteSpace(user))
        {
            throw new FleetInputException(task.Location, "become_user renders to an empty name");
        }

        return user == "root" ? null : user;
    }
}
