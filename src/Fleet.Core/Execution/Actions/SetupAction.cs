using Fleet.Core.Facts;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Execution.Actions;

/// <summary>
/// <c>setup</c>: returns the facts of the chosen subsets (filtered by name) under <c>ansible_facts</c>, which then become the
/// host's facts. Fleet reads them with its connect round trip, so this costs no trip of its own.
/// </summary>
internal sealed class SetupAction : TaskAction
{
    public override ActionSpec Spec => ActionSpec.Setup;

    public override TaskResult Run(ActionCall call)
    {
        if (call.Has("fact_path"))
        {
            throw new FleetInputException(call.Task.Args["fact_path"]!.Location, SetupValues.FactPathRefused);
        }

        var subsets = call.Has("gather_subset") ? SetupValues.List(call.Value("gather_subset")) : ["all"];
        if (GatherSubset.Check(subsets) is { } error)
        {
            throw new FleetInputException(call.Task.Args["gather_subset"]!.Location, error);
        }

        var system = call.Variables.System ?? throw new FleetInputException(call.Task.Location, "setup: the host's facts were not read");
        var facts = GatherSubset.Collect(system, subsets, SetupValues.List(call.Value("filter")));
        return call.Done(TaskOutcome.Ok, null, new Dictionary<string, object?>(StringComparer.Ordinal) { ["ansible_facts"] = facts });
    }
}
