using Fleet.Core.Inventory;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution;

/// <summary>
/// What a task inherits from the blocks (and includes, and roles) around it: conditions that must all hold, variables from the
/// outermost to the innermost block, become, ignore_errors, check_mode, environment, no_log, any_errors_fatal.
/// </summary>
internal sealed record Frame(
    IReadOnlyList<Expression> Conditions,
    IReadOnlyList<IReadOnlyDictionary<string, object?>> Vars,
    bool? Become,
    bool IgnoreErrors,
    bool? CheckMode,
    IReadOnlyDictionary<string, object?> Environment,
    bool NoLog,
    bool AnyErrorsFatal)
{
    public static Frame Root(Play play)
    {
        var root = new Frame([], [], play.Become, false, null, ModuleVars.None, false, play.AnyErrorsFatal);
        return play.Keywords is { } keywords ? root.Enter(keywords) : root;
    }

    /// <summary>The frame inside a block (or an include's <c>apply</c>): its keywords added to these.</summary>
    public Frame Enter(TaskDefinition block) => new(
        block.When is null ? Conditions : [.. Conditions, block.When],
        block.Keywords.Vars.Count == 0 ? Vars : [.. Vars, block.Keywords.Vars],
        block.Become ?? Become,
        IgnoreErrors || block.IgnoreErrors,
        block.Keywords.CheckMode ?? CheckMode,
        block.Keywords.Environment.Count == 0 ? Environment : Merge(Environment, block.Keywords.Environment),
        NoLog || block.NoLog,
        AnyErrorsFatal || (block.Keywords.AnyErrorsFatal ?? false));

    /// <summary>The frame with more variables (an include's loop item, its <c>vars</c>).</summary>
    public Frame With(IReadOnlyDictionary<string, object?> vars) => vars.Count == 0 ? this : this with { Vars = [.. Vars, vars] };

    private static Dictionary<string, object?> Merge(IReadOnlyDictionary<string, object?> a, IReadOnlyDictionary<string, object?> b)
    {
        var merged = new Dictionary<string, object?>(a, StringComparer.Ordinal);
        foreach (var (k, v) in b)
        {
            merged[k] = v;
        }

        return merged;
    }
}

internal sealed partial class HostSession
{
    /// <summary>Variables this host set with <c>set_fact</c> and <c>register</c>: they outlive the play, as in Ansible.</summary>
    private readonly Dictionary<string, object?> _hostFacts = new(StringComparer.Ordinal);

    /// <summary>
    /// Facts that module results returned under <c>ansible_facts</c> (package_facts, service_facts, getent, set_fact with
    /// cacheable): Ansible's fact cache beside the connect-time facts, for the rest of the run.
    /// </summary>
    private readonly Dictionary<string, object?> _moduleFacts = new(StringComparer.Ordinal);

    /// <summary>Variables read with <c>include_vars</c>.</summary>
    private readonly Dictionary<string, object?> _includedVars = new(StringComparer.Ordinal);

    private readonly Lock _variablesLock = new();

    /// <summary>Handler names and listen topics notified and not yet run.</summary>
    private readonly HashSet<string> _notified = new(StringComparer.Ordinal);

    private PlayRun? _run;

    /// <summary>The plays after the current one that include this host, in order: their facts are read ahead with the connect trip.</summary>
    public IReadOnlyList<Play> LaterPlays { get; set; } = [];
    private bool _playEnded;
    private string? _failure;

    /// <summary>This host's variables for <c>hostvars</c>: inventory, facts, include_vars, set_fact and registered results.</summary>
    public IReadOnlyDictionary<string, object?> Snapshot()
    {
        var all = new Dictionary<string, object?>(HostScope.Magic(Host, _groups), StringComparer.Ordinal);
        foreach (var layer in new[] { FactVariables(), Host.Vars })
        {
            foreach (var (k, v) in layer)
            {
                all[k] = v;
            }
        }

        lock (_variablesLock)
        {
            foreach (var (k, v) in _includedVars.Concat(_hostFacts))
            {
                all[k] = v;
            }
        }

        return all;
    }

