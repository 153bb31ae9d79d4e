// Over 400 lines as one concept: one task's whole way on one host, from its loop items to its registered result.
using System.Diagnostics;
using Fleet.Core.Execution.Actions;
using Fleet.Core.Execution.Placement;
using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Fleet.Core.Templating;
using static Fleet.Core.Execution.TaskResults;

namespace Fleet.Core.Execution;

/// <summary>
/// Runs one task (a module or an engine action) on one host: every loop item with its conditions, the facts it reads, retries and
/// <c>until</c>, <c>changed_when</c> and <c>failed_when</c>; the items' results in one, reported (censored under <c>no_log</c>),
/// registered, and its <c>notify</c> queued. A change with <c>async</c> runs as a job (<see cref="AsyncRunner"/>). Each item runs at
/// its <see cref="TaskSite"/> (the host, or where <c>delegate_to</c> sends it); a <c>run_once</c> task meets the batch's other hosts
/// at the play's <see cref="RunOnceGate"/> and runs on one of them.
/// </summary>
internal sealed partial class TaskRunner
{
    private readonly HostSession _host;
    private readonly ModuleCatalog _catalog;
    private readonly RunOptions _options;
    private readonly IRunObserver _observer;
    private readonly HostVariables _variables;
    private readonly HandlerQueue _handlers;
    private readonly TaskSite _own;
    private readonly DelegateSites _delegates;
    private readonly Dictionary<SourceLocation, int> _runOnceReached = [];

    public TaskRunner(HostSession host, IConnector connector, ModuleCatalog catalog, RunOptions options, IRunObserver observer, FactCache facts, HostVariables variables, HandlerQueue handlers)
    {
        _host = host;
        _catalog = catalog;
        _options = options;
        _observer = observer;
        _variables = variables;
        _handlers = handlers;
        _own = new TaskSite(host, facts, connector, options, null);
        _delegates = host.Delegates;
        Lookahead = new FactLookahead(FactsOf, t => catalog.Get(t.Module) is not null, f => !facts.Contains(f) && !_own.Predictor.IsPredicted(f));
    }

    /// <summary>The facts of the play's later tasks, read with each trip this runner makes.</summary>
    public FactLookahead Lookahead { get; }

    /// <summary>One loop item of a task before it runs: its scope, and the module prepared, the false condition that skips it, or the error that fails it.</summary>
    private sealed record ItemPlan(object? Item, IVariableLookup Scope, TaskSite Site, PreparedTask? Ready = null, string? Skip = null, string? Error = null);

    /// <summary>Runs the task (its templated keywords rendered for this host, then waiting for its <c>throttle</c>); returns the result it reported.</summary>
    public async Task<TaskResult> RunAsync(SharedPlayState run, TaskDefinition task, Frame frame, bool handler, CancellationToken cancellationToken)
    {
        try
        {
            (task, frame) = KeywordTemplates.Resolve(task, frame, _variables.Scope(run, task, frame, null));
        }
        catch (FleetInputException ex)
        {
            return Report(run, task with { Keywords = task.Keywords with { Templates = [] } }, TaskOutcome.Failed, ex.Message, frame with { Templates = [] });
        }

        var result = (task.Keywords.RunOnce ?? frame.RunOnce) is true && run.RunOnce is { } gate
            ? await RunOnceAsync(gate, run, task, frame, handler, cancellationToken).ConfigureAwait(false)
            : await RunResolvedAsync(run, task, frame, handler, null, cancellationToken).ConfigureAwait(false);
        if (result is { Status: TaskOutcome.Failed, Ignored: false } && (task.Keywords.AnyErrorsFatal ?? frame.AnyErrorsFatal))
        {
            run.Fatal(_host.Host.Name);
        }

        return result;
    }

