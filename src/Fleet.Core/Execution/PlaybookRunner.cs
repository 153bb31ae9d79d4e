using System.Diagnostics;
using System.Globalization;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Fleet.Core.Vault;

namespace Fleet.Core.Execution;

/// <summary>
/// Runs playbooks across an inventory: plays in order, each play's hosts in rolling batches (<c>--serial</c>),
/// up to <c>--forks</c> hosts at once, one connection per host for the whole run.
/// A host that fails or is unreachable stops only itself.
/// </summary>
public sealed class PlaybookRunner(IConnector connector, ModuleCatalog catalog, IRunObserver? observer = null)
{
    private readonly IRunObserver _observer = observer ?? NullRunObserver.Instance;
    private readonly IConnector _connector = Placement.ConnectionRouter.Around(connector);

    /// <summary>Runs the playbooks and returns every host's results; an interrupted run returns what finished.</summary>
    public async Task<RunReport> RunAsync(Inventory.Inventory inventory, IReadOnlyList<Playbook> playbooks, RunOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(playbooks);
        ArgumentNullException.ThrowIfNull(options);
        using var vault = VaultKeyring.Use(options.Vault); // include_vars reads vaulted files with the run's passwords
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var selected = options.SelectedHosts(inventory);
        var plays = playbooks.SelectMany(pb => pb.Plays)
            .Select(play => (Play: play, Hosts: inventory.Select(play.Hosts).Where(h => selected is null || selected.Contains(h.Name)).ToList()))
            .ToList();

        var members = plays.Select(p => p.Hosts.Select(h => h.Name).ToHashSet(StringComparer.Ordinal)).ToList();

        // A host's last play: after it the host's result is final and is reported at once.
        var lastPlay = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < plays.Count; i++)
        {
            foreach (var host in plays[i].Hosts)
            {
                lastPlay[host.Name] = i;
            }
        }

        // The implicit localhost is in no inventory list: it comes from the plays that name it.
        var sessions = inventory.Hosts.Where(h => lastPlay.ContainsKey(h.Name)).Concat(plays.SelectMany(p => p.Hosts).Where(h => inventory.ImplicitLocalhost(h.Name) is not null).Distinct())
            .ToDictionary(h => h.Name, h => new HostSession(inventory, h, _connector, catalog, options, _observer), StringComparer.Ordinal);
        _observer.RunStarted(sessions.Count);
        var interrupted = false;
        var hostVars = new HostVarsView(sessions);
        try
        {
            for (var i = 0; i < plays.Count && !interrupted; i++)
            {
                var (play, hosts) = plays[i];
                var active = hosts.Select(h => sessions[h.Name]).Where(s => !s.Stopped).ToList();
                var run = new SharedPlayState(play, hostVars) { Sessions = sessions, HostNames = hosts.Select(h => h.Name).ToList() };
                foreach (var session in active)
                {
                    var later = i + 1;
                    session.LaterPlays = Enumerable.Range(later, plays.Count - later).Where(j => members[j].Contains(session.Host.Name)).Select(j => plays[j].Play).ToList();
                }

                var (serial, maxFailPercent) = KeywordTemplates.ResolvePlay(play, options.ExtraVars);
                foreach (var batch in Batches(active, serial ?? options.Serial))
                {
                    try
                    {
                        run.RunOnce = new Placement.RunOnceGate(batch.Select(s => s.Host.Name).ToList());
                        run.NewBatch();
                        await RunBatchAsync(batch, run, i, lastPlay, options.Forks, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        interrupted = true;
                        break;
                    }

                    if ((maxFailPercent ?? options.MaxFailPercent) is { } max && FailedPercent(batch) > max)
                    {
                        foreach (var session in sessions.Values.Where(s => !s.Stopped && s.Result.Tasks.Count == 0))
                        {
                            // Ansible aborts the run here: hosts that never ran are failed, not silently ok.
                            session.Result.Status = HostStatus.Failed;
                            session.Result.Error = $"not run: more than {max}% of a batch failed or was unreachable";
                        }

                        return Report(options, playbooks.Select(p => p.Path).ToList(), startedAt, clock, sessions, interrupted);
                    }
                }
            }
        }
        finally
        {
            foreach (var session in sessions.Values)
            {
                if (interrupted && !session.IsFinished)
                {
                    // Hosts still waiting for a batch or a later play did not converge either.
                    session.MarkInterrupted();
                }

                session.Finish();
                await session.DisposeAsync().ConfigureAwait(false);
            }
        }

        return Report(options, playbooks.Select(p => p.Path).ToList(), startedAt, clock, sessions, interrupted);
    }

