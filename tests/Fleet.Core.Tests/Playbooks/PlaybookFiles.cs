using Fleet.Core.Modules;
using Fleet.Core.Playbooks;

namespace Fleet.Core.Tests.Playbooks;

/// <summary>A playbook written as <c>site.yml</c> into a test's files, loaded, and validated without an inventory, as the loading tests read it.</summary>
internal static class PlaybookFiles
{
    /// <summary>The playbook loaded from <c>site.yml</c>.</summary>
    public static Playbook LoadPlaybook(this TempFiles files, string playbook) => PlaybookLoader.Load(files.Write("site.yml", playbook), ModuleCatalog.Default);

    /// <summary>Every error loading or validating the playbook gives; none when it is valid.</summary>
    public static IReadOnlyList<InputError> PlaybookErrors(this TempFiles files, string playbook)
    {
        try
        {
            return PlaybookValidator.Validate([files.LoadPlaybook(playbook)], null, new Dictionary<string, object?>(), ModuleCatalog.Default);
        }
        catch (FleetInputException ex)
        {
            return ex.Errors;
        }
    }
}