    private async Task<TaskResult> RunResolvedAsync(SharedPlayState run, TaskDefinition task, Frame frame, bool handler, Action<TaskResult>? share, CancellationToken cancellationToken)
    {
        var throttle = task.Keywords.Throttle is { } limit and > 0 ? run.Throttle(task, limit) : null;
        if (throttle is not null)
        {
            await throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await RunUnthrottledAsync(run, task, frame, handler, share, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            throttle?.Release();
        }
    }

    private async Task<TaskResult> RunUnthrottledAsync(SharedPlayState run, TaskDefinition task, Frame frame, bool handler, Action<TaskResult>? share, CancellationToken cancellationToken)
    {
        var play = run.Play;
        Lookahead.Reached(task);
        var scope = _variables.Scope(run, task, frame, null);
        var name = DisplayName(task, handler ? null : scope);
        var named = task with { Name = name, NoLog = task.NoLog || frame.NoLog };
        _observer.TaskStarted(_host.Host.Name, play.Name, _options.Vault.Secrets.Mask(name)!);
        TaskResult result;
        try
        {
            var items = LoopItems(play, task, frame, scope, out var skipped);
            result = skipped is not null ? SkippedByCondition(play, named, skipped)
                : task.Keywords.Loop is not null && items.Count == 0
                ? Outcome(play, named, TaskOutcome.Skipped, message: "no items in the loop")
                : await RunItemsAsync(run, task, named, frame, scope, items, cancellationToken).ConfigureAwait(false);
        }
        catch (FleetInputException ex)
        {
            result = Outcome(play, named, TaskOutcome.Failed, message: ex.Message);
        }

        if (result.Status == TaskOutcome.Failed && (task.IgnoreErrors || frame.IgnoreErrors))
        {
            result = result with { Ignored = true };
        }

        share?.Invoke(result);

        // Ansible registers a no_log task's whole result (later tasks may use it) and hides it only from what it reports.
        var registered = result.Result;
        if (named.NoLog)
        {
            result = Censored(result);
        }

        // Reported masked; the unmasked result stays this task's (its facts and register keep the real values).
        var reported = Masked(result, _options.Vault.Secrets);
        _host.Result.Tasks.Add(reported);
        _observer.TaskFinished(_host.Host.Name, reported);
        if (EngineActions.Find(task.Module)?.KeepsReturnedFacts(task) ?? true)
        {
            FactsHost(run, task, frame, result.DelegatedTo).KeepReturnedFacts(result);
        }

        if (task.Keywords.Register is { } register)
        {
            _variables.Register(register, Registered(registered));
        }

        if (result.Status == TaskOutcome.Changed)
        {
            _handlers.Notify(task.Notify);
        }

        return result;
    }

    /// <summary>A task or item skipped by a false condition, with the result Ansible registers for it.</summary>
    private static TaskResult SkippedByCondition(Play play, TaskDefinition named, string condition) =>
        Outcome(play, named, TaskOutcome.Skipped, message: $"condition false: {condition}") with
        {
            Result = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["changed"] = false,
                ["failed"] = false,
                ["skipped"] = true,
                ["skip_reason"] = "Conditional result was False",
                ["false_condition"] = condition,
            },
        };

    /// <summary>
    /// The task's loop items. As Ansible: when the loop cannot be computed (an undefined variable) but the task's conditions, read
    /// without an item, are false, the task is skipped (<paramref name="skipped"/> says which condition) instead of failing.
    /// </summary>
    private static IReadOnlyList<object?> LoopItems(Play play, TaskDefinition task, Frame frame, IVariableLookup scope, out string? skipped)
    {
        skipped = null;
        try
        {
            return Loops.Of(task, scope, TaskFiles.SearchDirectories(play, task, EngineActions.Find(task.Module)?.LoopFolder ?? "files"));
        }
        catch (FleetInputException) when (task.Keywords.Loop is not null)
        {
            string? why;
            try
            {
                why = Conditions.FirstFalse(task, frame, scope);
            }
            catch (FleetInputException)
            {
                why = null; // a condition that needs the item: the loop's own error is the one to report
            }

            if (why is null)
            {
                throw;
            }

            skipped = why;
            return [];
        }
    }

