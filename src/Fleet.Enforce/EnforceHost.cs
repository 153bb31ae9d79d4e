using Fleet.Core.Modules;
using Fleet.Ssh;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Fleet.Enforce;

/// <summary>
/// <c>fleet enforce</c> on the Generic Host: configuration (appsettings.json in the state directory, <c>FLEET_</c> environment
/// variables, the command line), Serilog, systemd integration (<c>Type=notify</c>, journald priorities), the cycle loop and the
/// metrics endpoint as hosted services.
/// </summary>
public static class EnforceHost
{
    /// <summary>Environment variables with this prefix are configuration keys: <c>FLEET_EVERY=5m</c>, <c>FLEET_PLAYBOOKS__0=site.yml</c>.</summary>
    public const string EnvironmentPrefix = "FLEET_";

    /// <summary>
    /// The state directory: the command line's, else <c>FLEET_STATEDIR</c>, else systemd's <c>STATE_DIRECTORY</c> (from the unit's
    /// <c>StateDirectory=</c>), else ~/.local/state/fleet-enforce.
    /// </summary>
    public static string StateDirectory(IReadOnlyDictionary<string, string?> commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        if (commandLine.GetValueOrDefault("StateDir") is { Length: > 0 } fromArgs)
        {
            return Path.GetFullPath(fromArgs);
        }

        if (Environment.GetEnvironmentVariable(EnvironmentPrefix + "STATEDIR") is { Length: > 0 } fromEnv)
        {
            return Path.GetFullPath(fromEnv);
        }

        if (Environment.GetEnvironmentVariable("STATE_DIRECTORY") is { Length: > 0 } fromSystemd)
        {
            return Path.GetFullPath(fromSystemd.Split(':')[0]);
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state", "fleet-enforce");
    }

    /// <summary>Adds the configuration sources in precedence order (later wins): appsettings.json, FLEET_ variables, the command line.</summary>
    public static IConfigurationBuilder AddEnforceSources(this IConfigurationBuilder configuration, string stateDir, IReadOnlyDictionary<string, string?> commandLine) =>
        configuration
            .AddJsonFile(Path.Combine(stateDir, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables(EnvironmentPrefix)
            .AddInMemoryCollection(commandLine);

    /// <summary>
    /// Builds the host, checks the options and the first inputs (invalid input throws <see cref="FleetInputException"/>: the
    /// service does not start on it), runs until stopped, and returns the exit code (0, or 70 when a bug stopped it).
    /// </summary>
    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string?> commandLine, IReadOnlyList<string> playbooks, CancellationToken cancellationToken)
    {
        var stateDir = StateDirectory(commandLine);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = Directory.Exists(stateDir) ? stateDir : null });
        builder.Configuration.AddEnforceSources(stateDir, commandLine);
        var options = EnforceOptions.From(builder.Configuration, stateDir, playbooks);
        // JOURNAL_STREAM: systemd connected stdout to the journal; NOTIFY_SOCKET: a Type=notify service.
        var journal = SystemdHelpers.IsSystemdService() || Environment.GetEnvironmentVariable("JOURNAL_STREAM") is { Length: > 0 } || Environment.GetEnvironmentVariable("NOTIFY_SOCKET") is { Length: > 0 };
        var logger = CreateLogger(journal, builder.Configuration["Verbose"] is "true" or "True");
        try
        {
            builder.Services.AddSerilog(logger, dispose: false);
            builder.Services.AddSystemd();
            builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownGrace + TimeSpan.FromSeconds(15));
            builder.Services.AddFleetEnforce(options, logger);
            var host = builder.Build();
            var service = host.Services.GetRequiredService<EnforceService>();
            try
            {
                host.Services.GetRequiredService<EnforceCycle>().Start();
            }
            catch
            {
                host.Dispose();
                throw;
            }

            await host.RunAsync(cancellationToken).ConfigureAwait(false); // disposes the host: the connections close
            return service.Failure is null ? 0 : Core.Results.ExitCodes.InternalError;
        }
        finally
        {
            await logger.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The service's composition: engine, state, metrics, the cycle loop and (unless off) the metrics endpoint.</summary>
    public static IServiceCollection AddFleetEnforce(this IServiceCollection services, EnforceOptions options, Serilog.ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton(logger);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(ModuleCatalog.Default);
        services.AddSingleton(_ => new EnforceState(options.StateDir, options.KeepReports));
        services.AddSingleton(sp => new EnforceMetrics(options.Every, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new EnforceCycle(
            options,
            sp.GetRequiredService<ModuleCatalog>(),
            _ => new SshConnector(SshOptionsFor(options, logger)),
            log: logger));
        if (options.MetricsListen is { } listen)
        {
            // Registered first: the endpoint is bound before the first cycle starts.
            services.AddHostedService(sp => new MetricsEndpoint(listen, sp.GetRequiredService<EnforceMetrics>(), logger));
        }

        services.AddSingleton<EnforceService>();
        services.AddHostedService(sp => sp.GetRequiredService<EnforceService>());
        return services;
    }

    private static SshOptions SshOptionsFor(EnforceOptions options, Serilog.ILogger logger) => new()
    {
        // Each host's known_hosts (inventory, -o UserKnownHostsFile) unless the service names one; the service's policy always wins.
        KnownHostsPath = options.KnownHosts,
        KnownHostsPathForAll = options.KnownHosts is not null,
        HostKeyPolicy = options.HostKeyPolicy switch { "accept-new" => HostKeyPolicy.AcceptNew, "off" => HostKeyPolicy.Off, _ => HostKeyPolicy.Strict },
        HostKeyPolicyForAll = true,
        KeyExchange = options.SshKex == "classic" ? KeyExchangeMode.Classic : KeyExchangeMode.PostQuantum,
        CommandTimeout = options.TaskTimeout ?? Timeout.InfiniteTimeSpan,
        Logger = logger,
    };

    /// <summary>
    /// Under systemd: no timestamps (journald adds them) and a syslog priority prefix (<c>&lt;4&gt;</c>) that journald reads as the
    /// entry's level. Elsewhere: time and level. Information and above, debug with Verbose.
    /// </summary>
    internal static Logger CreateLogger(bool systemd, bool verbose) =>
        new LoggerConfiguration()
            .MinimumLevel.Is(verbose ? LogEventLevel.Debug : LogEventLevel.Information)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .Enrich.With<SyslogPriority>()
            .WriteTo.Console(
                outputTemplate: systemd
                    ? "{SyslogPriority}{Message:lj}{NewLine}{Exception}"
                    : "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj}{NewLine}{Exception}",
                standardErrorFromLevel: systemd ? null : LogEventLevel.Verbose)
            .CreateLogger();

    /// <summary>sd-daemon's priority prefix for an event's level (journald's SyslogLevelPrefix).</summary>
    private sealed class SyslogPriority : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
        {
            var priority = logEvent.Level switch
            {
                LogEventLevel.Fatal => 2,
                LogEventLevel.Error => 3,
                LogEventLevel.Warning => 4,
                LogEventLevel.Information => 6,
                _ => 7,
            };
            logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty("SyslogPriority", $"<{priority}>"));
        }
    }
}
