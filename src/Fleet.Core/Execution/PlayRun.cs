using System.Collections.Concurrent;
using Fleet.Core.Playbooks;

namespace Fleet.Core.Execution;

/// <summary>
/// What the hosts of one play share while each walks its own task tree: <c>throttle</c> limits, the <c>any_errors_fatal</c> and
/// <c>meta: end_play</c> stops, and every host's variables for <c>hostvars</c>.
/// </summary>
internal sealed class PlayRun(Play play, IReadOnlyDictionary<string, object?> hostVars)
{
    private readonly ConcurrentDictionary<SourceLocation, SemaphoreSlim> _throttles = new();

    public Play Play { get; } = play;

    /// <summary><c>hostvars</c>: every host of the run by name, each its variables as they are now.</summary>
    public IReadOnlyDictionary<string, object?> HostVars { get; } = hostVars;

    /// <summary>A host failed under <c>any_errors_fatal</c>: the others stop before their next task.</summary>
    public string? FatalFailure { get; private set; }

    /// <summary><c>meta: end_play</c> ran: every host ends the play before its next task.</summary>
    public bool Ended { get; private set; }

    public void Fatal(string host) => FatalFailure ??= host;

    public void End() => Ended = true;

    /// <summary>The semaphore of a throttled task (one per task, shared by the hosts).</summary>
    public SemaphoreSlim Throttle(TaskDefinition task, int limit) => _throttles.GetOrAdd(task.Location, _ => new SemaphoreSlim(Math.Max(1, limit)));
}

/// <summary><c>hostvars</c>: each host's variables, read when asked (so later plays see earlier set_facts).</summary>
internal sealed class HostVarsView(IReadOnlyDictionary<string, HostSession> sessions) : IReadOnlyDictionary<string, object?>
{
    public object? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => sessions.Keys;

    public IEnumerable<object?> Values => sessions.Values.Select(s => (object?)s.Snapshot());

    public int Count => sessions.Count;

    public bool ContainsKey(string key) => sessions.ContainsKey(key);

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() =>
        sessions.Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value.Snapshot())).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public bool TryGetValue(string key, out object? value)
    {
        if (sessions.TryGetValue(key, out var session))
        {
            value = session.Snapshot();
            return true;
        }

        value = null;
        return false;
    }
}
