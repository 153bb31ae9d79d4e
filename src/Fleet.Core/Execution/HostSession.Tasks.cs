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

    /// <summary>A task ready to run on this host: its module, rendered arguments, the facts its planner reads, and how it runs.</summary>
    private sealed record PreparedTask(TaskDefinition Definition, Module Module, ModuleArguments Args, IReadOnlyList<Fact> Facts, ModuleContext Context)
    {
        /// <summary><c>environment</c> as sh exports put before the change script, or empty.</summary>
        public string Environment { get; init; } = "";
    }

    /// <summary>A module task of the play, the frame it runs in, and the facts it would read (null until its arguments render).</summary>
    private sealed class Lookahead(TaskDefinition task, Frame frame)
    {
        public TaskDefinition Task { get; } = task;

        public Frame Frame { get; } = frame;

        public List<Fact>? Facts { get; set; }

        /// <summary>Whether the task runs with become: its facts are read only in a trip with the same privileges.</summary>
        public bool? Become { get; } = task.Become ?? frame.Become;
    }

    /// <summary>Module tasks of the play in order, with the facts they would read: read ahead, all in one trip.</summary>
    private List<Lookahead> _lookahead = [];
    private Dictionary<TaskDefinition, int> _lookaheadIndex = new(ReferenceEqualityComparer.Instance);

    /// <summary>The lookahead index of the last module task started: later ones are read ahead.</summary>
    private int _position = -1;

    private void BuildLookahead(Play play)
    {
        _lookahead = [];
        _lookaheadIndex = new(ReferenceEqualityComparer.Instance);
        _position = -1;
        AddLookahead(play.Tasks, Frame.Root(play));
        AddLookahead(play.Handlers, Frame.Root(play));
        Plan(0);
    }

    private void AddLookahead(IEnumerable<TaskDefinition> nodes, Frame frame)
    {
        foreach (var node in nodes)
        {
            switch (node.Keywords.Kind)
            {
                case TaskKind.Block:
                    var inner = frame.Enter(node with { When = null });
                    AddLookahead(node.Keywords.Block!.Tasks.Concat(node.Keywords.Block.Always).Concat(node.Keywords.Block.Rescue), inner);
                    break;
                case TaskKind.IncludeTasks or TaskKind.IncludeRole when node.Keywords.Preloaded is { } preloaded && node.Keywords.Loop is null:
                    var included = frame.With(node.Keywords.Vars);
                    AddLookahead(preloaded.Tasks, node.Keywords.Apply is { } apply ? included.Enter(apply with { When = null }) : included);
                    break;
                case TaskKind.Module when _catalog.Get(node.Module) is not null:
                    _lookaheadIndex[node] = _lookahead.Count;
                    _lookahead.Add(new Lookahead(node, frame));
                    break;
            }
        }
    }

    /// <summary>
    /// Renders the arguments of the module tasks from <paramref name="from"/> on that could not render before (they use a registered
    /// result or a set_fact that now exists), so their facts join the next read.
    /// </summary>
    private void Plan(int from)
    {
        foreach (var entry in _lookahead.Skip(from).Where(l => l.Facts is null))
        {
            try
            {
                var facts = new List<Fact>();
                var scope = Scope(entry.Task, entry.Frame, null);
                var items = entry.Task.Keywords.Loop is { } loop ? Loops.Items(loop, scope, SearchDirectories(entry.Task, "files")) : [NoItem];
                for (var i = 0; i < items.Count; i++)
                {
                    var itemScope = items[i] == NoItem ? scope : Scope(entry.Task, entry.Frame, LoopVariables(entry.Task, items[i], i, items.Count));
                    if (Prepare(entry.Task, entry.Frame, itemScope) is { } ready)
                    {
                        facts.AddRange(ready.Facts);
                    }
                }

                entry.Facts = facts;
            }
            catch (Exception ex) when (ex is FleetInputException or UndefinedVariableException or FormatException)
            {
                // Not plannable yet (a registered result, a loop over one): tried again at the next read.
            }
        }
    }

    /// <summary>
    /// Facts that module tasks from <paramref name="from"/> on would read, not yet known, of the tasks that run with
    /// <paramref name="become"/> (a root-only file read without become would look missing).
    /// </summary>
    private List<Fact> LookaheadFacts(int from, bool become)
    {
        Plan(from);
        return _lookahead.Skip(from).Where(l => (l.Become ?? Target.Become) == become).SelectMany(l => l.Facts ?? [])
            .Where(f => !_facts.Contains(f) && !IsPredicted(f)).Distinct().ToList();
    }

    /// <summary>
    /// Facts of the later plays' tasks that render now (with <paramref name="become"/>), read with the connect round trip: a
    /// converged host then needs no trip per play. A change forgets the facts it touches, as within a play, so none is stale.
    /// </summary>
    private List<Fact> LaterPlaysFacts(bool become)
    {
        var saved = (_run, _lookahead, _lookaheadIndex, _position);
        var facts = new List<Fact>();
        try
        {
            foreach (var later in LaterPlays)
            {
                _run = new PlayRun(later, saved._run!.HostVars);
                BuildLookahead(later);
                facts.AddRange(LookaheadFacts(0, become));
            }
        }
        finally
        {
            (_run, _lookahead, _lookaheadIndex, _position) = saved;
        }

        return facts;
    }

    /// <summary>Marks "no loop": the task runs once.</summary>
    private static readonly object NoItem = new();

    /// <summary>
    /// The variables of a task on this host, highest precedence first: extra vars, role parameters, loop variables, set_fact and
    /// registered results, include_vars, the task's vars, its blocks' vars (innermost first), its role's vars, the play's roles' vars,
    /// play vars, inventory, facts, its role's defaults, the play's roles' defaults, magic variables.
    /// </summary>
    private VariableScope Scope(TaskDefinition task, Frame frame, IReadOnlyDictionary<string, object?>? loopVars)
    {
        var play = _run!.Play;
        var role = task.Keywords.Role;
        var layers = new List<IReadOnlyDictionary<string, object?>> { _options.ExtraVars };
        if (role is not null)
        {
            layers.Add(role.Params);
        }

        if (loopVars is not null)
        {
            layers.Add(loopVars);
        }

        lock (_variablesLock)
        {
            layers.Add(new Dictionary<string, object?>(_hostFacts, StringComparer.Ordinal));
            layers.Add(new Dictionary<string, object?>(_includedVars, StringComparer.Ordinal));
        }

        layers.Add(task.Keywords.Kind == TaskKind.Module ? task.Keywords.Vars : ModuleVars.None);
        for (var i = frame.Vars.Count - 1; i >= 0; i--)
        {
            layers.Add(frame.Vars[i]);
        }

        if (role is not null)
        {
            layers.Add(role.Vars);
        }

        layers.Add(play.RoleVars);
        layers.Add(play.Vars);
        layers.Add(Host.Vars);
        layers.Add(FactVariables());
        if (role is not null)
        {
            layers.Add(role.Defaults);
        }

        layers.Add(play.RoleDefaults);
        var magic = HostScope.Magic(Host, _groups);
        magic["hostvars"] = _run.HostVars;
        magic["ansible_check_mode"] = _options.CheckMode;
        magic["playbook_dir"] = play.Directory;
        magic["ansible_play_name"] = play.Name;
        magic["omit"] = OmitMarker;
        if (role is not null)
        {
            magic["role_name"] = role.Name;
            magic["role_path"] = role.Directory;
        }

        layers.Add(magic);
        return VariableScope.Of([.. layers]);
    }

    /// <summary>The value of <c>omit</c>: a parameter rendered to it is left out, as in Ansible.</summary>
    internal const string OmitMarker = "__omit_place_holder__fleet";

    /// <summary>The loop variables of one item: the loop var, the index var, <c>ansible_loop</c>, <c>ansible_loop_var</c>.</summary>
    private static Dictionary<string, object?>? LoopVariables(TaskDefinition task, object? item, int index, int count)
    {
        if (task.Keywords.Loop is not { } loop)
        {
            return null;
        }

        var vars = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            [loop.LoopVar] = item,
            ["ansible_loop_var"] = loop.LoopVar,
            ["ansible_loop"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["index"] = (long)index + 1,
                ["index0"] = (long)index,
                ["first"] = index == 0,
                ["last"] = index == count - 1,
                ["length"] = (long)count,
                ["revindex"] = (long)(count - index),
                ["revindex0"] = (long)(count - index - 1),
            },
        };
        if (loop.IndexVar is { } indexVar)
        {
            vars[indexVar] = (long)index;
        }

        return vars;
    }

    /// <summary>Where a task's controller files are looked up: its role's <paramref name="folder"/>/ and the role, the task file's directory, the playbook's.</summary>
    private IReadOnlyList<string> SearchDirectories(TaskDefinition task, string folder)
    {
        var places = new List<string>();
        if (task.Keywords.Role is { } role)
        {
            places.Add(Path.Combine(role.Directory, folder));
            places.Add(role.Directory);
        }

        if (task.Keywords.Directory is { } directory)
        {
            places.Add(Path.Combine(directory, folder));
            places.Add(directory);
        }

        places.Add(Path.Combine(_run!.Play.Directory, folder));
        places.Add(_run.Play.Directory);
        return places.Distinct().ToList();
    }

    /// <summary>The text of the first condition (blocks' first, then the task's) that is false, or null when all hold.</summary>
    private static string? FalseCondition(TaskDefinition task, Frame frame, IVariableLookup scope)
    {
        foreach (var condition in task.When is null ? frame.Conditions : [.. frame.Conditions, task.When])
        {
            if (!EvaluateCondition(condition, scope))
            {
                return condition.Text;
            }
        }

        return null;
    }

    /// <summary>
    /// The planner's verdict on the facts as they are: the plan; or the task's own failure (bad arguments only known once
    /// rendered, a controller file that cannot be read); or a bug in the module (anything else it throws).
    /// </summary>
    private (TaskPlan? Plan, Exception? Failure, Exception? Bug) PlanOnFacts(PreparedTask task)
    {
        try
        {
            return (task.Module.Plan(task.Args, _facts, task.Context), null, null);
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
        _observer.InternalError(Host.Name, bug);
        return Outcome(play, task, TaskOutcome.Failed, message: $"internal error in module {module.Name}: {bug.Message}");
    }

    /// <summary>Binds the arguments of a module task for one item; null when the module is an engine action.</summary>
    private PreparedTask? Prepare(TaskDefinition task, Frame frame, IVariableLookup scope)
    {
        if (_catalog.Get(task.Module) is not { } module)
        {
            return null;
        }

        var args = ModuleArguments.Bind(module, WithoutOmitted(task.Args, scope), scope);
        var checkMode = task.Keywords.CheckMode ?? frame.CheckMode ?? _options.CheckMode;
        var directory = task.Keywords.Role?.Directory ?? task.Keywords.Directory ?? _run!.Play.Directory;
        var context = new ModuleContext(Host.Name, checkMode, directory, Target.User, KeyLogin: Target.IdentityFile is not null || Target.Password is null, PasswordLogin: Target.Password is not null, LoginPort: Target.Port)
        {
            Variables = scope,
        };
        return new PreparedTask(task, module, args, module.Facts(args, context), context) { Environment = Exports(task, frame, scope) };
    }

    /// <summary>Arguments without those whose template renders to <c>omit</c>.</summary>
    private static MapArg WithoutOmitted(MapArg args, IVariableLookup scope)
    {
        if (!args.Entries.Any(e => e.Value is ScalarArg { Value: { } v } && v.Contains("omit", StringComparison.Ordinal)))
        {
            return args;
        }

        return args with
        {
            Entries = args.Entries.Where(e => e.Value is not ScalarArg { Value: { } v } s || !v.Contains("omit", StringComparison.Ordinal) || !Template.HasTemplate(v)
                || Values.ToText(Template.Render(v, scope, s.Location)) != OmitMarker).ToList(),
        };
    }

    private static string Exports(TaskDefinition task, Frame frame, IVariableLookup scope)
    {
        var environment = frame.Environment.Concat(task.Keywords.Environment).GroupBy(kv => kv.Key).Select(g => g.Last()).ToList();
        if (environment.Count == 0)
        {
            return "";
        }

        var text = new System.Text.StringBuilder();
        foreach (var (name, value) in environment)
        {
            if (!TaskReader.IsIdentifier(name))
            {
                throw new FleetInputException(task.Location, $"environment: '{name}' is not a variable name");
            }

            text.Append("export ").Append(name).Append('=').Append(Remote.Sh.Quote(Values.ToText(Loops.Render(value, scope, task.Location)))).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// Runs a task (module or engine action) on this host: every loop item, each with its conditions, retries, <c>until</c>,
    /// <c>changed_when</c> and <c>failed_when</c>; one result (with <c>results</c> for a loop) is reported, registered and notifies.
    /// False when it failed and the failure is not ignored.
    /// </summary>
    private async Task<bool> RunTaskAsync(TaskDefinition task, Frame frame, bool handler, CancellationToken cancellationToken)
    {
        var throttle = task.Keywords.Throttle is { } limit and > 0 ? _run!.Throttle(task, limit) : null;
        if (throttle is not null)
        {
            await throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await RunTaskUnthrottledAsync(task, frame, handler, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            throttle?.Release();
        }
    }

    private async Task<bool> RunTaskUnthrottledAsync(TaskDefinition task, Frame frame, bool handler, CancellationToken cancellationToken)
    {
        var play = _run!.Play;
        if (_lookaheadIndex.TryGetValue(task, out var position))
        {
            _position = position;
        }

        var scope = Scope(task, frame, null);
        var name = DisplayName(task, handler ? null : scope);
        var named = task with { Name = name, NoLog = task.NoLog || frame.NoLog };
        _observer.TaskStarted(Host.Name, play.Name, name);
        TaskResult result;
        try
        {
            IReadOnlyList<object?> items = task.Keywords.Loop is { } loop ? Loops.Items(loop, scope, SearchDirectories(task, task.Module == "include_vars" ? "vars" : "files")) : [NoItem];
            if (task.Keywords.Loop is not null && items.Count == 0)
            {
                result = Outcome(play, named, TaskOutcome.Skipped, message: "no items in the loop");
            }
            else
            {
                var itemResults = new List<TaskResult>();
                var prepared = new List<(IVariableLookup Scope, PreparedTask? Ready, string? Skip, string? Error, object? Item)>();
                for (var i = 0; i < items.Count; i++)
                {
                    var vars = items[i] == NoItem ? null : LoopVariables(task, items[i], i, items.Count);
                    var itemScope = vars is null ? scope : Scope(task, frame, vars);
                    try
                    {
                        prepared.Add(FalseCondition(task, frame, itemScope) is { } why
                            ? (itemScope, null, why, null, items[i])
                            : (itemScope, Prepare(named, frame, itemScope), null, null, items[i]));
                    }
                    catch (FleetInputException ex)
                    {
                        prepared.Add((itemScope, null, null, ex.Message, items[i]));
                    }
                }

                // Every item's facts (and the rest of the play's) in one round trip.
                var needed = prepared.Where(p => p.Ready is not null).SelectMany(p => p.Ready!.Facts).Where(f => !_facts.Contains(f)).ToList();
                if (needed.Count > 0)
                {
                    var gatherBecome = task.Become ?? frame.Become ?? Target.Become;
                    var ahead = LookaheadFacts(_position + 1, gatherBecome);
                    await GatherAsync(needed.Concat(ahead), gatherBecome, cancellationToken).ConfigureAwait(false);
                }

                for (var i = 0; i < prepared.Count; i++)
                {
                    var (itemScope, ready, skip, error, item) = prepared[i];
                    var become = task.Become ?? frame.Become ?? Target.Become;
                    TaskResult itemResult;
                    if (error is not null)
                    {
                        itemResult = Outcome(play, named, TaskOutcome.Failed, message: error);
                    }
                    else if (skip is not null)
                    {
                        itemResult = Outcome(play, named, TaskOutcome.Skipped, message: $"condition false: {skip}") with
                        {
                            Result = new Dictionary<string, object?>(StringComparer.Ordinal)
                            {
                                ["changed"] = false,
                                ["failed"] = false,
                                ["skipped"] = true,
                                ["skip_reason"] = "Conditional result was False",
                                ["false_condition"] = skip,
                            },
                        };
                    }
                    else
                    {
                        itemResult = await RunItemAsync(named, task, ready, itemScope, frame, become, prepared.Skip(i + 1).Where(p => p.Ready is not null).SelectMany(p => p.Ready!.Facts), cancellationToken).ConfigureAwait(false);
                    }

                    if (item != NoItem)
                    {
                        itemResult = itemResult with { Result = WithItem(itemResult.Result, task, item) };
                    }

                    itemResults.Add(itemResult);
                    if (Stopped)
                    {
                        break;
                    }
                }

                result = task.Keywords.Loop is null ? itemResults[0] : Aggregate(play, named, itemResults);
            }
        }
        catch (FleetInputException ex)
        {
            result = Outcome(play, named, TaskOutcome.Failed, message: ex.Message);
        }

        if (result.Status == TaskOutcome.Failed && (task.IgnoreErrors || frame.IgnoreErrors))
        {
            result = result with { Ignored = true };
        }

        // Ansible registers a no_log task's whole result (later tasks may use it) and hides it only from what it reports.
        var registered = result.Result;
        if (named.NoLog)
        {
            result = Censored(result);
        }

        Result.Tasks.Add(result);
        _observer.TaskFinished(Host.Name, result);
        KeepReturnedFacts(task, result);
        if (task.Keywords.Register is { } register)
        {
            lock (_variablesLock)
            {
                _hostFacts[register] = Registered(registered);
            }
        }

        if (result.Status == TaskOutcome.Changed)
        {
            _notified.UnionWith(task.Notify);
        }

        if (result.Status == TaskOutcome.Failed && !result.Ignored)
        {
            _failure = $"task '{name}' failed: {result.Message}";
            return false;
        }

        return !Stopped;
    }

    private static IReadOnlyDictionary<string, object?> WithItem(IReadOnlyDictionary<string, object?> result, TaskDefinition task, object? item)
    {
        var withItem = new Dictionary<string, object?>(result, StringComparer.Ordinal)
        {
            [task.Keywords.Loop!.LoopVar] = item,
            ["ansible_loop_var"] = task.Keywords.Loop.LoopVar,
        };
        return withItem;
    }

    /// <summary>A loop's one result: failed if an item failed, changed if one changed, skipped if all were skipped; <c>results</c> holds each item's.</summary>
    private static TaskResult Aggregate(Play play, TaskDefinition task, List<TaskResult> items)
    {
        var status = items.Any(r => r.Status == TaskOutcome.Failed) ? TaskOutcome.Failed
            : items.Any(r => r.Status == TaskOutcome.Changed) ? TaskOutcome.Changed
            : items.All(r => r.Status == TaskOutcome.Skipped) ? TaskOutcome.Skipped
            : TaskOutcome.Ok;
        var message = status == TaskOutcome.Failed
            ? "One or more items failed: " + string.Join("; ", items.Where(r => r.Status == TaskOutcome.Failed).Select(r => r.Message))
            : status == TaskOutcome.Skipped ? "all items skipped" : "All items completed";
        var result = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["changed"] = items.Any(r => r.Status == TaskOutcome.Changed),
            ["failed"] = status == TaskOutcome.Failed,
            ["skipped"] = status == TaskOutcome.Skipped,
            ["msg"] = message,
            ["results"] = items.Select(r => (object?)r.Result).ToList(),
        };
        var diffs = items.Select(r => r.Diff).Where(d => d is not null).ToList();
        return Outcome(play, task, status, items.SelectMany(r => r.Changes).ToList(), diffs.Count == 0 ? null : string.Join("\n", diffs), message) with
        {
            Result = result,
            Attempts = items.Max(r => r.Attempts),
            DurationMs = items.Sum(r => r.DurationMs),
            Warnings = items.SelectMany(r => r.Warnings).Distinct().ToList(),
        };
    }

    /// <summary>One item of a task: an engine action, or a module with its retries and <c>until</c>.</summary>
    private async Task<TaskResult> RunItemAsync(
        TaskDefinition task, TaskDefinition original, PreparedTask? ready, IVariableLookup scope, Frame frame, bool become, IEnumerable<Fact> laterItems, CancellationToken cancellationToken)
    {
        var play = _run!.Play;
        if (ready is null)
        {
            return Conclude(task, scope, RunAction(task, scope));
        }

        if (ready.Context.CheckMode && ready.Facts.FirstOrDefault(IsPredicted) is { } predicted)
        {
            // In check mode an earlier task only would have changed what this one reads. Planned on the state as it is, a task
            // that holds already is ok (as Ansible's check mode says); one that would change or fail there may well not after
            // the earlier change, so it is reported as depending on that change rather than as a failure apply would not see.
            await GatherAsync(ready.Facts, become, cancellationToken).ConfigureAwait(false);
            var (current, _, bug) = PlanOnFacts(ready);
            return bug is not null ? InternalError(play, task, ready.Module, bug)
                : current is NoChange holds
                ? Outcome(play, task, TaskOutcome.Ok, message: $"{holds.Reason} (an earlier task would change {predicted.Description})")
                : Outcome(play, task, TaskOutcome.Changed, [$"after an earlier change to {predicted.Description}"], message: $"not planned in check mode: an earlier task would change {predicted.Description}");
        }

        var clock = Stopwatch.StartNew();
        var attempts = 0;
        while (true)
        {
            attempts++;
            if (ready.Facts.Any(f => !_facts.Contains(f)))
            {
                // A change earlier in the play may have made facts stale: re-read them with the later items' and tasks' in one trip.
                var ahead = LookaheadFacts(_position + 1, become);
                await GatherAsync(ready.Facts.Concat(laterItems).Concat(ahead), become, cancellationToken).ConfigureAwait(false);
            }

            var result = await AttemptAsync(play, ready, become, cancellationToken).ConfigureAwait(false);
            result = Conclude(task, scope, result with { Attempts = attempts, DurationMs = clock.ElapsedMilliseconds });
            var done = task.Keywords.Until is { } until
                ? result.Status != TaskOutcome.Skipped && Until(task, until, scope, result)
                : result.Status != TaskOutcome.Failed;
            if (done || attempts > task.Retries || Stopped)
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
            _facts.Forget(ready.Facts);
        }
    }

    private static bool Until(TaskDefinition task, Expression until, IVariableLookup scope, TaskResult result) =>
        EvaluateCondition(until, WithResult(task, scope, result));

    /// <summary>The scope with the task's own result under its register name (what changed_when, failed_when and until read).</summary>
    private static IVariableLookup WithResult(TaskDefinition task, IVariableLookup scope, TaskResult result) =>
        task.Keywords.Register is { } register
            ? new ResultScope(scope, register, Registered(result.Result))
            : new ResultScope(scope, null, Registered(result.Result));

    /// <summary>
    /// A result as <c>register</c> exposes it, in Ansible's shape: only a skipped result (or loop item) has <c>skipped</c>, so
    /// <c>selectattr('skipped', 'defined')</c> picks a loop's skipped items. Reports keep all three flags (their schema requires them).
    /// </summary>
    private static IReadOnlyDictionary<string, object?> Registered(IReadOnlyDictionary<string, object?> result)
    {
        if (!(result.TryGetValue("skipped", out var skipped) && skipped is false) && !result.ContainsKey("results"))
        {
            return result;
        }

        var shaped = new Dictionary<string, object?>(result, StringComparer.Ordinal);
        if (skipped is false)
        {
            shaped.Remove("skipped");
        }

        if (shaped.TryGetValue("results", out var items) && items is IEnumerable<object?> list)
        {
            shaped["results"] = list.Select(i => i is IReadOnlyDictionary<string, object?> item ? Registered(item) : i).ToList();
        }

        return shaped;
    }

    /// <summary>Applies <c>changed_when</c> and <c>failed_when</c> to a result, as Ansible does (changed first).</summary>
    private static TaskResult Conclude(TaskDefinition task, IVariableLookup scope, TaskResult result)
    {
        if (result.Status == TaskOutcome.Skipped || (task.Keywords.ChangedWhen is null && task.Keywords.FailedWhen is null))
        {
            return result;
        }

        var changed = result.Status == TaskOutcome.Changed || (result.Result.TryGetValue("changed", out var c) && c is true);
        var failed = result.Status == TaskOutcome.Failed;
        var withResult = WithResult(task, scope, result);
        if (task.Keywords.ChangedWhen is { } changedWhen)
        {
            changed = EvaluateCondition(changedWhen, withResult);
        }

        if (task.Keywords.FailedWhen is { } failedWhen)
        {
            failed = EvaluateCondition(failedWhen, withResult);
        }

        var status = failed ? TaskOutcome.Failed : changed ? TaskOutcome.Changed : TaskOutcome.Ok;
        var updated = new Dictionary<string, object?>(result.Result, StringComparer.Ordinal) { ["changed"] = changed, ["failed"] = failed };
        var message = failed && result.Status != TaskOutcome.Failed ? $"failed_when is true: {task.Keywords.FailedWhen?.Text}" : result.Message;
        if (failed && task.Keywords.FailedWhen is not null)
        {
            updated["failed_when_result"] = true;
        }

        return result with { Status = status, Message = message, Result = updated, Changes = changed ? result.Changes : [] };
    }

    /// <summary>A scope with one result variable on top (the registered name) and, for a task without register, nothing more.</summary>
    private sealed class ResultScope(IVariableLookup inner, string? name, IReadOnlyDictionary<string, object?> result) : IVariableLookup
    {
        public bool TryGet(string variable, out object? value)
        {
            if (variable == name)
            {
                value = result;
                return true;
            }

            return inner.TryGet(variable, out value);
        }
    }

    /// <summary>A <c>when</c> condition's value; an undefined variable is the task's error, as in Ansible.</summary>
    private static bool EvaluateCondition(Expression when, IVariableLookup variables)
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

    private async Task<TaskResult> AttemptAsync(Play play, PreparedTask task, bool become, CancellationToken cancellationToken)
    {
        var definition = task.Definition;
        var (plan, ownFailure, bug) = PlanOnFacts(task);
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
            case NoChange noChange:
                return Outcome(play, definition, TaskOutcome.Ok, message: noChange.Reason, plan: plan);
            case Skip skip:
                return Outcome(play, definition, TaskOutcome.Skipped, message: skip.Reason, plan: plan);
            case PlanFailure failure:
                return Outcome(play, definition, TaskOutcome.Failed, message: failure.Message, plan: plan);
            case Change change when task.Context.CheckMode && !change.ReadOnly:
                Predict(change);
                return Outcome(play, definition, ChangedOr(definition), change.Changes, DiffFor(change, true), plan: plan);
            case Change change:
                return await ApplyAsync(play, task, task.Environment.Length == 0 ? change : change with { Script = task.Environment + change.Script }, become, cancellationToken).ConfigureAwait(false);
            default:
                throw new InvalidOperationException($"unknown plan {plan.GetType().Name}");
        }
    }

    private async Task<TaskResult> ApplyAsync(Play play, PreparedTask task, Change change, bool become, CancellationToken cancellationToken)
    {
        var definition = task.Definition;
        var timeout = definition.Timeout
            ?? (task.Module.MinimumTimeout is { } least && least > _options.TaskTimeout ? least : _options.TaskTimeout);
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
            // changed_when: false declares a command that changes nothing (a read): the facts read before it stay valid.
            if (!change.ReadOnly && definition.ChangedWhen != false)
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

    /// <summary><c>changed_when: false</c> turns a change into ok.</summary>
    private static TaskOutcome ChangedOr(TaskDefinition task) => task.ChangedWhen == false ? TaskOutcome.Ok : TaskOutcome.Changed;

    private string? DiffFor(Change change, bool checkMode = false) => _options.Diff || _options.CheckMode || checkMode ? change.Diff : null;

    /// <summary>
    /// A task's result: its outcome, and its result in Ansible's shape from the plan's data (or the completed script's) and the
    /// script's output (a <c>no_log</c> task's is censored when it is reported).
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
        var data = completed?.Data ?? plan?.Data ?? ModuleResult.NoData;
        return new(play.Name, task.Name, task.Module, status, changes ?? [], diff, message, Attempts: 1, DurationMs: 0)
        {
            Result = ModuleResult.Build(status, message, command, data),
            Warnings = [.. plan?.Warnings ?? [], .. completed?.Warnings ?? []],
            Location = task.Location,
        };
    }

    private const string Hidden = "(hidden: no_log)";

    /// <summary>What a <c>no_log</c> task reports: its status, and that the rest is hidden (Ansible's "censored").</summary>
    private static TaskResult Censored(TaskResult result) => result with
    {
        Changes = result.Changes.Count > 0 ? [Hidden] : [],
        Diff = null,
        Message = result.Message is null ? null : Hidden,
        Result = ModuleResult.Build(result.Status, result.Message is null ? null : Hidden, null, ModuleResult.NoData),
        Warnings = [],
    };

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

}
