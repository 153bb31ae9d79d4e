using Fleet.Cli.Output;
using Fleet.Core.Execution;
using Fleet.Core.Inputs;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Reports;
using Fleet.Core.Results;
using Fleet.Ssh;
using Spectre.Console;

namespace Fleet.Cli.Commands;

/// <summary>What every host-contacting command shares: loading and checking input, connecting, drawing progress, writing reports.</summary>
internal static class HostRun
{
    /// <summary>
    /// Reads and checks this command's inputs (<see cref="RunInputs.Load"/>) from its options, and says how many hosts a
    /// <c>--shard</c> left: a shard may be empty, and one line tells a CI matrix why that shard did nothing.
    /// </summary>
    public static RunInputs LoadInputs(ConnectionSettings settings, IReadOnlyList<string>? playbooks = null, string? rolesPath = null, bool checkTargets = true)
    {
        var become = settings as BecomeSettings;
        become?.CheckBecome();
        var password = checkTargets ? become?.AskedPassword() : null;
        var becomePassword = checkTargets ? become?.AskedBecomePassword(password) : null;
        var inputs = RunInputs.Load(new RunInputsOptions
        {
            Inventory = settings.Inventory,
            Playbooks = playbooks,
            Vars = settings.Vars,
            Limit = settings.Limit,
            Shard = settings.Shard,
            RolesPath = rolesPath,
            CheckTargets = checkTargets,
            User = settings.User,
            PrivateKey = settings.PrivateKey,
            SshArguments = settings.SshArguments(),
            Become = become?.Become ?? false,
            AskedPassword = password,
            AskedBecomePassword = becomePassword,
            Vault = settings.Vault(),
        });
        PrintWarnings(inputs);
        if (inputs.Shard is { } shard)
        {
            AnsiConsole.MarkupLine(Display.Markup($"shard {shard}: {inputs.SelectedHosts.Count} of {inputs.LimitedHosts.Count} selected host(s)"));
        }

        return inputs;
    }

    /// <summary>The run options every command that contacts hosts shares: forks, limit, shard, task timeout, extra vars and vault.</summary>
    public static RunOptions Options(ConnectionSettings settings, RunInputs inputs, string mode) => new()
    {
        Mode = mode,
        Forks = settings.Forks,
        Limit = inputs.Limit,
        Shard = inputs.Shard,
        TaskTimeout = settings.TaskTimeout,
        ExtraVars = inputs.ExtraVars,
        Vault = inputs.Vault,
    };

    /// <summary>Each warning of the load as one line on stderr, before anything runs.</summary>
    public static void PrintWarnings(RunInputs inputs)
    {
        foreach (var warning in inputs.Warnings)
        {
            Console.Error.WriteLine("warning: " + Display.Plain(warning.ToString()));
        }
    }

    /// <summary>Checks connection options; errors are invalid input.</summary>
    public static void CheckOptions(ConnectionSettings settings)
    {
        if (settings.Forks < 1)
        {
            throw new FleetInputException($"--forks must be at least 1, not {settings.Forks}");
        }

        if (settings.TaskTimeoutSeconds < 1)
        {
            throw new FleetInputException($"--task-timeout must be at least 1 second, not {settings.TaskTimeoutSeconds}");
        }

        if (settings.ConnectTimeout < 1)
        {
            throw new FleetInputException($"--connect-timeout must be at least 1 second, not {settings.ConnectTimeout}");
        }

        _ = ParsePolicy(settings.HostKeyPolicy);
        _ = ParseKeyExchange(settings.SshKex);
        foreach (var (path, option) in new[] { (settings.Json, "--json"), (settings.LogFile, "--log-file"), ((settings as PlaybookRunSettings)?.JUnit, "--junit") })
        {
            if (path is not null)
            {
                AtomicFile.CheckWritable(path, option);
            }
        }
    }

    /// <summary>The key exchange preference named on the command line.</summary>
    public static KeyExchangeMode ParseKeyExchange(string text) => text switch
    {
        "pq" => KeyExchangeMode.PostQuantum,
        "classic" => KeyExchangeMode.Classic,
        _ => throw new FleetInputException($"--ssh-kex must be pq or classic, not '{text}'"),
    };

    /// <summary>What <c>--host-key-policy off</c> gives up, printed on stderr on every run that uses it.</summary>
    public const string HostKeyPolicyOffWarning =
        "warning: --host-key-policy off: host keys are not checked, so anyone who can intercept the connection can pose as a host, "
        + "read what Fleet sends (sudo passwords, file contents) and return false results. Use it only for throwaway hosts.";

