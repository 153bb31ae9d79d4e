using Fleet.Core.Execution.Actions;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution;

/// <summary>The walk of a play on this host: blocks with rescue and always, includes, meta, and the handler flushes between parts.</summary>
internal sealed partial class HostSession : IPlayWalk
{
    /// <summary>Runs a play's task tree on this host: blocks, includes, roles, loops; handlers at each flush.</summary>
    public async Task RunPlayAsync(Play play, SharedPlayState run, CancellationToken cancellationToken)
    {
        _run = run;
        _playEnded = false;
        _handlers.StartPlay();
        if (!Stopped)
        {
            await PlaceForPlayAsync(play.Keywords?.Keywords.Connection, cancellationToken).ConfigureAwait(false);
        }

        if (play.GatherFacts && !Stopped)
        {
            // Ansible's implicit setup task, from the facts read at connect (or when they are): no trip of its own.
            _variables.Gather(play.GatherSubset);
        }

        if (Stopped || !play.Tasks.SelectMany(t => t.Flatten()).Any(t => t.Keywords.Kind != TaskKind.Block && !t.Keywords.Implicit && IsSelectedByTags(t)))
        {
            return;
        }

        if (!await LoginAsAsync(Inventory.Inventory.PlayLogin(Host, play.RemoteUser) ?? _login, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        // Facts for every task that can be planned from the play's variables are read with the connect round trip.
        var lookahead = _runner.Lookahead;
        lookahead.Build(run);
        if (Connection is null)
        {
            var become = play.Become ?? Target.Become;
            var first = lookahead.Ahead(become, Target.Become);
            if (!await EnsureConnectedAsync([.. first, .. lookahead.LaterPlays(LaterPlays, become, Target.Become)], become, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            lookahead.Build(run); // with the facts now known, more arguments render
        }

        if (!await GatherAsBecomeUserAsync(play, run, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        // As in Ansible, notified handlers run after pre_tasks, after roles and tasks, and after post_tasks.
        var frame = Frame.Root(play);
        for (var i = 0; i < play.Tasks.Count && !Stopped && !_playEnded; i++)
        {
            if (!await RunNodesAsync([play.Tasks[i]], frame, cancellationToken).ConfigureAwait(false))
            {
                if (!Stopped)
                {
                    Fail(_failure ?? "a task failed");
                }

                return;
            }

            if (play.HandlerFlushes.Contains(i) || i == play.Tasks.Count - 1)
            {
                await FlushHandlersAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void Fail(string error)
    {
        // A host whose connection dropped during the task stays unreachable, as in Ansible.
        Result.Status = Result.Status == HostStatus.Unreachable ? HostStatus.Unreachable : HostStatus.Failed;
        Result.Error ??= error;
    }

    /// <summary>Runs nodes in order; false when a task failed (not ignored): the enclosing block's rescue runs, or the host fails.</summary>
    private async Task<bool> RunNodesAsync(IReadOnlyList<TaskDefinition> nodes, Frame frame, CancellationToken cancellationToken)
    {
        foreach (var node in nodes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Stopped || _playEnded)
            {
                return !Stopped;
            }

            if (_run!.FatalFailure is { } other && other != Host.Name)
            {
                Fail($"stopped: host {other} failed and the play has any_errors_fatal");
                return false;
            }

            if (_run.Ended || _run.BatchEnded)
            {
                _playEnded = true;
                return true;
            }

            var ok = node.Keywords.Kind switch
            {
                TaskKind.Block => await RunBlockAsync(node, frame, cancellationToken).ConfigureAwait(false),
                TaskKind.IncludeTasks or TaskKind.IncludeRole => await RunIncludeAsync(node, frame, cancellationToken).ConfigureAwait(false),
                _ when EngineActions.Find(node.Module) is WalkAction action => await RunWalkActionAsync(action, node, frame, cancellationToken).ConfigureAwait(false),
                _ => !IsSelectedByTags(node) || await RunTaskAsync(node, frame, handler: false, cancellationToken).ConfigureAwait(false),
            };
            if (!ok)
            {
                if (frame.AnyErrorsFatal)
                {
                    _run.Fatal(Host.Name);
                }

                return false;
            }
        }

        return true;
    }

    private async Task<bool> RunBlockAsync(TaskDefinition block, Frame frame, CancellationToken cancellationToken)
    {
        var inner = frame.Enter(block);
        var body = block.Keywords.Block!;
        var first = Result.Tasks.Count;
        var ok = await RunNodesAsync(body.Tasks, inner, cancellationToken).ConfigureAwait(false);
        if (!ok && body.Rescue.Count > 0 && Result.Status != HostStatus.Unreachable)
        {
            // The failure is rescued: its task stays failed in the report but is not counted, and the host goes on (Ansible's rescued).
            TaskResult? failed = null;
            for (var i = first; i < Result.Tasks.Count; i++)
            {
                if (Result.Tasks[i] is { Status: TaskOutcome.Failed, Ignored: false, Rescued: false } task)
                {
                    Result.Tasks[i] = task with { Rescued = true };
                    failed = task;
                }
            }

            if (Result.Status == HostStatus.Failed)
            {
                Result.Status = HostStatus.Ok;
                Result.Error = null;
            }

            _failure = null;
            var rescueFrame = inner.With(new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["ansible_failed_task"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["name"] = failed?.Name ?? "" },
                ["ansible_failed_result"] = failed?.Result ?? ModuleVars.None,
            });
            ok = await RunNodesAsync(body.Rescue, rescueFrame, cancellationToken).ConfigureAwait(false);
        }

        if (body.Always.Count > 0 && Result.Status != HostStatus.Unreachable)
        {
            var failure = _failure;
            var always = await RunNodesAsync(body.Always, inner, cancellationToken).ConfigureAwait(false);
            _failure = always ? failure : _failure;
            ok = ok && always;
        }

        return ok;
    }

    /// <summary><c>include_tasks</c> and <c>include_role</c>: reported as one ok task per item, then the included tasks run.</summary>
    private async Task<bool> RunIncludeAsync(TaskDefinition include, Frame frame, CancellationToken cancellationToken)
    {
        if (!IsSelectedByTags(include))
        {
            return true;
        }

        var run = _run!;
        var action = EngineActions.Find(include.Module) as IncludeAction ?? throw new InvalidOperationException($"{include.Module} includes nothing");
        var scope = _variables.Scope(run, include, frame, null);
        IReadOnlyList<object?> items;
        try
        {
            items = Loops.Of(include, scope, TaskFiles.SearchDirectories(run.Play, include, "files"));
        }
        catch (FleetInputException ex)
        {
            return Report(include, TaskOutcome.Failed, ex.Message, frame) is { Ignored: true };
        }

        // As Ansible: the include runs for every item first and reports once (ok, or skipped when no item was included); then the
        // included files run in item order.
        var included = new List<(Dictionary<string, object?>? Vars, TaskDefinition Body)>();
        for (var i = 0; i < items.Count; i++)
        {
            var itemVars = Loops.Variables(include, items[i], i, items.Count);
            var itemScope = _variables.Scope(run, include, frame, itemVars);
            string? why;
            try
            {
                why = Conditions.FirstFalse(include, frame, itemScope);
            }
            catch (FleetInputException ex)
            {
                return Report(include, TaskOutcome.Failed, ex.Message, frame) is { Ignored: true };
            }

            if (why is not null)
            {
                if (items.Count == 1)
                {
                    Report(include, TaskOutcome.Skipped, $"condition false: {why}", frame);
                }

                continue;
            }

            TaskDefinition body;
            IReadOnlyList<TaskDefinition> handlers = [];
            try
            {
                (body, handlers) = LoadInclude(action, include, itemScope);
            }
            catch (FleetInputException ex)
            {
                if (Report(include, TaskOutcome.Failed, ex.Message, frame) is { Ignored: true })
                {
                    continue;
                }

                _failure = $"task '{include.Name}' failed: {ex.Message}";
                return false;
            }

            _handlers.AddIncluded(handlers);
            included.Add((itemVars, body));
        }

        if (included.Count > 0)
        {
            // Ansible's recap counts an include_tasks once per included file (per loop item) and an include_role not at all.
            Report(include, TaskOutcome.Ok, null, frame, tally: action.RecapCount * included.Count);
        }
        else if (items.Count > 1)
        {
            Report(include, TaskOutcome.Skipped, "condition false for every item", frame);
        }

        foreach (var (itemVars, body) in included)
        {
            var inner = frame.Include(itemVars ?? ModuleVars.None).Include(include.Keywords.Vars);
            if (include.Keywords.Apply is { } apply)
            {
                inner = inner.Enter(apply);
            }

            if (!await RunNodesAsync([body], inner, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The included tasks for one item, as one block (read when the playbook loaded if their names use no host variable).</summary>
    private (TaskDefinition Body, IReadOnlyList<TaskDefinition> Handlers) LoadInclude(IncludeAction action, TaskDefinition include, IVariableLookup scope)
    {
        var (tasks, handlers) = include.Keywords.Preloaded is { } preloaded ? (preloaded.Tasks, []) : action.Load(include, scope, _run!.Play, _catalog);
        var body = include with { Module = "block", When = null, Keywords = include.Keywords with { Kind = TaskKind.Block, Block = new BlockBody(tasks, [], []), Vars = ModuleVars.None, Loop = null } };
        return (body, handlers);
    }

    /// <summary>An action that steers the walk (<c>meta</c>): skipped when its conditions are false, and reported only then.</summary>
    private async Task<bool> RunWalkActionAsync(WalkAction action, TaskDefinition task, Frame frame, CancellationToken cancellationToken)
    {
        if (!task.Keywords.Implicit && Conditions.FirstFalse(task, frame, _variables.Scope(_run!, task, frame, null)) is { } why)
        {
            // Shown as skipped, but not in the recap: Ansible 2.14 counts no meta task in its stats.
            Report(task, TaskOutcome.Skipped, $"condition false: {why}", frame, tally: 0);
            return true;
        }

        await action.RunAsync(task, this, cancellationToken).ConfigureAwait(false);
        return !Stopped;
    }

    Task IPlayWalk.FlushHandlersAsync(CancellationToken cancellationToken) => FlushHandlersAsync(cancellationToken);

    void IPlayWalk.EndHost() => _playEnded = true;

    void IPlayWalk.EndPlay()
    {
        _run!.End();
        _playEnded = true;
    }

    void IPlayWalk.EndBatch()
    {
        _run!.EndBatch();
        _playEnded = true;
    }

    void IPlayWalk.ClearFacts()
    {
        foreach (var name in _run!.HostNames)
        {
            if (_run.Sessions.TryGetValue(name, out var session))
            {
                session._variables.ClearFacts();
            }
        }
    }

    async Task IPlayWalk.ResetConnectionAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ((IHostLink)this).ReconnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HostUnreachableException ex)
        {
            MarkUnreachable("reset_connection: " + ex.Message);
        }
    }

    /// <summary>Runs the notified handlers; a failed handler fails the host.</summary>
    private async Task FlushHandlersAsync(CancellationToken cancellationToken)
    {
        var run = _run!;
        if (await _handlers.FlushAsync(run.Play, () => Stopped, h => RunTaskAsync(h, Frame.Root(run.Play), handler: true, cancellationToken)).ConfigureAwait(false) is { } failed)
        {
            Fail(_failure ?? $"handler '{failed.Name}' failed");
        }
    }

    /// <summary>Runs one task; false when it failed (not ignored), with the reason kept for the host's error.</summary>
    private async Task<bool> RunTaskAsync(TaskDefinition task, Frame frame, bool handler, CancellationToken cancellationToken)
    {
        var result = await _runner.RunAsync(_run!, task, frame, handler, cancellationToken).ConfigureAwait(false);
        if (result.Status == TaskOutcome.Failed && !result.Ignored)
        {
            _failure = $"task '{result.Name}' failed: {result.Message}";
            return false;
        }

        return !Stopped;
    }

    /// <summary>Records a task result that ran no module (an include, a skipped meta); returns it.</summary>
    private TaskResult Report(TaskDefinition task, TaskOutcome status, string? message, Frame frame, int tally = 1)
    {
        var result = _runner.Report(_run!, task, status, message, frame, tally);
        if (status == TaskOutcome.Failed && !result.Ignored)
        {
            _failure = $"task '{result.Name}' failed: {message}";
        }

        return result;
    }

    private bool IsSelectedByTags(TaskDefinition task) => TagSelection.Selects(task.Tags, _options.Tags, _options.SkipTags);
}
