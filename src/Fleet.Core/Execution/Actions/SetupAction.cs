using Fleet.Core.Facts;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Execution.Actions;

/// <summary>
/// <c>setup</c>: returns the facts of the chosen subsets (filtered by name) under <c>ansible_facts</c>, which then become the
/// host's facts. Fleet reads them with its connect round trip, so this costs no trip of its own, except under a
/// <c>become_user</c> (Ansible's setup then runs as that user, so its user facts are read again as that user) and for the
/// local facts (/etc/ansible/facts.d), which a play often writes before it calls setup: they are read again here (one trip,
/// when the subsets and filter return them), as Ansible's gathering would see them now.
/// </summary>
internal sealed class SetupAction : HostAction
{
    public override ActionSpec Spec => ActionSpec.Setup;

    public override async Task<TaskResult> RunAsync(ActionCall call, IHostLink host, CancellationToken cancellationToken)
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
        if (call.Become && call.BecomeUser is { } user)
        {
            var fact = new SystemFact();
            var read = await host.RunAsync(call.Command(fact.Command) with { ReadOnly = true }, cancellationToken).ConfigureAwait(false);
            if (!read.Succeeded)
            {
                return call.Done(TaskOutcome.Failed, $"setup as {user} failed (exit {read.ExitCode}): {read.Stderr.Trim()}", ModuleResult.NoData);
            }

            // That read holds the local facts too, as that user reads them: no second trip for them below.
            var asUser = fact.Parse(read.Stdout, read.ExitCode);
            system = system.WithUserOf(asUser) with { Local = asUser.Local };
        }

        var filters = SetupValues.List(call.Value("filter"));
        if (!(call.Become && call.BecomeUser is not null) && GatherSubset.Collect(system, subsets, filters).ContainsKey("ansible_local"))
        {
            var read = await host.RunAsync(call.Command(LocalFacts.Command, TimeSpan.FromMinutes(5)) with { ReadOnly = true }, cancellationToken).ConfigureAwait(false);
            system = system with { Local = LocalFacts.Parse(read.Stdout.Split('\n').Where(l => l.StartsWith("local=", StringComparison.Ordinal)).Select(l => l["local=".Length..])) };
        }

        var facts = GatherSubset.Collect(system, subsets, filters);
        return call.Done(TaskOutcome.Ok, null, new Dictionary<string, object?>(StringComparer.Ordinal) { ["ansible_facts"] = facts });
    }
}
