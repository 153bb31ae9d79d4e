using System.Diagnostics;
using Fleet.Core.Facts;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Execution;

/// <summary>
/// One host's side of a run: its single connection (and the facts read over it), the walk of each play's task tree (blocks,
/// includes, meta, handler flushes), and its result. Plays call <see cref="RunPlayAsync"/> in order; the connection stays open
/// between them. What one task does is the <see cref="TaskRunner"/>'s; the host's variables are <see cref="HostVariables"/>.
/// </summary>
internal sealed partial class HostSession : IAsyncDisposable
{
    private readonly IConnector _connector;
    private readonly ModuleCatalog _catalog;
    private readonly RunOptions _options;
    private readonly IRunObserver _observer;
    private readonly FactCache _facts = new();
    private readonly Stopwatch _clock = new();
    private readonly HostVariables _variables;
    private readonly HandlerQueue _handlers = new();
    private readonly TaskRunner _runner;
    private bool _finishedReported;

    /// <summary>The login the inventory (or <c>-u</c>) gives; a play's <c>remote_user</c> may replace it for that play.</summary>
    private readonly string _login;

    // The walk of the current play.
    private SharedPlayState? _run;
    private bool _playEnded;
    private string? _failure;

    public HostSession(Inventory.Inventory inventory, InventoryHost host, IConnector connector, ModuleCatalog catalog, RunOptions options, IRunObserver observer)
    {
        var target = inventory.ResolveTarget(host, options.ExtraVars);
        if (!ReferenceEquals(options.Vault, Vault.VaultKeyring.None))
        {
            // Passwords written in the inventory are masked like vaulted values (the shared empty keyring keeps no run's secrets).
            options.Vault.Secrets.Add(target.Password?.Reveal());
            options.Vault.Secrets.Add(target.BecomePassword?.Reveal());
        }

        Host = host;
        Target = target;
        _login = target.User;
        _connector = connector;
        _catalog = catalog;
        _options = options;
        _observer = observer;
        _variables = new HostVariables(host, inventory.GroupsVariable, options);
        Delegates = new Placement.DelegateSites(inventory, connector, catalog, options);
        _runner = new TaskRunner(this, connector, catalog, options, observer, _facts, _variables, _handlers);
        Result = new HostResult(host.Name, target.Address);
    }

    public InventoryHost Host { get; }

    /// <summary>How the host is reached; a confirmed sshd Port change moves it to the new port for later tasks and plays.</summary>
    public HostTarget Target { get; internal set; }

    public HostResult Result { get; }

    /// <summary>The host stopped: unreachable or a task failed; later plays skip it.</summary>
    public bool Stopped => Result.Status is HostStatus.Failed or HostStatus.Unreachable;

    /// <summary>Facts about the operating system, read at connect.</summary>
    public SystemInfo? System => _variables.System;

    /// <summary>The connection, once connected; the task runner's changes go over it.</summary>
    internal IHostConnection? Connection { get; private set; }

    /// <summary>The plays after the current one that include this host, in order: their facts are read ahead with the connect trip.</summary>
    public IReadOnlyList<Play> LaterPlays { get; set; } = [];

    /// <summary>This host's variables for <c>hostvars</c>: inventory, facts, include_vars, set_fact and registered results.</summary>
    public IReadOnlyDictionary<string, object?> Snapshot() => _variables.Snapshot();

    /// <summary>
    /// Connects once and reads the system facts plus <paramref name="firstFacts"/> in the same round trip, through sudo with
    /// <paramref name="becomeFlags"/> (null: Ansible's defaults) when <paramref name="become"/>.
    /// </summary>
    public async Task<bool> EnsureConnectedAsync(IReadOnlyList<Fact> firstFacts, bool become, IReadOnlyList<string>? becomeFlags, CancellationToken cancellationToken)
    {
        if (Connection is not null)
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
            Connection = await _connector.ConnectAsync(Target, cancellationToken).ConfigureAwait(false);
            Result.HostKeyFingerprint = Connection.HostKeyFingerprint;
            Result.KeyExchange = Connection.KeyExchange;
            var system = new SystemFact();
            if (Connection.KnownSystem(become) is { } known)
            {
                _facts.Set(system, known);
            }

            await GatherAsync([system, .. firstFacts], become, becomeFlags, cancellationToken).ConfigureAwait(false);
            var info = _facts.Get(system);
            _variables.System = info;
            Connection.KeepSystem(become, info);
            Result.Facts = info.ToVariables().Where(kv => kv.Value is string or long).ToDictionary(kv => kv.Key, kv => Templating.Values.ToText(kv.Value));
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

    /// <summary>Replaces a connection that broke with a new one (through the connector's retry pipeline); throws <see cref="HostUnreachableException"/> when none comes.</summary>
    internal async Task ReconnectAsync(CancellationToken cancellationToken)
    {
        if (Connection is { } broken)
        {
            Connection = null;
            await broken.DisposeAsync().ConfigureAwait(false);
        }

        Connection = await _connector.ConnectAsync(Target, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads every fact not already known, in one round trip, through sudo with the task's <paramref name="becomeFlags"/> when <paramref name="become"/>.</summary>
    internal async Task GatherAsync(IEnumerable<Fact> facts, bool become, IReadOnlyList<string>? becomeFlags, CancellationToken cancellationToken)
    {
        var missing = facts.Where(f => !_facts.Contains(f)).Distinct().ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var batch = new FactBatch(missing);
        var result = await Connection!.RunAsync(new RemoteCommand(batch.Script(), become, _options.TaskTimeout) { ReadOnly = true, BecomeFlags = becomeFlags }, cancellationToken).ConfigureAwait(false);
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

    internal void MarkUnreachable(string reason)
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

        Result.Error = _options.Vault.Secrets.Mask(Result.Error);
        _observer.HostFinished(Result);
    }

    public async ValueTask DisposeAsync()
    {
        await Delegates.DisposeAsync().ConfigureAwait(false);
        if (Connection is not null)
        {
            await Connection.DisposeAsync().ConfigureAwait(false);
            Connection = null;
        }
    }
}
