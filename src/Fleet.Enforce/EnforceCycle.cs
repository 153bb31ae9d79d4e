using System.Diagnostics;
using Fleet.Core.Execution;
using Fleet.Core.Inputs;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Results;
using Fleet.Core.Vault;

namespace Fleet.Enforce;

/// <summary>
/// One enforce cycle after another (never two at once): re-read and validate the inputs (an invalid edit keeps the last valid
/// version running and is reported), then check, or apply — under <c>--max-changed-hosts</c> a check run plans first and the
/// apply run goes only to the hosts it found drifted, and only when they are few enough. Connections stay open between cycles.
/// </summary>
public sealed class EnforceCycle(
    EnforceOptions options, ModuleCatalog catalog, Func<Inventory, IConnector> connect, IRunObserver? observer = null, Serilog.ILogger? log = null)
    : IAsyncDisposable
{
    private RunInputs? _lastGood;
    private VaultKeyring? _vault;
    private WarmConnector? _connector;
    private long _cycle;

    /// <summary>The connector that keeps connections open, once the first cycle made it.</summary>
    public WarmConnector? Connections => _connector;

    /// <summary>Reads and validates the inventory and playbooks; throws <see cref="FleetInputException"/> with every problem.</summary>
    public RunInputs Load() => RunInputs.Load(new RunInputsOptions
    {
        Inventory = options.Inventory,
        Playbooks = options.Playbooks,
        Limit = options.Limit,
        RolesPath = options.RolesPath,
        Catalog = catalog,
        Vault = _vault ??= Vault(options),
    });

    /// <summary>The service's vault password, read once: a password script is not run every cycle, and no prompt is possible.</summary>
    private static VaultKeyring Vault(EnforceOptions options) => new VaultPasswordSources
    {
        PasswordFiles = options.VaultPasswordFile is { } file ? [file] : [],
        EnvironmentFile = options.VaultPasswordFile is null ? Environment.GetEnvironmentVariable(VaultPasswordSources.EnvironmentVariable) : null,
    }.Load(prompt: null);

    /// <summary>
    /// Loads the inputs for the first cycle; invalid input here is the caller's to report (the service does not start on it).
    /// </summary>
    public RunInputs Start() => _lastGood = Load();

    /// <summary>Runs one cycle; cancelling <paramref name="cancellationToken"/> interrupts it and still returns its report.</summary>
    public async Task<CycleReport> RunAsync(CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var cycle = ++_cycle;
        IReadOnlyList<string> inputErrors = [];
        RunInputs inputs;
        try
        {
            inputs = _lastGood = Load();
        }
        catch (FleetInputException ex) when (_lastGood is not null)
        {
            inputErrors = ex.Errors.Select(e => e.ToString()).ToList();
            inputs = _lastGood;
        }

        log?.Debug("cycle {Cycle}: inputs read and validated in {Milliseconds} ms", cycle, clock.ElapsedMilliseconds);
        _connector ??= new WarmConnector(connect(inputs.Inventory));
        await _connector.RetainAsync(inputs.Inventory.Hosts.Select(h => h.Name)).ConfigureAwait(false);
        var runner = new PlaybookRunner(_connector, catalog, observer);
        var run = new RunOptions { Mode = "check", Forks = options.Forks, Limit = options.Limit, TaskTimeout = options.TaskTimeout, Vault = inputs.Vault };
        RunReport? plan = null;
        RunReport? applied = null;
        int? planned = null;
        var guarded = false;
        if (!options.Apply)
        {
            plan = await runner.RunAsync(inputs.Inventory, inputs.Playbooks, run, cancellationToken).ConfigureAwait(false);
        }
        else if (options.MaxChangedHosts is not { } max)
        {
            applied = await runner.RunAsync(inputs.Inventory, inputs.Playbooks, run with { Mode = "apply" }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Plan first: a bad edit that would reconfigure much of the fleet changes nothing unattended.
            plan = await runner.RunAsync(inputs.Inventory, inputs.Playbooks, run, cancellationToken).ConfigureAwait(false);
            var drifted = plan.Hosts.Where(h => h.Status == HostStatus.Changed).Select(h => h.Name).ToHashSet(StringComparer.Ordinal);
            planned = drifted.Count;
            guarded = drifted.Count > max;
            if (!guarded && drifted.Count > 0 && !plan.Interrupted)
            {
                applied = await runner.RunAsync(inputs.Inventory, inputs.Playbooks, run with { Mode = "apply", OnlyHosts = drifted }, cancellationToken).ConfigureAwait(false);
            }
        }

        return CycleReport.From(cycle, options.Mode, startedAt, plan, applied, guarded) with
        {
            Duration = clock.Elapsed,
            InputErrors = inputErrors,
            InputsLoadedAt = inputs.LoadedAt,
            MaxChangedHosts = options.MaxChangedHosts,
            PlannedChangedHosts = planned,
        };
    }

    /// <summary>Closes the connections kept open.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_connector is not null)
        {
            await _connector.DisposeAsync().ConfigureAwait(false);
        }
    }
}
