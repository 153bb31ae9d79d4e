using System.Collections.Concurrent;

namespace Fleet.Core.Execution;

/// <summary>
/// A connector that keeps each host's connection open between runs (<c>fleet enforce</c>): a run's sessions borrow the open
/// connection and closing them leaves it open, so a later run of a converged host costs one round trip (its fact batch) instead
/// of a handshake. A connection the transport reports closed, or one whose target changed in the inventory, is replaced through
/// the inner connector — its retry pipeline and host key check run again on every reconnect. Runs must not overlap.
/// </summary>
/// <remarks>
/// Only the connection and, for <see cref="HostFactsLifetime"/>, the host facts are kept: the tasks' facts live in each run's
/// host session and are read afresh every run, so drift is always seen.
/// </remarks>
public sealed class WarmConnector(IConnector inner, TimeProvider? time = null) : IConnector, IAsyncDisposable
{
    /// <summary>
    /// How long a kept connection keeps the host facts it read (OS, kernel, interfaces, mounts…): runs within it read only their
    /// tasks' facts, as Ansible's fact cache with smart gathering does; a new connection, or this long, reads them anew.
    /// </summary>
    public static readonly TimeSpan HostFactsLifetime = TimeSpan.FromMinutes(10);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, Kept> _kept = new(StringComparer.Ordinal);
    private int _connects;

    /// <summary>Connections opened through the inner connector so far (first connects and reconnects).</summary>
    public int Connects => Volatile.Read(ref _connects);

    /// <summary>Hosts with a connection kept open now.</summary>
    public IReadOnlyCollection<string> OpenHosts => _kept.Where(k => k.Value.Connection.IsOpen).Select(k => k.Key).ToList();

    /// <inheritdoc />
    public async Task<IHostConnection> ConnectAsync(HostTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (_kept.TryGetValue(target.Name, out var kept) && kept.Target == Identity(target) && kept.Connection.IsOpen)
        {
            return new Lease(this, target, kept.Connection, reused: true);
        }

        await ForgetAsync(target.Name).ConfigureAwait(false);
        return new Lease(this, target, await OpenAsync(target, cancellationToken).ConfigureAwait(false), reused: false);
    }

    /// <summary>Closes the connections of hosts not in <paramref name="hosts"/> (removed from the inventory).</summary>
    public async Task RetainAsync(IEnumerable<string> hosts)
    {
        var keep = hosts.ToHashSet(StringComparer.Ordinal);
        foreach (var name in _kept.Keys.Where(n => !keep.Contains(n)).ToList())
        {
            await ForgetAsync(name).ConfigureAwait(false);
        }
    }

    /// <summary>Closes every kept connection.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var name in _kept.Keys.ToList())
        {
            await ForgetAsync(name).ConfigureAwait(false);
        }
    }

    private async Task<IHostConnection> OpenAsync(HostTarget target, CancellationToken cancellationToken)
    {
        var connection = await inner.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _connects);
        _kept[target.Name] = new Kept(Identity(target), connection);
        return connection;
    }

    private async Task ForgetAsync(string host)
    {
        if (_kept.TryRemove(host, out var old))
        {
            await old.Connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>What the connection was opened for; the secrets compare by reference, which is enough to notice a reload.</summary>
    private static string Identity(HostTarget target) =>
        $"{target.User}@{target.Address}:{target.Port} key={target.IdentityFile} become={target.Become} keys={target.HostKeyPolicy}@{target.KnownHostsPath} via={(target.Jump is { } j ? Identity(j) : "-")}";

    private sealed record Kept(string Target, IHostConnection Connection)
    {
        /// <summary>The host facts read over this connection, by become, with when they were read.</summary>
        public ConcurrentDictionary<bool, (Facts.SystemInfo System, DateTimeOffset ReadAt)> Systems { get; } = new();
    }

    /// <summary>A run's view of a kept connection: disposing it keeps the connection open.</summary>
    private sealed class Lease(WarmConnector owner, HostTarget target, IHostConnection connection, bool reused) : IHostConnection
    {
        private bool _used;

        public HostTarget Target => target;

        public string HostKeyFingerprint => connection.HostKeyFingerprint;

        public string? KeyExchange => connection.KeyExchange;

        public bool IsOpen => connection.IsOpen;

        public Facts.SystemInfo? KnownSystem(bool become) =>
            Mine()?.Systems.TryGetValue(become, out var known) == true && owner._time.GetUtcNow() - known.ReadAt < HostFactsLifetime ? known.System : null;

        public void KeepSystem(bool become, Facts.SystemInfo system)
        {
            // Facts this run took from the connection keep their time; facts it read (first, or after the lifetime) start a new one.
            if (Mine() is { } kept && !(kept.Systems.TryGetValue(become, out var known) && ReferenceEquals(known.System, system)))
            {
                kept.Systems[become] = (system, owner._time.GetUtcNow());
            }
        }

        /// <summary>The kept entry of this lease's connection, or null once it was replaced or forgotten.</summary>
        private Kept? Mine() => owner._kept.TryGetValue(target.Name, out var kept) && ReferenceEquals(kept.Connection, connection) ? kept : null;

        public async Task<CommandResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken)
        {
            var first = !_used;
            _used = true;
            try
            {
                return await connection.RunAsync(command, cancellationToken).ConfigureAwait(false);
            }
            catch (HostUnreachableException) when (first && reused && command.ReadOnly && !cancellationToken.IsCancellationRequested)
            {
                // A kept connection that died unnoticed since the last run: the first command of a run is normally its read-only
                // fact batch, safe to send again on a fresh connection. Anything that changes a host is never sent twice (with the
                // host facts kept, a run whose tasks read no facts starts with a change: the host is unreachable for this run).
                await owner.ForgetAsync(target.Name).ConfigureAwait(false);
                connection = await owner.OpenAsync(target, cancellationToken).ConfigureAwait(false);
                return await connection.RunAsync(command, cancellationToken).ConfigureAwait(false);
            }
            catch (HostUnreachableException)
            {
                await owner.ForgetAsync(target.Name).ConfigureAwait(false);
                throw;
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