    /// <summary>
    /// The facts as variables, as Ansible's variable manager gives them: <c>ansible_facts</c> holds the connect-time facts and
    /// every module-returned fact (an <c>ansible_</c> prefix removed), and each module-returned fact is also a variable of
    /// its own name (INJECT_FACTS_AS_VARS, on by default): <c>packages</c>, <c>services</c>, <c>getent_passwd</c>.
    /// </summary>
    private IReadOnlyDictionary<string, object?> FactVariables()
    {
        var system = System?.ToVariables() ?? ModuleVars.None;
        lock (_variablesLock)
        {
            if (_moduleFacts.Count == 0)
            {
                return system;
            }

            var variables = new Dictionary<string, object?>(system, StringComparer.Ordinal);
            var namespaced = system.TryGetValue("ansible_facts", out var facts) && facts is IReadOnlyDictionary<string, object?> known
                ? new Dictionary<string, object?>(known, StringComparer.Ordinal)
                : new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (name, value) in _moduleFacts)
            {
                variables[name] = value;
                namespaced[name.StartsWith("ansible_", StringComparison.Ordinal) && name != "ansible_local" ? name["ansible_".Length..] : name] = value;
            }

            variables["ansible_facts"] = namespaced;
            return variables;
        }
    }

    /// <summary>
    /// Keeps the facts a task's result returned under <c>ansible_facts</c> (each item's, for a loop), as Ansible's strategy does:
    /// not for failed or skipped results, not for debug; set_fact's only with <c>cacheable</c>, include_vars's never (they are
    /// variables already).
    /// </summary>
    private void KeepReturnedFacts(TaskDefinition task, TaskResult result)
    {
        if (result.Status is TaskOutcome.Failed or TaskOutcome.Skipped || task.Module is "debug" or "include_vars"
            || (task.Module == "set_fact" && !(task.Args.Entries.FirstOrDefault(e => e.Key == "cacheable").Value is ScalarArg { Value: { } cacheable } && Values.ToBool(cacheable) is true)))
        {
            return;
        }

        var items = result.Result.TryGetValue("results", out var all) && all is IReadOnlyList<object?> list
            ? list.OfType<IReadOnlyDictionary<string, object?>>()
            : [result.Result];
        lock (_variablesLock)
        {
            foreach (var item in items)
            {
                if (item.TryGetValue("ansible_facts", out var returned) && returned is IReadOnlyDictionary<string, object?> facts
                    && !(item.TryGetValue("failed", out var failed) && failed is true) && !(item.TryGetValue("skipped", out var skipped) && skipped is true))
                {
                    foreach (var (name, value) in facts)
                    {
                        _moduleFacts[name] = value;
                    }
                }
            }
        }
    }

    /// <summary>Runs a play's task tree on this host: blocks, includes, roles, loops; handlers at each flush.</summary>
    public async Task RunPlayAsync(Play play, PlayRun run, CancellationToken cancellationToken)
    {
        _run = run;
        _playEnded = false;
        _notified.Clear();
        if (Stopped || !play.Tasks.SelectMany(t => t.Flatten()).Any(t => t.Keywords.Kind != TaskKind.Block && !t.Keywords.Implicit && IsSelectedByTags(t)))
        {
            return;
        }

        // Facts for every task that can be planned from the play's variables are read with the connect round trip.
        BuildLookahead(play);
        if (_connection is null)
        {
            var become = play.Become ?? Target.Become;
            var first = LookaheadFacts(0, become);
            if (!await EnsureConnectedAsync([.. first, .. LaterPlaysFacts(become)], become, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            BuildLookahead(play); // with the facts now known, more arguments render
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

            if (_run.Ended)
            {
                _playEnded = true;
                return true;
            }

            var ok = node.Keywords.Kind switch
            {
                TaskKind.Block => await RunBlockAsync(node, frame, cancellationToken).ConfigureAwait(false),
                TaskKind.IncludeTasks or TaskKind.IncludeRole => await RunIncludeAsync(node, frame, cancellationToken).ConfigureAwait(false),
                _ when node.Module == "meta" => await RunMetaAsync(node, frame, cancellationToken).ConfigureAwait(false),
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

        var scope = Scope(include, frame, null);
        IReadOnlyList<object?> items;
        try
        {
            items = include.Keywords.Loop is { } loop ? Loops.Items(loop, scope, SearchDirectories(include, "files")) : [NoItem];
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
            var itemVars = items[i] == NoItem ? null : LoopVariables(include, items[i], i, items.Count);
            var itemScope = Scope(include, frame, itemVars);
            string? why;
            try
            {
                why = FalseCondition(include, frame, itemScope);
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
                (body, handlers) = LoadInclude(include, itemScope);
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

            _dynamicHandlers.AddRange(handlers.Where(h => !_dynamicHandlers.Contains(h)));
            included.Add((itemVars, body));
        }

        if (included.Count > 0)
        {
            // Ansible's recap counts an include_tasks once per included file (per loop item) and an include_role not at all.
            Report(include, TaskOutcome.Ok, null, frame, tally: include.Keywords.Kind == TaskKind.IncludeRole ? 0 : included.Count);
        }
        else if (items.Count > 1)
        {
            Report(include, TaskOutcome.Skipped, "condition false for every item", frame);
        }

        foreach (var (itemVars, body) in included)
        {
            var inner = frame.With(itemVars ?? ModuleVars.None).With(include.Keywords.Vars);
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

    private readonly List<TaskDefinition> _dynamicHandlers = [];

    private (TaskDefinition Body, IReadOnlyList<TaskDefinition> Handlers) LoadInclude(TaskDefinition include, IVariableLookup scope)
    {
        string Arg(string name, string fallback) => include.Args[name] is ScalarArg { Value: { } v } arg ? Template.RenderString(v, scope, arg.Location) : fallback;
        var block = (IReadOnlyList<TaskDefinition> tasks) => include with { Module = "block", When = null, Keywords = include.Keywords with { Kind = TaskKind.Block, Block = new BlockBody(tasks, [], []), Vars = ModuleVars.None, Loop = null } };
        if (include.Keywords.Preloaded is { } preloaded)
        {
            return (block(preloaded.Tasks), []);
        }

        if (include.Keywords.Kind == TaskKind.IncludeTasks)
        {
            return (block(PlaybookLoader.LoadIncludedTasks(include, Arg("file", ""), _run!.Play, _catalog)), []);
        }

        var (role, handlers) = PlaybookLoader.LoadIncludedRole(include, Arg("name", ""), Arg("tasks_from", "main"), _run!.Play, _catalog);
        return (block([role]), handlers);
    }

    private async Task<bool> RunMetaAsync(TaskDefinition task, Frame frame, CancellationToken cancellationToken)
    {
        var action = (task.Args["free_form"] as ScalarArg)?.Value;
        if (!task.Keywords.Implicit && FalseCondition(task, frame, Scope(task, frame, null)) is { } why)
        {
            Report(task, TaskOutcome.Skipped, $"condition false: {why}", frame);
            return true;
        }

        switch (action)
        {
            case "flush_handlers":
                await FlushHandlersAsync(cancellationToken).ConfigureAwait(false);
                break;
            case "end_host" or "role_complete":
                _playEnded = action == "end_host";
                break;
            case "end_play":
                _run!.End();
                _playEnded = true;
                break;
        }

        return !Stopped;
    }

    /// <summary>Runs the notified handlers once each, in the order they are written; a handler may notify another, which then runs too.</summary>
    private async Task FlushHandlersAsync(CancellationToken cancellationToken)
    {
        var handlers = _run!.Play.Handlers.Concat(_dynamicHandlers).ToList();
        while (!Stopped && _notified.Count > 0)
        {
            var pending = handlers.Where(h => Topics(h).Any(_notified.Contains)).ToList();
            _notified.Clear();
            if (pending.Count == 0)
            {
                return;
            }

            foreach (var handler in pending)
            {
                var frame = Frame.Root(_run.Play);
                if (!await RunTaskAsync(handler, frame, handler: true, cancellationToken).ConfigureAwait(false))
                {
                    Fail(_failure ?? $"handler '{handler.Name}' failed");
                    return;
                }
            }
        }

        static IEnumerable<string> Topics(TaskDefinition h) =>
            h.Keywords.Listen.Prepend(h.Name).Concat(h.Keywords.Role is { } role ? [$"{role.Name} : {h.Name}"] : []);
    }

    /// <summary>Records a task result that ran no module (an include, a skipped meta); returns it.</summary>
    private TaskResult Report(TaskDefinition task, TaskOutcome status, string? message, Frame frame, int tally = 1)
    {
        _observer.TaskStarted(Host.Name, _run!.Play.Name, DisplayName(task, null));
        var result = Outcome(_run.Play, task with { Name = DisplayName(task, null) }, status, message: message) with { Ignored = status == TaskOutcome.Failed && (task.IgnoreErrors || frame.IgnoreErrors), Tally = tally };
        if (task.NoLog || frame.NoLog)
        {
            result = Censored(result);
        }

        Result.Tasks.Add(result);
        _observer.TaskFinished(Host.Name, result);
        if (status == TaskOutcome.Failed && !result.Ignored)
        {
            _failure = $"task '{result.Name}' failed: {message}";
        }

        return result;
    }

    /// <summary>The task's name as reported: rendered, and "role : name" inside a role (as Ansible shows it).</summary>
    private string DisplayName(TaskDefinition task, IVariableLookup? scope)
    {
        var name = scope is null ? task.Name : RenderName(task.Name, scope);
        return task.Keywords.Role is { } role && !task.Keywords.IsRole ? $"{role.Name} : {name}" : name;
    }
}
