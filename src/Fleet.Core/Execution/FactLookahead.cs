using Fleet.Core.Facts;
using Fleet.Core.Playbooks;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution;

/// <summary>
/// The facts a play's module tasks will read, known ahead: each read of facts also takes the later tasks' (and, at connect, the
/// later plays'), so a converged host needs one round trip, not one per task. A task whose arguments use a result not yet
/// registered is planned again at the next read.
/// </summary>
/// <param name="factsOf">The facts a module task reads in a play run and frame (every loop item's); throws when it cannot render yet.</param>
/// <param name="isModule">Whether a task runs a module (an engine action reads no facts).</param>
/// <param name="needed">Whether a fact is still to be read (not known, not made unknown by a change check mode only predicted).</param>
internal sealed class FactLookahead(
    Func<SharedPlayState, TaskDefinition, Frame, IReadOnlyList<Fact>> factsOf, Func<TaskDefinition, bool> isModule, Func<Fact, bool> needed)
{
    /// <summary>A module task of the play, the frame it runs in, and the facts it would read (null until its arguments render).</summary>
    private sealed class Entry(TaskDefinition task, Frame frame)
    {
        public TaskDefinition Task { get; } = task;

        public Frame Frame { get; } = frame;

        public IReadOnlyList<Fact>? Facts { get; set; }

        /// <summary>Whether the task runs with become: its facts are read only in a trip with the same privileges.</summary>
        public bool? Become { get; } = task.Become ?? frame.Become;
    }

    /// <summary>Module tasks of the play in order, with the facts they would read.</summary>
    private List<Entry> _entries = [];
    private Dictionary<TaskDefinition, int> _index = new(ReferenceEqualityComparer.Instance);
    private SharedPlayState? _run;

    /// <summary>The index of the last module task started: later ones are read ahead.</summary>
    private int _position = -1;

    /// <summary>Lists the play's module tasks (blocks and preloaded includes opened) and renders what it can.</summary>
    public void Build(SharedPlayState run)
    {
        _run = run;
        _entries = [];
        _index = new(ReferenceEqualityComparer.Instance);
        _position = -1;
        Add(run.Play.Tasks, Frame.Root(run.Play));
        Add(run.Play.Handlers, Frame.Root(run.Play));
        Plan(0);
    }

    /// <summary>A task starts: only the tasks after it are read ahead from now on.</summary>
    public void Reached(TaskDefinition task)
    {
        if (_index.TryGetValue(task, out var position))
        {
            _position = position;
        }
    }

    /// <summary>
    /// Facts that the module tasks after the current one would read, not yet known, of the tasks that run with
    /// <paramref name="become"/> (a root-only file read without become would look missing); <paramref name="hostBecome"/> is
    /// the host's own setting, for tasks that say nothing.
    /// </summary>
    public List<Fact> Ahead(bool become, bool hostBecome)
    {
        var from = _position + 1;
        Plan(from);
        return _entries.Skip(from).Where(l => (l.Become ?? hostBecome) == become).SelectMany(l => l.Facts ?? [])
            .Where(needed).Distinct().ToList();
    }

    /// <summary>
    /// Facts of <paramref name="plays"/>' tasks that render now (with <paramref name="become"/>), read with the connect round trip:
    /// a converged host then needs no trip per play. A change forgets the facts it touches, as within a play, so none is stale.
    /// </summary>
    public List<Fact> LaterPlays(IReadOnlyList<Play> plays, bool become, bool hostBecome)
    {
        var facts = new List<Fact>();
        foreach (var later in plays)
        {
            var ahead = new FactLookahead(factsOf, isModule, needed);
            ahead.Build(new SharedPlayState(later, _run!.HostVars));
            facts.AddRange(ahead.Ahead(become, hostBecome));
        }

        return facts;
    }

    private void Add(IEnumerable<TaskDefinition> nodes, Frame frame)
    {
        foreach (var node in nodes)
        {
            switch (node.Keywords.Kind)
            {
                case TaskKind.Block:
                    var inner = frame.Enter(node with { When = null });
                    Add(node.Keywords.Block!.Tasks.Concat(node.Keywords.Block.Always).Concat(node.Keywords.Block.Rescue), inner);
                    break;
                case TaskKind.IncludeTasks or TaskKind.IncludeRole when node.Keywords.Preloaded is { } preloaded && node.Keywords.Loop is null:
                    var included = frame.Include(node.Keywords.Vars);
                    Add(preloaded.Tasks, node.Keywords.Apply is { } apply ? included.Enter(apply with { When = null }) : included);
                    break;
                case TaskKind.Module when isModule(node):
                    _index[node] = _entries.Count;
                    _entries.Add(new Entry(node, frame));
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
        foreach (var entry in _entries.Skip(from).Where(l => l.Facts is null))
        {
            try
            {
                entry.Facts = factsOf(_run!, entry.Task, entry.Frame);
            }
            catch (Exception ex) when (ex is FleetInputException or UndefinedVariableException or FormatException)
            {
                // Not plannable yet (a registered result, a loop over one): tried again at the next read.
            }
        }
    }
}
