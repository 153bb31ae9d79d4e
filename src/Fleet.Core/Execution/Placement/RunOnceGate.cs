namespace Fleet.Core.Execution.Placement;

/// <summary>
/// Where the hosts of one batch meet at a <c>run_once</c> task. Fleet's hosts walk their tasks independently, so the first host of
/// the batch (in inventory order) to reach the task is found without lockstep: a host that arrives waits only until every host
/// before it has arrived too or has left the play (failed, ended, or never reaching that task), then the earliest host that
/// arrived runs the task and the others take its result. Every wait points at an earlier host, so no set of hosts can wait on
/// each other in a circle, and a host that stopped before the task releases the others when it leaves.
/// </summary>
internal sealed class RunOnceGate
{
    private readonly IReadOnlyList<string> _order;
    private readonly Lock _lock = new();
    private readonly HashSet<string> _left = new(StringComparer.Ordinal);
    private readonly Dictionary<RunOnceKey, Meeting> _meetings = [];
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>A gate for the hosts of a batch, in the order Ansible's linear strategy would take them.</summary>
    public RunOnceGate(IReadOnlyList<string> hosts) => _order = hosts;

    /// <summary>The hosts of the batch, in order.</summary>
    public IReadOnlyList<string> Hosts => _order;

    /// <summary>
    /// <paramref name="host"/> reached the task occurrence <paramref name="key"/>: returns once it is known who runs it (this host,
    /// or the result's promise of an earlier one). A host not in the batch runs the task itself.
    /// </summary>
    public async Task<RunOnceTicket> ArriveAsync(string host, RunOnceKey key, CancellationToken cancellationToken)
    {
        var position = IndexOf(host);
        if (position < 0)
        {
            return new RunOnceTicket(host, null);
        }

        Meeting meeting;
        lock (_lock)
        {
            meeting = _meetings.TryGetValue(key, out var found) ? found : _meetings[key] = new Meeting();
            meeting.Arrived.Add(host);
            Pulse();
        }

        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (Decided(meeting, position) is { } runner)
                {
                    return runner == host ? new RunOnceTicket(host, meeting.Result) : new RunOnceTicket(runner, null) { Shared = meeting.Result.Task };
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary><paramref name="host"/> is done with the play (its last task ran, it failed, or it ended): nobody waits for it any more.</summary>
    public void Leave(string host)
    {
        lock (_lock)
        {
            _left.Add(host);
            Pulse();
        }
    }

    /// <summary>The runner once every host before <paramref name="position"/> has arrived or left; null while one has not.</summary>
    private string? Decided(Meeting meeting, int position)
    {
        for (var i = 0; i < position; i++)
        {
            var earlier = _order[i];
            if (meeting.Arrived.Contains(earlier))
            {
                return earlier; // the first that arrived, all before it having left
            }

            if (!_left.Contains(earlier))
            {
                return null;
            }
        }

        return _order[position];
    }

    private int IndexOf(string host)
    {
        for (var i = 0; i < _order.Count; i++)
        {
            if (_order[i] == host)
            {
                return i;
            }
        }

        return -1;
    }

    private void Pulse()
    {
        var old = _changed;
        _changed = NewSignal();
        old.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The hosts at one task occurrence and the result its runner shares.</summary>
    private sealed class Meeting
    {
        public HashSet<string> Arrived { get; } = new(StringComparer.Ordinal);

        public TaskCompletionSource<RunOnceOutcome> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>One occurrence of a <c>run_once</c> task on a host: where it is written and how many times the host reached it before (a loop of includes).</summary>
internal readonly record struct RunOnceKey(SourceLocation Task, int Occurrence);

/// <summary>The task's result as its runner had it (before no_log censoring), or null when the runner stopped before it had one.</summary>
internal sealed record RunOnceOutcome(string Host, Results.TaskResult? Result);

/// <summary>A host's part at a run_once task: it runs it (<see cref="Leads"/>, and shares the result), or it takes the runner's.</summary>
internal sealed class RunOnceTicket(string runner, TaskCompletionSource<RunOnceOutcome>? share)
{
    /// <summary>The host that runs the task.</summary>
    public string Runner => runner;

    /// <summary>This host runs the task.</summary>
    public bool Leads => Shared is null;

    /// <summary>The runner's result, for a host that does not run the task.</summary>
    public Task<RunOnceOutcome>? Shared { get; init; }

    /// <summary>Shares the runner's result with the hosts waiting for it (once; later calls are ignored).</summary>
    public void Share(Results.TaskResult? result) => share?.TrySetResult(new RunOnceOutcome(runner, result));
}
