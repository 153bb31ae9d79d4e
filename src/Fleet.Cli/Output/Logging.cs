using Fleet.Core.Execution;
using Fleet.Core.Results;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace Fleet.Cli.Output;

/// <summary>Serilog for the CLI: warnings on stderr by default (debug with --verbose); with --log-file every event as JSON lines.</summary>
internal static class Logging
{
    /// <summary>Creates the logger; dispose it to flush the file.</summary>
    public static Logger Create(bool verbose, string? logFile)
    {
        var config = new LoggerConfiguration()
            .MinimumLevel.Debug()
            .Destructure.With(new SecretMasking())
            .WriteTo.Console(
                restrictedToMinimumLevel: verbose ? LogEventLevel.Debug : LogEventLevel.Warning,
                outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {Host} {Message:lj}{NewLine}{Exception}",
                standardErrorFromLevel: LogEventLevel.Verbose);
        if (logFile is not null)
        {
            config = config.WriteTo.File(new JsonFormatter(renderMessage: true), logFile, LogEventLevel.Debug);
        }

        return config.CreateLogger();
    }

    /// <summary>A <see cref="Secret"/> is always logged as ********.</summary>
    private sealed class SecretMasking : IDestructuringPolicy
    {
        public bool TryDestructure(object value, ILogEventPropertyValueFactory propertyValueFactory, out LogEventPropertyValue result)
        {
            if (value is Secret)
            {
                result = new ScalarValue("********");
                return true;
            }

            result = null!;
            return false;
        }
    }
}

/// <summary>Per-host structured events of a run, for --log-file and --verbose.</summary>
internal sealed class LoggingObserver(ILogger logger) : IRunObserver
{
    /// <inheritdoc />
    public void HostStarted(string host) => logger.ForContext("Host", host).Debug("host started");

    /// <inheritdoc />
    public void TaskStarted(string host, string play, string task) =>
        logger.ForContext("Host", host).Debug("task {Task} of play {Play} started", task, play);

    /// <inheritdoc />
    public void TaskFinished(string host, TaskResult result)
    {
        var log = logger.ForContext("Host", host).ForContext("Play", result.Play).ForContext("Module", result.Module)
            .ForContext("DurationMs", result.DurationMs).ForContext("Attempts", result.Attempts).ForContext("Changes", result.Changes);
        if (result.Status == TaskOutcome.Failed)
        {
            log.Warning("task {Task}: {Status}: {Message}", result.Name, result.Status, result.Message);
        }
        else
        {
            log.Information("task {Task}: {Status}", result.Name, result.Status);
        }
    }

    /// <inheritdoc />
    public void HostFinished(HostResult result)
    {
        var log = logger.ForContext("Host", result.Name).ForContext("DurationMs", result.DurationMs);
        if (result.Status is HostStatus.Failed or HostStatus.Unreachable)
        {
            log.Warning("host {Status}: {Error}", result.Status, result.Error);
        }
        else
        {
            log.Information("host {Status}", result.Status);
        }
    }

    /// <inheritdoc />
    // Debug, not Error: the stack trace belongs in --log-file and --verbose; the task's message already tells everyone else.
    public void InternalError(string host, Exception exception) =>
        logger.ForContext("Host", host).Debug(exception, "internal error: {Message}", exception.Message);
}
