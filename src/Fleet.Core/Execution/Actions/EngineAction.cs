using Fleet.Core.Playbooks;

namespace Fleet.Core.Execution.Actions;

/// <summary>
/// An engine action: it runs on the controller with this host's variables; only a <see cref="HostAction"/> contacts the host.
/// Its spec (parameters, the variables it sets) is an <see cref="ActionSpec"/> of Playbooks, which the validator reads before any
/// run; what it does is here, where the host's variables and results are. Adding one: a spec there, a class here, a line in
/// <see cref="EngineActions"/>.
/// </summary>
internal abstract class EngineAction
{
    /// <summary>Its name, parameters and the variables it sets.</summary>
    public abstract ActionSpec Spec { get; }

    /// <summary>Where a loop's file lookups (<c>with_first_found</c>, <c>with_fileglob</c>) look first. The default value is files/.</summary>
    public virtual string LoopFolder => "files";

    /// <summary>Whether what its result returns under <c>ansible_facts</c> joins the host's facts. The default value is true.</summary>
    public virtual bool KeepsReturnedFacts(TaskDefinition task) => true;
}
