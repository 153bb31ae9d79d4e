using Fleet.Core.Execution.Actions;
using Fleet.Core.Execution.Placement;
using Fleet.Core.Playbooks;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution;

/// <summary>Where a task's items run: the host itself, the host <c>delegate_to</c> names, or the controller (<c>connection: local</c>).</summary>
internal sealed partial class TaskRunner
{
    /// <summary>The task runs elsewhere than on its host: <c>delegate_to</c> (or local_action) or <c>connection: local</c>.</summary>
    private bool Placed(TaskDefinition task, Frame frame) =>
        (task.Keywords.DelegateTo ?? frame.DelegateTo) is not null || ((task.Keywords.Connection ?? frame.Connection) == "local" && !_host.Target.Local);

    /// <summary>Where one item runs: the host named by its rendered <c>delegate_to</c>, the controller for <c>connection: local</c>, or the host itself.</summary>
    private TaskSite SiteOf(SharedPlayState run, TaskDefinition task, Frame frame, IVariableLookup scope)
    {
        if ((task.Keywords.DelegateTo ?? frame.DelegateTo) is { } delegateTo)
        {
            var name = Template.HasTemplate(delegateTo) ? Values.ToText(Template.Render(delegateTo, scope, task.Location)).Trim() : delegateTo;
            if (name.Length == 0)
            {
                throw new FleetInputException(task.Location, $"delegate_to '{delegateTo}' renders to no host name");
            }

            if ((task.Keywords.DelegateFacts ?? frame.DelegateFacts) is true && !run.Sessions.ContainsKey(name))
            {
                throw new FleetInputException(task.Location, $"delegate_facts: {name} is in no play of this run, so its facts could not be kept (add a play for it, or leave delegate_facts out)");
            }

            return name == _host.Host.Name ? _own : _delegates.For(name, task.Location);
        }

        return (task.Keywords.Connection ?? frame.Connection) == "local" && !_host.Target.Local ? _delegates.Local() : _own;
    }

    /// <summary>
    /// Connects to the other places the task's items run, their facts forgotten (other hosts' tasks may change them between two of
    /// this host's); false when one is unreachable, which makes this host unreachable, as in Ansible.
    /// </summary>
    private async Task<bool> ReachSitesAsync(TaskDefinition task, List<ItemPlan> plans, bool become, CancellationToken cancellationToken)
    {
        if (EngineActions.Find(task.Module) is TaskAction)
        {
            return true; // it runs on the controller with the host's variables, wherever it is delegated
        }

        foreach (var site in plans.Where(p => p.Skip is null && p.Error is null && !p.Site.IsOwn).Select(p => p.Site).Distinct())
        {
            site.Facts.Invalidate(null);
            if (!await site.Session.EnsureConnectedAsync([], become, plans.First(p => p.Site == site).Ready?.BecomeFlags, cancellationToken).ConfigureAwait(false))
            {
                _host.MarkUnreachable($"delegate_to {site.DelegatedTo}: {site.Session.Result.Error}");
                return false;
            }
        }

        return true;
    }

    /// <summary>The variables a task's returned facts go to: the delegated host's with <c>delegate_facts</c>, else the task's host's.</summary>
    private HostVariables FactsHost(SharedPlayState run, TaskDefinition task, Frame frame, string? delegatedTo)
    {
        if (delegatedTo is null || (task.Keywords.DelegateFacts ?? frame.DelegateFacts) is not true)
        {
            return _variables;
        }

        return run.Sessions.TryGetValue(delegatedTo, out var session) ? session.Variables : _variables;
    }
}
