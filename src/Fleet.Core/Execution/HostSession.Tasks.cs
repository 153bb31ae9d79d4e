using System.Diagnostics;
using Fleet.Core.Facts;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution;

internal sealed partial class HostSession
{
    /// <summary>Check mode: what changes reported but not run would have touched (facts about it are unknown)…</summary>
    private readonly List<Subject> _predictedTouches = [];

    /// <summary>…except the facts whose values those changes predicted.</summary>
    private readonly HashSet<Fact> _predictedValues = [];
    private bool _predictAll;

    /// <summary>A task ready to run on this host: its module, rendered arguments and the facts its planner reads.</summary>
    private sealed record PreparedTask(TaskDefinition Definition, Module Module, ModuleArguments Args, IReadOnlyList<Fact> Facts, ModuleContext Context);

    /// <summary>Runs a play's selected tasks, then the handlers they notified.</summary>
    public async Task RunPlayAsync(Play play, CancellationToken cancellationToken)
    {
        var playbookDirectory = play.Directory; // where the play is written: relative src paths start there
        var become = play.Become ?? Target.Become;
        var selected = play.Tasks.Where(IsSelectedByTags).ToList();
        if (selected.Count == 0 || Stopped)
        {
            return;
        }

        // Facts for every task that can be planned without them are read with the connect round trip.
        var variables = VariablesFor(play);
        if (_connection is null)
        {
            var early = selected.Select(t => TryPrepare(t, variables, playbookDirectory)).Where(p => p.Ready is not null).SelectMany(p => p.Ready!.Facts).ToList();
            if (!await EnsureConnectedAsync(early, become, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            variables = VariablesFor(play);
        }

        var notified = new HashSet<string>(StringComparer.Ordinal);
        await RunTasksAsync(play, selected, variables, playbookDirectory, become, notified, handlers: false, cancellationToken).ConfigureAwait(false);

        // Handlers run once each, in the order they are written; a handler may notify another, which then runs too (as in Ansible).
        var ran = new HashSet<string>(StringComparer.Ordinal);
        while (!Stopped)
        {
            var pending = play.Handlers.Where(h => notified.Contains(h.Name) && !ran.Contains(h.Name)).ToList();
            if (pending.Count == 0)
            {
                return;
            }

            ran.UnionWith(pending.Select(h => h.Name));
            await RunTasksAsync(play, pending, variables, playbookDirectory, become, notified, handlers: true, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunTasksAsync(
        Play play,
        IReadOnlyList<TaskDefinition> tasks,
        VariableScope variables,
        string playbookDirectory,
        bool playBecome,
        HashSet<string> notified,
        bool handlers,
        CancellationToken cancellationToken)
    {
        // Render and bind every task first so that one batch reads all facts the play needs. Task names may use
        // variables, as in Ansible; handler names stay as written because notify refers to them.
        var named = handlers ? tasks : tasks.Select(t => t with { Name = RenderName(t.Name, variables) }).ToList();
        var prepared = named.Select(t => TryPrepare(t, variables, playbookDirectory)).ToList();
        await GatherAsync(prepared.Where(p => p.Ready is not null).SelectMany(p => p.Ready!.Facts), playBecome, cancellationToken).ConfigureAwait(false);

        for (var i = 0; i < prepared.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (task, ready, error) = prepared[i];
            _observer.TaskStarted(Host.Name, play.Name, task.Name);
            TaskResult result;
            if (error is not null)
            {
                result = Outcome(play, task, TaskOutcome.Failed, message: error);
            }
            else if (ready is null)
            {
                result = Outcome(play, task, TaskOutcome.Skipped, message: $"condition false: {task.When?.Text}");
            }
            else if (_options.CheckMode && ready.Facts.FirstOrDefault(IsPredicted) is { } predicted)
            {
                // In check mode an earlier task only would have changed what this one reads. Planned on the state as it is, a task
                // that holds already is ok (as Ansible's check mode says); one that would change or fail there may well not after
                // the earlier change, so it is reported as depending on that change rather than as a failure apply would not see.
                await GatherAsync(ready.Facts, task.Become ?? playBecome, cancellationToken).ConfigureAwait(false);
                result = PlanOnCurrentState(ready) is NoChange holds
                    ? Outcome(play, task, TaskOutcome.Ok, message: $"{holds.Reason} (an earlier task would change {predicted.Description})")
                    : Outcome(play, task, TaskOutcome.Changed, [$"after an earlier change to {predicted.Description}"], message: $"not planned in check mode: an earlier task would change {predicted.Description}");
            }
            else
            {
                // A change earlier in the play may have made facts stale: re-read all that are missing in one trip.
                if (ready.Facts.Any(f => !_facts.Contains(f)))
                {
                    var remaining = prepared.Skip(i).Where(p => p.Ready is not null).SelectMany(p => p.Ready!.Facts);
                    await GatherAsync(remaining, playBecome, cancellationToken).ConfigureAwait(false);
                }

                result = await RunTaskAsync(play, ready, task.Become ?? playBecome, cancellationToken).ConfigureAwait(false);
            }

            Result.Tasks.Add(result);
            _observer.TaskFinished(Host.Name, result);
            if (result.Status == TaskOutcome.Changed)
            {
                notified.UnionWith(task.Notify);
            }

            if (result.Status == TaskOutcome.Failed && !result.Ignored)
            {
                // A host whose connection dropped during the task stays unreachable, as in Ansible.
                Result.Status = Result.Status == HostStatus.Unreachable ? HostStatus.Unreachable : HostStatus.Failed;
                Result.Error ??= $"task '{task.Name}' failed: {result.Message}";
                return;
            }

            if (Stopped)
            {
                return;
            }
        }
    }

    /// <summary>The task's plan on the facts as they are; null when the planner cannot plan on them.</summary>
    private TaskPlan? PlanOnCurrentState(PreparedTask task)
    {
        try
        {
            return task.Module.Plan(task.Args, _facts, task.Context);
        }
        catch (Exception ex) when (ex is FleetInputException or IOException or FormatException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Evaluates the condition and binds the arguments; Ready is null when the condition is false.</summary>
    private (TaskDefinition Task, PreparedTask? Ready, string? Error) TryPrepare(TaskDefinition task, VariableScope variables, string playbookDirectory)
    {
        try
        {
            if (task.When is { } when && !EvaluateCondition(when, variables))
            {
                return (task, null, null);
            }

            var module = _catalog.Get(task.Module) ?? throw new FleetInputException(task.Location, $"unknown module '{task.Module}'");
            var args = ModuleArguments.Bind(module, task.Args, variables);
            var context = new ModuleContext(Host.Name, _options.CheckMode, playbookDirectory, Target.User, KeyLogin: Target.IdentityFile is not null || Target.Password is null, PasswordLogin: Target.Password is not null, LoginPort: Target.Port) { Variables = variables };
            return (task, new PreparedTask(task, module, args, module.Facts(args, context), context), null);
        }
        catch (FleetInputException ex)
        {
            return (task, null, ex.Message);
        }
    }

    /// <summary>A <c>when</c> condition's value; an undefined variable is the task's error, as in Ansible.</summary>
    private static bool EvaluateCondition(Expression when, VariableScope variables)
    {
        try
        {
            return when.Evaluate(variables);
        }
        catch (UndefinedVariableException ex)
        {
            throw new FleetInputException($"condition '{when.Text}': {ex.Message}");
        }
    }

    private async Task<TaskResult> RunTaskAsync(Play play, PreparedTask task, bool become, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var definition = task.Definition;
        var attempts = 0;
        while (true)
        {
            attempts++;
            var result = await AttemptAsync(play, task, become, cancellationToken).ConfigureAwait(false);
            result = result with { Attempts = attempts, DurationMs = clock.ElapsedMilliseconds };
            if (result.Status != TaskOutcome.Failed || attempts > definition.Retries || Stopped)
            {
                return result.Status == TaskOutcome.Failed && definition.IgnoreErrors ? result with { Ignored = true } : result;
            }

            await Task.Delay(definition.Delay, cancellationToken).ConfigureAwait(false);

            // The failed attempt may have changed something: plan the retry from fresh facts.
            _facts.Forget(task.Facts);
            await GatherAsync(task.Facts, become, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<TaskResult> AttemptAsync(Play play, PreparedTask task, bool become, CancellationToken cancellationToken)
    {
        var definition = task.Definition;
        TaskPlan plan;
        try
        {
            plan = task.Module.Plan(task.Args, _facts, task.Context);
        }
        catch (Exception ex) when (ex is FleetInputException or IOException or UnauthorizedAccessException)
        {
            // Bad arguments only known once rendered, or a controller file that cannot be read: the task's own failure.
            return Outcome(play, definition, TaskOutcome.Failed, message: ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Anything else is a bug in the module: the host stops like on a failure, but the message says whose fault it is.
            _observer.InternalError(Host.Name, ex);
            return Outcome(play, definition, TaskOutcome.Failed, message: $"internal error in module {task.Module.Name}: {ex.Message}");
        }

        switch (plan)
        {
            case NoChange noChange:
                return Outcome(play, definition, TaskOutcome.Ok, message: noChange.Reason, plan: plan);
            case Skip skip:
                return Outcome(play, definition, TaskOutcome.Skipped, message: skip.Reason, plan: plan);
            case PlanFailure failure:
                return Outcome(play, definition, TaskOutcome.Failed, message: failure.Message, plan: plan);
            case Change change when _options.CheckMode && !change.ReadOnly:
                Predict(change);
                return Outcome(play, definition, ChangedOr(definition), change.Changes, DiffFor(change), plan: plan);
            case Change change:
                return await ApplyAsync(play, task, change, become, cancellationToken).ConfigureAwait(false);
            default:
                throw new InvalidOperationException($"unknown plan {plan.GetType().Name}");
        }
    }

    private async Task<TaskResult> ApplyAsync(Play play, PreparedTask task, Change change, bool become, CancellationToken cancellationToken)
    {
        var definition = task.Definition;
        var timeout = definition.Timeout ?? _options.TaskTimeout;
        ArmedRollback? armed = null;
        if (change.Verify is { ConfirmTimeout: { } confirmTimeout } confirmed)
        {
            // Commit confirmed: the host restores itself unless the controller confirms, even if the change cuts the controller off.
            (armed, var armError) = await ArmAsync(confirmed, confirmTimeout, become, cancellationToken).ConfigureAwait(false);
            if (armError is not null)
            {
                return Outcome(play, definition, TaskOutcome.Failed, message: armError, plan: change);
            }
        }

        var selfRestore = armed is null ? "" : $"; the host rolls the change back by itself within {armed.Seconds} s (commit confirmed)";
        CommandResult commandResult;
        try
        {
            commandResult = await _connection!.RunAsync(new RemoteCommand(change.Script, become, timeout) { Sensitive = definition.NoLog }, cancellationToken).ConfigureAwait(false);
        }
        catch (RemoteTimeoutException)
        {
            _facts.Invalidate(change.Touches);
            return Outcome(play, definition, TaskOutcome.Failed, change.Changes, message: $"timed out after {timeout.TotalSeconds:0.#} s{selfRestore}", plan: change);
        }
        catch (HostUnreachableException ex)
        {
            MarkUnreachable("connection lost: " + ex.Message + selfRestore);
            return Outcome(play, definition, TaskOutcome.Failed, change.Changes, message: ex.Message + selfRestore, plan: change);
        }
        finally
        {
            if (!change.ReadOnly)
            {
                _facts.Invalidate(change.Touches);
            }
        }

        var outcome = task.Module.Complete(change, commandResult, task.Args);
        if (outcome.Status == TaskOutcome.Changed && change.Verify is { } verify
            && await VerifyAsync(verify, armed, become, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            outcome = new ChangeOutcome(TaskOutcome.Failed, refused) { Data = outcome.Data, Warnings = outcome.Warnings };
        }
        else if (outcome.Status != TaskOutcome.Changed && armed is not null)
        {
            // The script failed (or changed nothing) and the connection still works: nothing to confirm, the timer goes.
            await ConfirmAsync(armed, become, cancellationToken).ConfigureAwait(false);
        }

        var status = outcome.Status == TaskOutcome.Changed ? ChangedOr(definition) : outcome.Status;
        var changes = outcome.Status == TaskOutcome.Changed ? change.Changes : [];
        return Outcome(play, definition, status, changes, outcome.Status == TaskOutcome.Changed ? DiffFor(change) : null, outcome.Message, change, outcome, commandResult);
    }

    /// <summary>
    /// Runs a change's verification (a check script, a fresh connection); when it fails, runs the rollback and returns why, so the
    /// task fails with the host back in its previous state. With a timer armed (commit confirmed), the fresh connection must come
    /// within the confirm timeout, success disarms the timer, and when the controller cannot roll back the timer does. Null when the
    /// host passed.
    /// </summary>
    private async Task<string?> VerifyAsync(Verification verify, ArmedRollback? armed, bool become, CancellationToken cancellationToken)
    {
        string? failure = null;
        try
        {
            if (verify.Script is { } check)
            {
                var result = await _connection!.RunAsync(new RemoteCommand(check, become, _options.TaskTimeout), cancellationToken).ConfigureAwait(false);
                if (!result.Succeeded)
                {
                    failure = $"{verify.Description} failed: {(string.IsNullOrWhiteSpace(result.Stderr) ? result.Stdout : result.Stderr).Trim()}";
                }
            }

            var target = verify.NewPort is { } port ? Target with { Port = port, HostKeyPort = Target.HostKeyPort ?? Target.Port } : Target;
            if (failure is null && verify.NewConnection)
            {
                failure = await ProbeNewConnectionAsync(target, armed, cancellationToken).ConfigureAwait(false);
            }

            if (failure is null)
            {
                if (armed is not null && !await ConfirmAsync(armed, become, cancellationToken).ConfigureAwait(false))
                {
                    return $"rolled back: the change was not confirmed within {armed.Seconds} s (confirm_timeout): the host's timer restored the previous state";
                }

                Target = target;
                return null;
            }

            if (armed is not null)
            {
                var (succeeded, byTimer, error) = await RollbackArmedAsync(armed, become, cancellationToken).ConfigureAwait(false);
                return byTimer ? $"rolled back: {failure} (the host's timer had already restored the previous state)"
                    : succeeded ? $"rolled back: {failure}"
                    : $"{failure}; the rollback failed too: {error}";
            }

            var rollback = await _connection!.RunAsync(new RemoteCommand(verify.Rollback, become, _options.TaskTimeout), cancellationToken).ConfigureAwait(false);
            return rollback.Succeeded
                ? $"rolled back: {failure}"
                : $"{failure}; the rollback failed too (exit {rollback.ExitCode}): {rollback.Stderr.Trim()}";
        }
        catch (Exception ex) when (armed is not null && ex is HostUnreachableException or RemoteTimeoutException)
        {
            // The controller's own connection is gone: the timer on the host restores the previous state by itself.
            MarkUnreachable($"connection lost after the change: {ex.Message}; the host rolls the change back by itself within {armed.Seconds} s (commit confirmed)");
            return $"rolled back: {failure ?? "the connection was lost after the change"}; the controller's connection is gone too, the host restores the previous state by itself within {armed.Seconds} s";
        }
    }

    /// <summary>Opens a fresh connection and runs <c>true</c>; with a timer armed it must connect before the timer would fire.</summary>
    private async Task<string?> ProbeNewConnectionAsync(HostTarget target, ArmedRollback? armed, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (armed is not null)
        {
            deadline.CancelAfter(armed.Timeout);
        }

        try
        {
            await using var fresh = await _connector.ConnectAsync(target, deadline.Token).ConfigureAwait(false);
            var probe = await fresh.RunAsync(new RemoteCommand("true"), deadline.Token).ConfigureAwait(false);
            return probe.Succeeded ? null : $"a new connection could not run a command after the change (exit {probe.ExitCode})";
        }
        catch (HostUnreachableException ex)
        {
            return "a new connection was refused after the change: " + ex.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"a new connection was refused after the change: none within the confirm timeout ({armed!.Seconds} s)";
        }
    }

    /// <summary>
    /// Check mode: what a change that did not run would have done. Facts whose new value the planner knows take that value, so
    /// later tasks are planned on the state apply would reach; the other touched facts (null: any fact) become unknown.
    /// </summary>
    private void Predict(Change change)
    {
        if (change.Touches is null)
        {
            _predictAll = true;
            return;
        }

        _predictedValues.RemoveWhere(f => FactCache.IsTouched(f, change.Touches));
        _predictedTouches.AddRange(change.Touches);
        foreach (var (fact, value) in change.Predicted ?? new Dictionary<Fact, object>())
        {
            _facts.Set(fact, value);
            _predictedValues.Add(fact);
        }
    }

    private bool IsPredicted(Fact fact) => _predictAll || (!_predictedValues.Contains(fact) && FactCache.IsTouched(fact, _predictedTouches));

    /// <summary>The task name with its variables rendered; the name as written when a variable is missing.</summary>
    private static string RenderName(string name, VariableScope variables)
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

    /// <summary><c>changed_when: false</c> turns a change into ok.</summary>
    private static TaskOutcome ChangedOr(TaskDefinition task) => task.ChangedWhen == false ? TaskOutcome.Ok : TaskOutcome.Changed;

    private string? DiffFor(Change change) => _options.Diff || _options.CheckMode ? change.Diff : null;

    /// <summary>
    /// A task's result: its outcome, and its result in Ansible's shape from the plan's data (or the completed script's) and the
    /// script's output; <c>no_log</c> keeps all but the status out.
    /// </summary>
    private static TaskResult Outcome(
        Play play,
        TaskDefinition task,
        TaskOutcome status,
        IReadOnlyList<string>? changes = null,
        string? diff = null,
        string? message = null,
        TaskPlan? plan = null,
        ChangeOutcome? completed = null,
        CommandResult? command = null)
    {
        if (task.NoLog)
        {
            return new(play.Name, task.Name, task.Module, status, changes is { Count: > 0 } ? [Hidden] : [], null, message is null ? null : Hidden, Attempts: 1, DurationMs: 0)
            {
                Result = ModuleResult.Build(status, message is null ? null : Hidden, null, ModuleResult.NoData),
                Location = task.Location,
            };
        }

        var data = completed?.Data ?? plan?.Data ?? ModuleResult.NoData;
        return new(play.Name, task.Name, task.Module, status, changes ?? [], diff, message, Attempts: 1, DurationMs: 0)
        {
            Result = ModuleResult.Build(status, message, command, data),
            Warnings = [.. plan?.Warnings ?? [], .. completed?.Warnings ?? []],
            Location = task.Location,
        };
    }

    private const string Hidden = "(hidden: no_log)";

    private bool IsSelectedByTags(TaskDefinition task)
    {
        if (task.Tags.Any(t => _options.SkipTags.Contains(t)))
        {
            return false;
        }

        // Ansible's special tags: "always" runs unless skipped by name; "never" runs only when one of its tags is asked for.
        if (task.Tags.Contains("never"))
        {
            return task.Tags.Any(t => _options.Tags.Contains(t));
        }

        return _options.Tags.Count == 0 || task.Tags.Contains("always") || task.Tags.Any(t => _options.Tags.Contains(t));
    }

    private VariableScope VariablesFor(Play play) =>
        HostScope.For(Host, play.Vars, FactVariables.WithPlaybookDir(System?.ToVariables(), play.Directory), _options.ExtraVars, _groups);
}