    /// <summary>Prepares every item (its facts all read in one trip, with the rest of the play's), runs them in order, and makes their results one.</summary>
    private async Task<TaskResult> RunItemsAsync(
        SharedPlayState run, TaskDefinition task, TaskDefinition named, Frame frame, IVariableLookup scope, IReadOnlyList<object?> items, CancellationToken cancellationToken)
    {
        // As Ansible's loop: the facts an item returns (set_fact's, a module's ansible_facts) are variables of the items after it.
        var carried = new Dictionary<string, object?>(StringComparer.Ordinal);
        ItemPlan PlanItem(int i)
        {
            var vars = Loops.Variables(task, items[i], i, items.Count);
            if (vars is not null && carried.Count > 0)
            {
                var merged = new Dictionary<string, object?>(carried, StringComparer.Ordinal);
                foreach (var (name, value) in vars)
                {
                    merged[name] = value;
                }

                vars = merged;
            }

            var itemScope = vars is null ? scope : _variables.Scope(run, task, frame, vars);
            var site = _own;
            try
            {
                if (Conditions.FirstFalse(task, frame, itemScope) is { } why)
                {
                    return new ItemPlan(items[i], itemScope, site, Skip: why);
                }

                site = SiteOf(run, task, frame, itemScope);
                return new ItemPlan(items[i], itemScope, site, Ready: Prepare(run, named, frame, itemScope, site));
            }
            catch (FleetInputException ex)
            {
                return new ItemPlan(items[i], itemScope, site, Error: ex.Message);
            }
        }

        var plans = new List<ItemPlan>();
        for (var i = 0; i < items.Count; i++)
        {
            plans.Add(PlanItem(i));
        }

        var become = task.Become ?? frame.Become ?? _host.Target.Become;
        if (!await ReachSitesAsync(task, plans, become, cancellationToken).ConfigureAwait(false))
        {
            return Outcome(run.Play, named, TaskOutcome.Failed, message: _host.Result.Error) with { DelegatedTo = plans.First(p => !p.Site.IsOwn).Site.DelegatedTo };
        }

        await ExpandHostPathsAsync(plans, 0, become, cancellationToken).ConfigureAwait(false);

        foreach (var group in plans.Where(p => p.Ready is not null).GroupBy(p => p.Site))
        {
            var site = group.Key;
            var needed = group.SelectMany(p => p.Ready!.Facts).Where(f => !site.Facts.Contains(f)).ToList();
            if (needed.Count > 0)
            {
                await site.Session.GatherAsync(site.IsOwn ? needed.Concat(Lookahead.Ahead(become, _host.Target.Become)) : needed, become, group.First().Ready!.BecomeFlags, cancellationToken).ConfigureAwait(false);
            }
        }

        var play = run.Play;
        var results = new List<TaskResult>();
        for (var i = 0; i < plans.Count; i++)
        {
            if (i > 0 && task.Keywords.Loop is { Pause: var pause } && pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            }

            var plan = plans[i];
            var itemResult = plan switch
            {
                { Error: { } error } => Outcome(play, named, TaskOutcome.Failed, message: error),
                { Skip: { } skip } => SkippedByCondition(play, named, skip),
                _ => await RunItemAsync(run, named, frame, plan.Site, plan.Ready, plan.Scope, become, plans.Skip(i + 1).Where(p => p.Ready is not null && p.Site == plan.Site).SelectMany(p => p.Ready!.Facts), cancellationToken).ConfigureAwait(false),
            };
            if (plan.Item != Loops.NoItem)
            {
                itemResult = itemResult with { Result = WithItem(itemResult.Result, task, plan.Item) };
            }

            if (!plan.Site.IsOwn)
            {
                itemResult = itemResult with { DelegatedTo = plan.Site.DelegatedTo };
                if (plan.Site.Session.Result.Status == HostStatus.Unreachable)
                {
                    // As in Ansible, the host whose task could not reach its delegated host is the unreachable one.
                    _host.MarkUnreachable($"delegate_to {plan.Site.DelegatedTo}: {plan.Site.Session.Result.Error}");
                }
            }

            results.Add(itemResult);
            if (_host.Stopped)
            {
                break;
            }

            if (i + 1 < plans.Count && Carry(task, itemResult, carried))
            {
                for (var j = i + 1; j < plans.Count; j++)
                {
                    plans[j] = PlanItem(j);
                }

                await ExpandHostPathsAsync(plans, i + 1, become, cancellationToken).ConfigureAwait(false);
            }
        }

        if (task.Keywords.Loop is not null)
        {
            var places = results.Select(r => r.DelegatedTo).OfType<string>().Distinct().ToList();
            return Aggregate(play, named, results) with { DelegatedTo = places.Count == 0 ? null : string.Join(", ", places) };
        }

        return results[0];
    }

