using System.Globalization;
using Fleet.Cli.Output;
using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Reports;
using Fleet.Core.Results;
using Fleet.Enforce;
using Fleet.Ssh;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using YamlDotNet.RepresentationModel;

namespace Fleet.Cli.Commands;

/// <summary>What every host-contacting command shares: loading and checking input, connecting, drawing progress, writing reports.</summary>
internal static class RunSession
{
    /// <summary>Loads the inventory named by -i; an inventory is required.</summary>
    public static Inventory LoadInventory(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new FleetInputException("an inventory is required: -i FILE");
        }

        return InventoryLoader.Load(path);
    }

    /// <summary>Loads every playbook (all errors of all files at once).</summary>
    public static List<Playbook> LoadPlaybooks(IReadOnlyList<string> paths, string? rolesPath = null)
    {
        if (paths.Count == 0)
        {
            throw new FleetInputException("at least one playbook is required");
        }

        var errors = new List<InputError>();
        var playbooks = new List<Playbook>();
        foreach (var path in paths)
        {
            try
            {
                playbooks.Add(PlaybookLoader.Load(path, ModuleCatalog.Default, RolesPath(rolesPath)));
            }
            catch (FleetInputException ex)
            {
                errors.AddRange(ex.Errors);
            }
        }

        return errors.Count > 0 ? throw new FleetInputException(errors) : playbooks;
    }

    /// <summary><c>--roles-path</c> as directories, or null for the default (<c>ANSIBLE_ROLES_PATH</c>, else Ansible's).</summary>
    public static IReadOnlyList<string>? RolesPath(string? option) =>
        option?.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(Path.GetFullPath).ToList();

    /// <summary>
    /// The hosts <c>--limit</c> selects (every host without one), after checking it: a valid pattern of known names that matches at
    /// least one host. As in Ansible, a limit that leaves no host is an error, so a CI drift check cannot pass by checking nothing.
    /// </summary>
    public static IReadOnlyList<InventoryHost> SelectLimit(Inventory inventory, string? limit)
    {
        if (limit is null)
        {
            return inventory.Hosts;
        }

        try
        {
            inventory.ValidatePattern(limit, null);
        }
        catch (FleetInputException ex)
        {
            throw new FleetInputException(ex.Errors.Select(e => e with { Message = "--limit: " + e.Message }).ToList());
        }

        var hosts = inventory.Select(limit);
        return hosts.Count > 0 ? hosts : throw new FleetInputException($"--limit '{limit}' matches no host of {inventory.Path}");
    }

    /// <summary>The <c>--shard</c> option, or null without one; an invalid value is invalid input.</summary>
    public static Shard? ParseShard(ConnectionSettings settings) => settings.Shard is null ? null : Shard.Parse(settings.Shard);

    /// <summary>
    /// The hosts this run contacts: <paramref name="hosts"/> (already limited) in the <c>--shard</c>, if any. A shard may be empty
    /// (more shards than hosts, or an uneven hash): that is a normal run of no host, said in one line, so every shard of a CI matrix
    /// still writes its report.
    /// </summary>
    public static IReadOnlyList<InventoryHost> SelectShard(IReadOnlyList<InventoryHost> hosts, Shard? shard)
    {
        if (shard is null)
        {
            return hosts;
        }

        var selected = shard.Select(hosts, h => h.Name);
        AnsiConsole.MarkupLine(Display.Markup($"shard {shard}: {selected.Count} of {hosts.Count} selected host(s)"));
        return selected;
    }

    /// <summary>Checks what connecting to <paramref name="hosts"/> needs (identity files, rendered connection variables, secrets) before any is contacted.</summary>
    public static void CheckTargets(Inventory inventory, IEnumerable<InventoryHost> hosts, IEnumerable<string> vars)
    {
        var errors = inventory.CheckTargets(hosts, ParseVars(vars), credentials: true);
        if (errors.Count > 0)
        {
            throw new FleetInputException(errors);
        }
    }

    /// <summary>Parses <c>--var key=value</c> options; values are YAML scalars (so 22 is a number, true a boolean).</summary>
    public static Dictionary<string, object?> ParseVars(IEnumerable<string> vars)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var item in vars)
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FleetInputException($"--var expects key=value, got '{item}'");
            }

            result[item[..eq].Trim()] = ScalarValue(item[(eq + 1)..]);
        }

        return result;
    }

    private static object? ScalarValue(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader("v: " + text));
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return text;
        }

        var node = ((YamlMappingNode)stream.Documents[0].RootNode).Children[new YamlScalarNode("v")];
        if (node is YamlSequenceNode seq)
        {
            return seq.Children.OfType<YamlScalarNode>().Select(s => (object?)s.Value).ToList();
        }

        if (node is not YamlScalarNode scalar || scalar.Style is YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted)
        {
            return node is YamlScalarNode s ? s.Value : text;
        }

        var value = scalar.Value ?? "";
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        return value.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            "null" or "~" or "" => null,
            _ => value,
        };
    }

    /// <summary>Checks connection options; errors are invalid input.</summary>
    public static void CheckOptions(ConnectionSettings settings)
    {
        if (settings.Forks < 1)
        {
            throw new FleetInputException($"--forks must be at least 1, not {settings.Forks}");
        }

        if (settings.Timeout < 1)
        {
            throw new FleetInputException($"--timeout must be at least 1 second, not {settings.Timeout}");
        }

        if (settings.ConnectTimeout < 1)
        {
            throw new FleetInputException($"--connect-timeout must be at least 1 second, not {settings.ConnectTimeout}");
        }

        _ = ParsePolicy(settings.HostKeyPolicy);
        _ = ParseShard(settings);
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

    /// <summary>The host-key policy named on the command line.</summary>
    public static HostKeyPolicy ParsePolicy(string text) => text switch
    {
        "strict" => HostKeyPolicy.Strict,
        "accept-new" => HostKeyPolicy.AcceptNew,
        "off" => HostKeyPolicy.Off,
        _ => throw new FleetInputException($"--host-key-policy must be strict, accept-new or off, not '{text}'"),
    };

    /// <summary>known_hosts: the option, else the inventory's <c>known_hosts</c> variable, else ~/.ssh/known_hosts.</summary>
    public static string KnownHostsPath(ConnectionSettings settings, Inventory inventory)
    {
        if (!string.IsNullOrWhiteSpace(settings.KnownHosts))
        {
            return settings.KnownHosts;
        }

        var fromInventory = inventory.Hosts.Select(h => h.Vars.GetValueOrDefault("known_hosts") as string).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        return fromInventory ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", "known_hosts");
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

            // The same composition as fleet enforce (one place for connector and catalog); measured at a few ms of start time.
            var composing = System.Diagnostics.Stopwatch.StartNew();
            using var services = new ServiceCollection().AddFleetEngine().BuildServiceProvider();
            var catalog = services.GetRequiredService<ModuleCatalog>();
            var connector = services.GetRequiredService<Func<SshOptions, IConnector>>()(new SshOptions
            {
                KnownHostsPath = KnownHostsPath(settings, inventory),
                HostKeyPolicy = ParsePolicy(settings.HostKeyPolicy),
                KeyExchange = ParseKeyExchange(settings.SshKex),
                CommandTimeout = TimeSpan.FromSeconds(settings.Timeout),
                ConnectBudget = TimeSpan.FromSeconds(settings.ConnectTimeout),
                ConnectTimeout = TimeSpan.FromSeconds(Math.Min(settings.ConnectTimeout, SshPipelines.DefaultConnectTimeout.TotalSeconds)),
                Logger = logger,
            });
            logger.Debug("engine composed in {Milliseconds:0.0} ms", composing.Elapsed.TotalMilliseconds);
            var progress = ProgressView.Create(AnsiConsole.Console, live: !settings.NoProgress && !Console.IsOutputRedirected, tasks: tasks);
            RunReport report;
            try
            {
                report = await run(new PlaybookRunner(connector, catalog, new CompositeObserver(progress, new LoggingObserver(logger))), cancellationToken).ConfigureAwait(false);
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

            try
            {
                if (settings.Json is { } json)
                {
                    JsonReportWriter.Write(report, json);
                }

                if (junitPath is not null)
                {
                    JUnitReportWriter.Write(report, junitPath);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Checked writable before the run; if the disk filled up since, say so after the recap and fail the run.
                await Console.Error.WriteLineAsync($"error: a report could not be written: {ex.Message}").ConfigureAwait(false);
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
