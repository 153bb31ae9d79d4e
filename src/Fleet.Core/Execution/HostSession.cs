using System.Diagnostics;
using Fleet.Core.Facts;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Results;

namespace Fleet.Core.Execution;

/// <summary>
/// One host's side of a run: its single connection, its fact cache, its results.
/// Plays call <see cref="RunPlayAsync"/> in order; the connection stays open between them.
/// </summary>
internal sealed partial class HostSession : IAsyncDisposable
{
    private readonly IConnector _connector;
    private readonly ModuleCatalog _catalog;
    private readonly RunOptions _options;
    private readonly IRunObserver _observer;
    private readonly FactCache _facts = new();
    private readonly Stopwatch _clock = new();
    private IHostConnection? _connection;
    private bool _finishedReported;

    private readonly IReadOnlyDictionary<string, object?> _groups;

    public HostSession(Inventory.Inventory inventory, InventoryHost host, IConnector connector, ModuleCatalog catalog, RunOptions options, IRunObserver observer)
    {
        var target = inventory.ResolveTarget(host, options.ExtraVars);
        _groups = inventory.GroupsVariable;
        Host = host;
        Target = target;
        _connector = connector;
        _catalog = catalog;
        _options = options;
        _observer = observer;
        Result = new HostResult(host.Name, target.Address);
    }

    public InventoryHost Host { get; }

    /// <summary>How the host is reached; a confirmed sshd Port change moves it to the new port for later tasks and plays.</summary>
    public HostTarget Target { get; private set; }

    public HostResult Result { get; }

    /// <summary>The host stopped: unreachable or a task failed; later plays skip it.</summary>
    public bool Stopped => Result.Status is HostStatus.Failed or HostStatus.Unreachable;

    /// <summary>Facts about the operating system, read at connect.</summary>
    public SystemInfo? System { get; private set; }

    /// <summary>Connects once and reads the system facts plus <paramref name="firstFacts"/> in the same round trip.</summary>
    public async Task<bool> EnsureConnectedAsync(IReadOnlyList<Fact> firstFacts, bool become, CancellationToken cancellationToken)
    {
        if (_connection is not null)
        {
            return true;
        }

        if (Stopped)
        {
            return false;
        }

        _clock.Start();
        _observer.HostStarted(Host.Name);
        try
        {
            _connection = await _connector.ConnectAsync(Target, cancellationToken).ConfigureAwait(false);
            Result.HostKeyFingerprint = _connection.HostKeyFingerprint;
            Result.KeyExchange = _connection.KeyExchange;
            var system = new SystemFact();
            if (_connection.KnownSystem(become) is { } known)
            {
                _facts.Set(system, known);
            }

            await GatherAsync([system, .. firstFacts], become, cancellationToken).ConfigureAwait(false);
            System = _facts.Get(system);
            _connection.KeepSystem(become, System);
            Result.Facts = System.ToVariables().Where(kv => kv.Value is string or long).ToDictionary(kv => kv.Key, kv => Templating.Values.ToText(kv.Value));
            return true;
        }
        catch (HostUnreachableException ex)
        {
            MarkUnreachable(ex.Message);
            return false;
        }
        catch (Exception ex) when (ex is FormatException or RemoteTimeoutException)
        {
            Result.Status = HostStatus.Failed;
            Result.Error = "reading facts failed: " + ex.Message;
            return false;
        }
    }

    /// <summary>Reads every fact not already known, in one round trip.</summary>
    private async Task GatherAsync(IEnumerable<Fact> facts, bool become, CancellationToken cancellationToken)
    {
        var missing = facts.Where(f => !_facts.Contains(f)).Distinct().ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var batch = new FactBatch(missing);
        var result = await _connection!.RunAsync(new RemoteCommand(batch.Script(), become, _options.TaskTimeout) { ReadOnly = true }, cancellationToken).ConfigureAwait(false);
        batch.Parse(result.Stdout, _facts);
    }

    /// <summary>
    /// Fails the host for an error the engine did not foresee (a defect, or a transport error of an unknown kind): the host stops,
    /// the others go on, and the reason is reported instead of being lost.
    /// </summary>
    public void MarkFailed(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Result.Status = HostStatus.Failed;
        Result.Error ??= $"internal error: {error.GetType().Name}: {error.Message}";
        _observer.InternalError(Host.Name, error);
    }

    /// <summary>
    /// The run was interrupted before this host finished its plays: it did not converge, so it is failed (not ok), with that
    /// reason; a host already failed or unreachable keeps its own.
    /// </summary>
    public void MarkInterrupted()
    {
        if (Stopped)
        {
            return;
        }

        Result.Status = HostStatus.Failed;
        Result.Error = "interrupted before this host finished";
    }

    /// <summary>The host's result is final (its last play ran, or it stopped).</summary>
    public bool IsFinished => _finishedReported;

    private void MarkUnreachable(string reason)
    {
        Result.Status = HostStatus.Unreachable;
        Result.Error = reason;
    }

    /// <summary>Sets the host's final status from its tasks and tells the observer once.</summary>
    public void Finish()
    {
        if (_finishedReported)
        {
            return;
        }

        _finishedReported = true;
        _clock.Stop();
        Result.DurationMs = _clock.ElapsedMilliseconds;
        if (!Stopped)
        {
            Result.Status = Result.Tasks.Any(t => t.Status == TaskOutcome.Changed) ? HostStatus.Changed : HostStatus.Ok;
        }

        _observer.HostFinished(Result);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
    }
}