    /// <summary>
    /// Adds the facts a loop item returned to <paramref name="carried"/>, each by its name, as Ansible's task executor updates the loop's
    /// variables (not <c>ansible_facts</c>, which the later items see unchanged in ansible-playbook 2.14); false when it returned none.
    /// </summary>
    private static bool Carry(TaskDefinition task, TaskResult item, Dictionary<string, object?> carried)
    {
        if (item.Status is TaskOutcome.Failed or TaskOutcome.Skipped || !item.Result.TryGetValue("ansible_facts", out var returned)
            || returned is not IReadOnlyDictionary<string, object?> { Count: > 0 } facts || EngineActions.Find(task.Module) is DebugAction)
        {
            return false;
        }

        foreach (var (name, value) in facts)
        {
            carried[name] = value;
        }

        return true;
    }

    /// <summary>One item of a task: an engine action, or a module with its retries and <c>until</c>.</summary>
    private async Task<TaskResult> RunItemAsync(
        SharedPlayState run, TaskDefinition task, Frame frame, TaskSite site, PreparedTask? ready, IVariableLookup scope, bool become, IEnumerable<Fact> laterItems, CancellationToken cancellationToken)
    {
        var play = run.Play;
        if (ready is null)
        {
            return Conditions.Conclude(task, scope, await RunActionAsync(run, task, frame, site, scope, become, cancellationToken).ConfigureAwait(false));
        }

        if (ready.Context.CheckMode && task.Keywords.Async > 0)
        {
            return Outcome(play, task, TaskOutcome.Failed, message: AsyncRunner.NotInCheckMode);
        }

        if (ready.Context.CheckMode && ready.Facts.FirstOrDefault(site.Predictor.IsPredicted) is { } predicted)
        {
            // In check mode an earlier task only would have changed what this one reads. Planned on the state as it is, a task
            // that holds already is ok (as Ansible's check mode says); one that would change or fail there may well not after
            // the earlier change, so it is reported as depending on that change rather than as a failure apply would not see.
            await site.Session.GatherAsync(ready.Facts, become, ready.BecomeFlags, cancellationToken).ConfigureAwait(false);
            var (current, _, bug) = PlanOnFacts(site, ready);
            var cause = site.Predictor.Cause(predicted) is { Length: > 0 } line ? $" ({line})" : "";
            return bug is not null ? InternalError(play, task, ready.Module, bug)
                : current is NoChange holds
                ? Outcome(play, task, TaskOutcome.Ok, message: $"{holds.Reason} (an earlier task would change {predicted.Description})")
                : current is PlanFailure { OnController: true } failure
                ? Outcome(play, task, TaskOutcome.Failed, message: failure.Message) // apply would fail on it too, whatever the earlier change
                : Outcome(play, task, TaskOutcome.Changed, [$"after an earlier change to {predicted.Description}{cause}"], message: $"not planned in check mode: an earlier task would change {predicted.Description}{cause}");
        }

        var clock = Stopwatch.StartNew();
        var attempts = 0;
        while (true)
        {
            attempts++;
            if (ready.Facts.Any(f => !site.Facts.Contains(f)))
            {
                // A change earlier in the play may have made facts stale: re-read them with the later items' and tasks' in one trip.
                var ahead = site.IsOwn ? Lookahead.Ahead(become, _host.Target.Become) : [];
                await site.Session.GatherAsync(ready.Facts.Concat(laterItems).Concat(ahead), become, ready.BecomeFlags, cancellationToken).ConfigureAwait(false);
            }

            var result = await AttemptAsync(play, site, ready, become, cancellationToken).ConfigureAwait(false);
            result = Conditions.Conclude(task, scope, result with { Attempts = attempts, DurationMs = clock.ElapsedMilliseconds });
            var done = task.Keywords.Until is { } until
                ? result.Status != TaskOutcome.Skipped && Conditions.Until(task, until, scope, result)
                : result.Status != TaskOutcome.Failed;
            if (done || attempts > task.Retries || _host.Stopped || site.Session.Stopped)
            {
                if (task.Keywords.Until is not null && !done)
                {
                    result = result with { Status = TaskOutcome.Failed, Message = $"retried {attempts} times, until was never true: {task.Keywords.Until.Text}" };
                }

                var withAttempts = new Dictionary<string, object?>(result.Result, StringComparer.Ordinal) { ["attempts"] = (long)attempts };
                return result with { Result = withAttempts };
            }

            await Task.Delay(task.Delay, cancellationToken).ConfigureAwait(false);

            // The failed attempt may have changed something: plan the retry from fresh facts.
            site.Facts.Forget(ready.Facts);
        }
    }

