using Fleet.Core.Execution.Actions;
using Fleet.Core.Modules;

namespace Fleet.Core.Execution;

internal sealed partial class TaskRunner
{
    /// <summary>
    /// Expands <c>~</c>, <c>~user</c> and <c>$VAR</c> in the items' host-path parameters as Ansible's module process does, on the host
    /// as the effective user with the task's environment; one read-only trip per site and user, none when no value needs it.
    /// Items before <paramref name="from"/> have run already.
    /// </summary>
    private async Task ExpandHostPathsAsync(List<ItemPlan> plans, int from, bool become, CancellationToken cancellationToken)
    {
        var pending = plans.Select((plan, index) => (plan, index)).Where(p => p.index >= from && p.plan.Ready is { } ready && HostPathValues(ready).Any(HostPaths.NeedsExpansion)).ToList();
        foreach (var group in pending.GroupBy(p => (p.plan.Site, become ? p.plan.Ready!.BecomeUser : null, p.plan.Ready!.Environment)))
        {
            var first = group.First().plan.Ready!;
            var values = group.SelectMany(p => HostPathValues(p.plan.Ready!)).ToList();
            var known = new HostPathLookup();
            string? failure = null;

            // A variable may hold ~user: what it names is known only after the first answer.
            for (var trip = 0; trip < 2; trip++)
            {
                var query = HostPaths.Missing(values, known);
                if (query.IsEmpty)
                {
                    break;
                }

                var command = new RemoteCommand(first.Environment + HostPaths.Script(query), become, _options.TaskTimeout)
                {
                    ReadOnly = true,
                    BecomeUser = first.BecomeUser,
                    BecomeFlags = first.BecomeFlags,
                };
                var answer = await ((IHostLink)group.Key.Site.Session).RunAsync(command, cancellationToken).ConfigureAwait(false);
                if (answer.ExitCode != 0)
                {
                    failure = $"expanding ~ and $VAR in a path on the host failed (exit {answer.ExitCode}): {answer.Stderr.Trim()}";
                    break;
                }

                HostPaths.Parse(answer.Stdout, query, known);
            }

            foreach (var (plan, index) in group)
            {
                plans[index] = failure is null ? Expanded(plan, known) : plan with { Ready = null, Error = failure };
            }
        }
    }

    /// <summary>The item with its host paths expanded and the facts its planner reads for them.</summary>
    private static ItemPlan Expanded(ItemPlan plan, HostPathLookup known)
    {
        var ready = plan.Ready!;
        var args = ready.Args;
        foreach (var name in ready.Module.HostPathParameters(ready.Args).ToList())
        {
            if (args.GetList(name) is { } list)
            {
                args = args.With(name, list.Select(v => HostPaths.Expand(v, known)).ToList());
            }
            else if (args.GetString(name) is { } value && HostPaths.NeedsExpansion(value))
            {
                args = args.With(name, HostPaths.Expand(value, known));
            }
        }

        try
        {
            return plan with { Ready = ready with { Args = args, Facts = ready.Module.Facts(args, ready.Context) } };
        }
        catch (FleetInputException ex)
        {
            return plan with { Ready = null, Error = ex.Message };
        }
    }

    /// <summary>The values of the task's host-path parameters, as rendered.</summary>
    private static IEnumerable<string> HostPathValues(PreparedTask ready)
    {
        foreach (var name in ready.Module.HostPathParameters(ready.Args))
        {
            if (ready.Args.GetList(name) is { } list)
            {
                foreach (var value in list)
                {
                    yield return value;
                }
            }
            else if (ready.Args.GetString(name) is { } value)
            {
                yield return value;
            }
        }
    }

    /// <summary>True when the task reads host paths only the host can expand: its facts are read once they are.</summary>
    private static bool AwaitsHostPaths(PreparedTask ready) => HostPathValues(ready).Any(HostPaths.NeedsExpansion);
}