    /// <summary>Connects to every selected host and reads its system facts: <c>fleet ping</c>.</summary>
    public async Task<RunReport> PingAsync(Inventory.Inventory inventory, RunOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(options);
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var selected = options.SelectedHosts(inventory);
        var hosts = inventory.Hosts.Where(h => selected is null || selected.Contains(h.Name));
        var sessions = hosts.ToDictionary(h => h.Name, h => new HostSession(inventory, h, _connector, catalog, options, _observer), StringComparer.Ordinal);
        _observer.RunStarted(sessions.Count);
        var interrupted = false;
        try
        {
            await Parallel.ForEachAsync(sessions.Values, Parallelism(options.Forks, cancellationToken), async (session, ct) =>
            {
                try
                {
                    await session.EnsureConnectedAsync([], become: false, becomeFlags: null, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (!IsCancellation(ex, cancellationToken))
                {
                    session.MarkFailed(ex);
                }

                session.Finish();
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            interrupted = true;
        }
        finally
        {
            foreach (var session in sessions.Values)
            {
                session.Finish();
                await session.DisposeAsync().ConfigureAwait(false);
            }
        }

        return Report(options with { Mode = "ping" }, [], startedAt, clock, sessions, interrupted);
    }

    private static async Task RunBatchAsync(
        List<HostSession> batch, SharedPlayState run, int playIndex, Dictionary<string, int> lastPlay, int forks, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(batch, Parallelism(forks, cancellationToken), async (session, ct) =>
        {
            try
            {
                await session.RunPlayAsync(run.Play, run, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsCancellation(ex, cancellationToken))
            {
                session.MarkInterrupted();
                throw;
            }
            catch (Exception ex) when (!IsCancellation(ex, cancellationToken))
            {
                session.MarkFailed(ex);
            }
            finally
            {
                run.RunOnce?.Leave(session.Host.Name);
                if (session.Stopped || lastPlay[session.Host.Name] == playIndex)
                {
                    session.Finish();
                    await session.DisposeAsync().ConfigureAwait(false);
                }
            }
        }).ConfigureAwait(false);
    }

    private static bool IsCancellation(Exception ex, CancellationToken cancellationToken) =>
        ex is OperationCanceledException && cancellationToken.IsCancellationRequested;

    private static ParallelOptions Parallelism(int forks, CancellationToken cancellationToken)
    {
        // SSH handshakes block pool threads for a while; without enough threads up front the pool adds one every ~0.5 s
        // and 10 hosts connect two at a time.
        ThreadPool.GetMinThreads(out var workers, out var io);
        if (workers < forks + 4)
        {
            ThreadPool.SetMinThreads(Math.Min(forks + 4, 256), io);
        }

        return new() { MaxDegreeOfParallelism = Math.Max(1, forks), CancellationToken = cancellationToken };
    }

    private static double FailedPercent(List<HostSession> batch) =>
        batch.Count == 0 ? 0 : 100.0 * batch.Count(s => s.Stopped) / batch.Count;

    /// <summary>Splits hosts into rolling batches: "N" hosts or "N%" of them (at least one).</summary>
    internal static IEnumerable<List<HostSession>> Batches(List<HostSession> hosts, string? serial)
    {
        var size = BatchSize(hosts.Count, serial);
        for (var i = 0; i < hosts.Count; i += size)
        {
            yield return hosts.GetRange(i, Math.Min(size, hosts.Count - i));
        }
    }

    /// <summary>The batch size for <c>--serial</c>; the whole set when null.</summary>
    public static int BatchSize(int hostCount, string? serial)
    {
        if (string.IsNullOrWhiteSpace(serial) || hostCount == 0)
        {
            return Math.Max(1, hostCount);
        }

        if (!Serial.TryParse(serial, out var n, out var percent))
        {
            throw new FleetInputException($"--serial must be a positive number of hosts or a percentage like 25%, not '{serial}'");
        }

        return percent ? Math.Max(1, (int)Math.Ceiling(hostCount * n / 100.0)) : n;
    }

    private static RunReport Report(
        RunOptions options, List<string> playbooks, DateTimeOffset startedAt, Stopwatch clock, Dictionary<string, HostSession> sessions, bool interrupted) =>
        new(options.Mode, startedAt, clock.ElapsedMilliseconds, sessions.Values.Select(s => s.Result).OrderBy(h => h.Name, HostNameOrder.Instance).ToList(), interrupted)
        {
            Playbooks = playbooks,
            Shard = options.Shard,
        };
}