    private async Task<TaskResult> AttemptAsync(Play play, TaskSite site, PreparedTask task, bool become, CancellationToken cancellationToken)
    {
        var definition = task.Definition;
        var (plan, ownFailure, bug) = PlanOnFacts(site, task);
        if (bug is not null)
        {
            return InternalError(play, definition, task.Module, bug);
        }

        if (plan is null)
        {
            return Outcome(play, definition, TaskOutcome.Failed, message: ownFailure!.Message);
        }

        switch (plan)
        {
            case NoChange noChange when definition.Keywords is { Async: > 0, Poll: 0 }:
                return await site.Async.RecordNothingToDoAsync(play, task, noChange, become, cancellationToken).ConfigureAwait(false);
            case NoChange noChange:
                return Outcome(play, definition, TaskOutcome.Ok, message: noChange.Reason, plan: plan);
            case Skip skip:
                return Outcome(play, definition, TaskOutcome.Skipped, message: skip.Reason, plan: plan);
            case PlanFailure failure:
                return Outcome(play, definition, TaskOutcome.Failed, message: failure.Message, plan: plan);
            case Change change when task.Context.CheckMode && !change.ReadOnly:
                site.Predictor.Predict(change);
                return Outcome(play, definition, ChangedOr(definition), change.Changes, _options.ShowsDiff(definition) ? change.Diff : null, plan: plan);
            case Change change:
                var withEnvironment = task.Environment.Length == 0 ? change : change with { Script = task.Environment + change.Script };
                return definition.Keywords.Async > 0
                    ? await site.Async.RunAsync(play, task, withEnvironment, become, cancellationToken).ConfigureAwait(false)
                    : await site.Applier.ApplyAsync(play, task, withEnvironment, become, cancellationToken).ConfigureAwait(false);
            default:
                throw new InvalidOperationException($"unknown plan {plan.GetType().Name}");
        }
    }

    /// <summary>An engine action for one item; one that cannot run as a task (an import, a meta) is the task's error.</summary>
    private async Task<TaskResult> RunActionAsync(SharedPlayState run, TaskDefinition task, Frame frame, TaskSite site, IVariableLookup scope, bool become, CancellationToken cancellationToken)
    {
        if (task.Keywords.Unavailable is { } why)
        {
            return Outcome(run.Play, task, TaskOutcome.Failed, message: why);
        }

        var call = new ActionCall(run, task, scope, FactsHost(run, task, frame, site.DelegatedTo))
        {
            CheckMode = task.Keywords.CheckMode ?? frame.CheckMode ?? _options.CheckMode,
            Become = become,
            BecomeUser = become && EngineActions.Find(task.Module) is HostAction ? BecomeUser.For(task, frame, scope, _options.BecomeUser) : null,
            BecomeFlags = become && EngineActions.Find(task.Module) is HostAction ? BecomeFlags.For(task, frame, scope) : null,
            Verbosity = _options.Verbosity,
        };
        return EngineActions.Find(task.Module) switch
        {
            TaskAction action => action.Run(call),
            HostAction action => await action.RunAsync(call, site.Session, cancellationToken).ConfigureAwait(false),
            _ => throw new FleetInputException(task.Location, $"{task.Module} cannot run here"),
        };
    }

