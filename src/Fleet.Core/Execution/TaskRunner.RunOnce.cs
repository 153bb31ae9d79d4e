using Fleet.Core.Execution.Actions;
using Fleet.Core.Execution.Placement;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using static Fleet.Core.Execution.TaskResults;

namespace Fleet.Core.Execution;

/// <summary>A <c>run_once</c> task: met at the batch's <see cref="RunOnceGate"/>, run by one host, its result taken by the others.</summary>
internal sealed partial class TaskRunner
{
    /// <summary>
    /// A <c>run_once</c> task: the batch's first host to reach it runs it (see <see cref="RunOnceGate"/>) and the others take its
    /// result as Ansible's linear strategy gives it them: registered, its facts set, not counted in their recap.
    /// </summary>
    private async Task<TaskResult> RunOnceAsync(RunOnceGate gate, SharedPlayState run, TaskDefinition task, Frame frame, bool handler, CancellationToken cancellationToken)
    {
        var reached = _runOnceReached.GetValueOrDefault(task.Location);
        _runOnceReached[task.Location] = reached + 1;
        var ticket = await gate.ArriveAsync(_host.Host.Name, new RunOnceKey(task.Location, reached), cancellationToken).ConfigureAwait(false);
        if (ticket.Leads)
        {
            try
            {
                return await RunResolvedAsync(run, task, frame, handler, ticket.Share, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                ticket.Share(null); // the runner stopped before it had a result: the others must not wait for one
            }
        }

        var shared = await ticket.Shared!.WaitAsync(cancellationToken).ConfigureAwait(false);
        return Follow(run, task, frame, handler, shared);
    }

    /// <summary>A host that did not run a <c>run_once</c> task records its runner's result as its own, counted nowhere (as in Ansible's recap).</summary>
    private TaskResult Follow(SharedPlayState run, TaskDefinition task, Frame frame, bool handler, RunOnceOutcome shared)
    {
        var scope = _variables.Scope(run, task, frame, null);
        var name = DisplayName(task, handler ? null : scope);
        var named = task with { Name = name, NoLog = task.NoLog || frame.NoLog };
        _observer.TaskStarted(_host.Host.Name, run.Play.Name, _options.Vault.Secrets.Mask(name)!);
        var result = (shared.Result ?? Outcome(run.Play, named, TaskOutcome.Failed, message: $"run_once: {shared.Host}, which ran it for the batch, stopped before it finished")) with { Tally = 0 };
        if (shared.Result is { Status: TaskOutcome.Failed, Ignored: false })
        {
            result = result with { Message = $"run_once: failed on {shared.Host}, which ran it for the batch: {shared.Result.Message}" };
        }

        var registered = result.Result;
        var reported = Masked(named.NoLog ? Censored(result) : result, _options.Vault.Secrets);
        _host.Result.Tasks.Add(reported);
        _observer.TaskFinished(_host.Host.Name, reported);
        if (shared.Result is not null && (task.Keywords.DelegateFacts ?? frame.DelegateFacts) is not true)
        {
            if (task.Module == "set_fact")
            {
                _variables.SetFacts(ReturnedFacts(result));
            }
            else if (EngineActions.Find(task.Module)?.KeepsReturnedFacts(task) ?? true)
            {
                _variables.KeepReturnedFacts(result);
            }
        }

        if (task.Keywords.Register is { } register)
        {
            _variables.Register(register, Registered(registered));
        }

        return result;
    }

    /// <summary>The facts a set_fact result holds (each item's, for a loop).</summary>
    private static Dictionary<string, object?> ReturnedFacts(TaskResult result)
    {
        var facts = new Dictionary<string, object?>(StringComparer.Ordinal);
        var items = result.Result.TryGetValue("results", out var all) && all is IReadOnlyList<object?> list ? list.OfType<IReadOnlyDictionary<string, object?>>() : [result.Result];
        foreach (var item in items.Where(i => i.TryGetValue("ansible_facts", out _)))
        {
            if (item["ansible_facts"] is IReadOnlyDictionary<string, object?> set && !(item.TryGetValue("skipped", out var skipped) && skipped is true))
            {
                foreach (var (key, value) in set)
                {
                    facts[key] = value;
                }
            }
        }

        return facts;
    }
}
