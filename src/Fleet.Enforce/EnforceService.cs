using Microsoft.Extensions.Hosting;

namespace Fleet.Enforce;

/// <summary>
/// The cycle loop: a cycle starts every interval (plus a random splay), never while the previous one runs; each cycle's report,
/// the history and the metrics are written when it ends. On SIGTERM a running cycle gets the grace period to finish, then it
/// is interrupted — its report is written either way.
/// </summary>
internal sealed class EnforceService(
    EnforceOptions options, EnforceCycle cycle, EnforceState state, EnforceMetrics metrics, Serilog.ILogger log, IHostApplicationLifetime lifetime, TimeProvider time)
    : BackgroundService
{
    /// <summary>An unexpected exception (a bug in Fleet) stopped the service; the command exits 70.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Cycles finished so far.</summary>
    public long CyclesRun { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await LoopAsync(stoppingToken).ConfigureAwait(false);
            if (!stoppingToken.IsCancellationRequested)
            {
                lifetime.StopApplication(); // --cycles reached
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped while waiting for the next cycle.
        }
        catch (Exception ex)
        {
            Failure = ex;
            log.Fatal(ex, "internal error: the enforce loop stopped (please report): {Message}", ex.Message);
            lifetime.StopApplication();
        }
    }

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        log.Information("enforcing {Playbooks} on {Inventory} every {Every} in {Mode} mode{Guard}; state in {StateDir}",
            string.Join(", ", options.Playbooks), options.Inventory, Describe(options.Every), options.Mode,
            options.MaxChangedHosts is { } max ? $", at most {max} changed hosts per cycle" : "", state.Directory);
        var next = time.GetUtcNow() + Splay();
        while (true)
        {
            var wait = next - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
            }

            var started = time.GetUtcNow();
            using var cycleStop = new CancellationTokenSource();
            using var onStop = stoppingToken.Register(() =>
            {
                log.Information("stopping: the running cycle has {Grace} to finish", Describe(options.ShutdownGrace));
                cycleStop.CancelAfter(options.ShutdownGrace);
            });
            var report = await cycle.RunAsync(cycleStop.Token).ConfigureAwait(false);
            Record(report);
            CyclesRun++;
            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            if (options.Cycles is { } cycles && CyclesRun >= cycles)
            {
                break;
            }

            next = started + options.Every + Splay();
            if (next < time.GetUtcNow())
            {
                log.Warning("cycle {Cycle} took {Seconds:0.0} s, longer than the interval ({Every}): the next one starts now", report.Cycle, report.Duration.TotalSeconds, Describe(options.Every));
                next = time.GetUtcNow();
            }
        }
    }

    private void Record(CycleReport report)
    {
        string? path = null;
        try
        {
            path = state.Record(report);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The service goes on (the next cycle tries again); the log and the metrics still tell what happened.
            log.Error("cycle {Cycle}: the report could not be written to {StateDir}: {Reason}", report.Cycle, state.Directory, ex.Message);
        }

        metrics.Record(report, state.History);
        foreach (var error in report.InputErrors)
        {
            log.Error("invalid edit, still running the version loaded at {LoadedAt:u}: {Error}", report.InputsLoadedAt, error);
        }

        foreach (var host in report.Hosts.Where(h => h.Status != CycleHostStatus.Ok))
        {
            var tasks = string.Join("; ", host.DriftedTasks);
            switch (host.Status)
            {
                case CycleHostStatus.Drifted:
                    log.Warning("{Host}: drifted: {Tasks}", host.Name, tasks);
                    break;
                case CycleHostStatus.Repaired:
                    log.Information("{Host}: repaired: {Tasks}", host.Name, tasks);
                    break;
                default:
                    log.Error("{Host}: {Status}: {Error}", host.Name, EnforceState.Name(host.Status), host.Error ?? "a task failed (see the report)");
                    break;
            }
        }

        if (report.Outcome == CycleOutcome.Guarded)
        {
            log.Error("cycle {Cycle}: the plan would change {Planned} hosts, more than --max-changed-hosts {Max}: nothing was changed", report.Cycle, report.PlannedChangedHosts, report.MaxChangedHosts);
        }

        log.Information("cycle {Cycle} {Outcome}: {Hosts} hosts, {Ok} ok, {Drifted} drifted, {Repaired} repaired, {Failed} failed, {Unreachable} unreachable in {Seconds:0.000} s ({Report})",
            report.Cycle, report.Outcome.ToString().ToLowerInvariant(), report.Hosts.Count, report.Count(CycleHostStatus.Ok), report.Count(CycleHostStatus.Drifted),
            report.Count(CycleHostStatus.Repaired), report.Count(CycleHostStatus.Failed), report.Count(CycleHostStatus.Unreachable), report.Duration.TotalSeconds, path ?? "not written");
    }

    private TimeSpan Splay() => options.Splay <= TimeSpan.Zero ? TimeSpan.Zero : options.Splay * Random.Shared.NextDouble();

    private static string Describe(TimeSpan span) => span.TotalSeconds < 120 ? $"{span.TotalSeconds:0.###} s" : $"{span.TotalMinutes:0.#} min";
}