    /// <summary>
    /// The planner's verdict on the facts as they are: the plan; or the task's own failure (bad arguments only known once
    /// rendered, a controller file that cannot be read); or a bug in the module (anything else it throws).
    /// </summary>
    private (TaskPlan? Plan, Exception? Failure, Exception? Bug) PlanOnFacts(TaskSite site, PreparedTask task)
    {
        try
        {
            return (task.Module.Plan(task.Args, site.Facts, task.Context), null, null);
        }
        catch (Exception ex) when (ex is FleetInputException or IOException or UnauthorizedAccessException)
        {
            return (null, ex, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (null, null, ex);
        }
    }

    /// <summary>A planner bug: the host stops like on a failure, but the message says whose fault it is, and the trace is logged.</summary>
    private TaskResult InternalError(Play play, TaskDefinition task, Module module, Exception bug)
    {
        _observer.InternalError(_host.Host.Name, bug);
        return Outcome(play, task, TaskOutcome.Failed, message: $"internal error in module {module.Name}: {bug.Message}");
    }

    /// <summary>Binds the arguments of a module task for one item; null when the module is an engine action.</summary>
    private PreparedTask? Prepare(SharedPlayState run, TaskDefinition task, Frame frame, IVariableLookup scope, TaskSite site)
    {
        if (_catalog.Get(task.Module) is not { } module || task.Keywords.Unavailable is not null)
        {
            return null;
        }

        var target = site.Session.Target;
        if (task.Keywords.Diff is null && frame.Diff is { } diff)
        {
            task = task with { Keywords = task.Keywords with { Diff = diff } }; // a block's diff: the result shows it or not
        }

        var checkMode = task.Keywords.CheckMode ?? frame.CheckMode ?? _options.CheckMode;
        var directory = task.Keywords.Role?.Directory ?? task.Keywords.Directory ?? run.Play.Directory;
        var context = new ModuleContext(_host.Host.Name, checkMode, directory, target.User, KeyLogin: target.IdentityFile is not null || target.Password is null, PasswordLogin: target.Password is not null, LoginPort: target.Port)
        {
            Variables = scope,
        };
        return PreparedTask.Bind(module, task, frame, scope, context) with
        {
            BecomeUser = BecomeUser.For(task, frame, scope, _options.BecomeUser),
            BecomeFlags = BecomeFlags.For(task, frame, scope),
        };
    }

    /// <summary>The facts a module task would read in <paramref name="run"/>, every loop item's (the lookahead's planner).</summary>
    private IReadOnlyList<Fact> FactsOf(SharedPlayState run, TaskDefinition task, Frame frame)
    {
        var facts = new List<Fact>();
        if (Placed(task, frame))
        {
            return facts; // read where the task runs, when it runs
        }

        var scope = _variables.Scope(run, task, frame, null);
        var items = Loops.Of(task, scope, TaskFiles.SearchDirectories(run.Play, task, "files"));
        for (var i = 0; i < items.Count; i++)
        {
            var vars = Loops.Variables(task, items[i], i, items.Count);
            var itemScope = vars is null ? scope : _variables.Scope(run, task, frame, vars);
            if (Prepare(run, task, frame, itemScope, _own) is { } ready && !AwaitsHostPaths(ready))
            {
                facts.AddRange(ready.Facts);
            }
        }

        return facts;
    }

    /// <summary>Records a task result that ran no module (an include, a skipped meta); returns it.</summary>
    public TaskResult Report(SharedPlayState run, TaskDefinition task, TaskOutcome status, string? message, Frame frame, int tally = 1)
    {
        if (status == TaskOutcome.Failed)
        {
            try
            {
                // Whether the failure is ignored or censored may be a template.
                (task, frame) = KeywordTemplates.Resolve(task, frame, _variables.Scope(run, task, frame, null));
            }
            catch (FleetInputException ex)
            {
                message = $"{message}; {ex.Message}";
            }
        }

        _observer.TaskStarted(_host.Host.Name, run.Play.Name, _options.Vault.Secrets.Mask(DisplayName(task, null))!);
        var result = Outcome(run.Play, task with { Name = DisplayName(task, null) }, status, message: message) with { Ignored = status == TaskOutcome.Failed && (task.IgnoreErrors || frame.IgnoreErrors), Tally = tally };
        if (task.NoLog || frame.NoLog)
        {
            result = Censored(result);
        }

        // Reported masked; the unmasked result stays this task's (its facts and register keep the real values).
        var reported = Masked(result, _options.Vault.Secrets);
        _host.Result.Tasks.Add(reported);
        _observer.TaskFinished(_host.Host.Name, reported);
        return result;
    }

    /// <summary>The task's name as reported: rendered, and "role : name" inside a role (as Ansible shows it).</summary>
    private static string DisplayName(TaskDefinition task, IVariableLookup? scope)
    {
        return task.InRole(scope is null ? task.Name : RenderName(task.Name, scope));
    }

    /// <summary>The task name with its variables rendered; the name as written when a variable is missing.</summary>
    private static string RenderName(string name, IVariableLookup variables)
    {
        if (!Template.HasTemplate(name))
        {
            return name;
        }

        try
        {
            return Template.RenderString(name, variables, default);
        }
        catch (FleetInputException)
        {
            return name;
        }
    }
}