    /// <summary>The host-key policy named on the command line; accept-new when none is.</summary>
    public static HostKeyPolicy ParsePolicy(string? text) => text is null ? HostKeyPolicy.AcceptNew : HostKeyPolicyNames.Parse(text)
        ?? throw new FleetInputException($"--host-key-policy must be strict, accept-new or off, not '{text}'");

    /// <summary>Where the inventory turns host-key checking off and for how many hosts, or null when it turns it off for none.</summary>
    private static string? InventoryPolicyOff(Inventory inventory)
    {
        var off = inventory.Hosts.Where(h => h.Vars.GetValueOrDefault("host_key_policy") is "off").ToList();
        return off.Count == 0 ? null
            : $"{string.Join(", ", off.Select(h => h.VarLocations["host_key_policy"]).Distinct().Take(2))}, {off.Count} host{(off.Count == 1 ? "" : "s")}";
    }

    /// <summary>
    /// Connects, runs, draws progress and the recap, writes the reports, and returns the exit code. <paramref name="tasks"/> is false
    /// for a run without tasks (ping): no task counts and no recap.
    /// </summary>
    public static async Task<int> ExecuteAsync(
        ConnectionSettings settings,
        Inventory inventory,
        Func<PlaybookRunner, CancellationToken, Task<RunReport>> run,
        string? junitPath,
        bool showDiff,
        CancellationToken cancellationToken,
        bool tasks = true)
    {
        var logger = Logging.Create(settings.Verbose, settings.LogFile);
        try
        {
            if (ParsePolicy(settings.HostKeyPolicy) == HostKeyPolicy.Off)
            {
                // Every run, not once: a flag left in a script or alias must keep saying what it costs.
                await Console.Error.WriteLineAsync(HostKeyPolicyOffWarning).ConfigureAwait(false);
            }
            else if (settings.HostKeyPolicy is null && InventoryPolicyOff(inventory) is { } where)
            {
                // The same cost, said once, when the inventory turns checking off (ssh's -o StrictHostKeyChecking=no).
                await Console.Error.WriteLineAsync(HostKeyPolicyOffWarning.Replace("--host-key-policy off", $"host_key_policy off ({where})", StringComparison.Ordinal)).ConfigureAwait(false);
            }

            var connector = new SshConnector(new SshOptions
            {
                // What the operator names wins over every host's own (the inventory's known_hosts and host_key_policy, ssh's -o).
                KnownHostsPath = string.IsNullOrWhiteSpace(settings.KnownHosts) ? null : settings.KnownHosts,
                KnownHostsPathForAll = !string.IsNullOrWhiteSpace(settings.KnownHosts),
                HostKeyPolicy = ParsePolicy(settings.HostKeyPolicy),
                HostKeyPolicyForAll = settings.HostKeyPolicy is not null,
                KeyExchange = ParseKeyExchange(settings.SshKex),
                CommandTimeout = settings.TaskTimeout ?? Timeout.InfiniteTimeSpan,
                ConnectBudget = TimeSpan.FromSeconds(settings.ConnectTimeout),
                ConnectTimeout = TimeSpan.FromSeconds(Math.Min(settings.ConnectTimeout, SshPipelines.DefaultConnectTimeout.TotalSeconds)),
                Logger = logger,
            });
            var progress = ProgressView.Create(AnsiConsole.Console, live: !settings.NoProgress && !Console.IsOutputRedirected, tasks: tasks);
            RunReport report;
            try
            {
                report = await run(new PlaybookRunner(connector, ModuleCatalog.Default, new CompositeObserver(progress, new LoggingObserver(logger))), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await progress.CompleteAsync().ConfigureAwait(false);
            }

            if (tasks)
            {
                RecapTable.Write(AnsiConsole.Console, report, showDiff);
            }

            GitHubAnnotations.WriteIfEnabled(report, Console.Out);

            var writing = settings.Json;
            try
            {
                if (settings.Json is { } json)
                {
                    JsonReportWriter.Write(report, json);
                }

                writing = junitPath;
                if (junitPath is not null)
                {
                    JUnitReportWriter.Write(report, junitPath);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Checked writable before the run; if the disk filled up since, say so after the recap and fail the run.
                await Console.Error.WriteLineAsync($"error: {writing}: the report could not be written: {FileErrors.Reason(ex)}").ConfigureAwait(false);
                return Math.Max(report.ExitCode, ExitCodes.TaskFailed);
            }

            return report.ExitCode;
        }
        finally
        {
            (logger as IDisposable)?.Dispose();
        }
    }
}
