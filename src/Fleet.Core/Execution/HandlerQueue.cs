using Fleet.Core.Playbooks;

namespace Fleet.Core.Execution;

/// <summary>
/// One host's handlers in a play: the names and listen topics notified and not yet run, and the handlers that
/// <c>include_role</c> brought in; a flush runs each notified handler once, in the order they are written.
/// </summary>
internal sealed class HandlerQueue
{
    /// <summary>Handler names and listen topics notified and not yet run.</summary>
    private readonly HashSet<string> _notified = new(StringComparer.Ordinal);

    /// <summary>Handlers of roles included at run time, after the play's own.</summary>
    private readonly List<TaskDefinition> _included = [];

    /// <summary>A new play: nothing is notified (included roles' handlers stay known, as before the split).</summary>
    public void StartPlay() => _notified.Clear();

    /// <summary>A task changed: its <c>notify</c> names are pending.</summary>
    public void Notify(IEnumerable<string> topics) => _notified.UnionWith(topics);

    /// <summary>An included role's handlers join the ones a flush looks at.</summary>
    public void AddIncluded(IEnumerable<TaskDefinition> handlers) => _included.AddRange(handlers.Where(h => !_included.Contains(h)));

    /// <summary>
    /// Runs the notified handlers once each, in the order they are written; a handler may notify another, which then runs too.
    /// Returns the handler that failed, or null.
    /// </summary>
    public async Task<TaskDefinition?> FlushAsync(Play play, Func<bool> stopped, Func<TaskDefinition, Task<bool>> run)
    {
        var handlers = play.Handlers.Concat(_included).ToList();
        while (!stopped() && _notified.Count > 0)
        {
            var pending = handlers.Where(h => Topics(h).Any(_notified.Contains)).ToList();
            _notified.Clear();
            if (pending.Count == 0)
            {
                return null;
            }

            foreach (var handler in pending)
            {
                if (!await run(handler).ConfigureAwait(false))
                {
                    return handler;
                }
            }
        }

        return null;
    }

    private static IEnumerable<string> Topics(TaskDefinition h) =>
        h.Keywords.Listen.Prepend(h.Name).Concat(h.Keywords.Role is { } role ? [$"{role.Name} : {h.Name}"] : []);
}
