using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Serilog;
using Serilog.Formatting.Json;
using Spectre.Console.Cli;

namespace Fleet.Cli.Output;

/// <summary>An exception no command handled: invalid input is exit 1; anything else is a bug in Fleet, exit 70 with its stack trace kept.</summary>
internal static class UnhandledError
{
    /// <summary>The exit code for an exception that reached the top: parse errors and invalid input are 1, everything else is 70.</summary>
    public static int ExitCode(Exception exception) =>
        exception is CommandParseException or CommandRuntimeException or FleetInputException ? ExitCodes.InvalidInput : ExitCodes.InternalError;

    /// <summary>The one stderr line for an exception; <paramref name="stackTraceAt"/> says where its stack trace was written.</summary>
    public static string Line(Exception exception, string stackTraceAt) =>
        ExitCode(exception) == ExitCodes.InvalidInput
            ? "error: " + exception.Message
            : $"internal error: {exception.Message} (stack trace in {stackTraceAt}; please report)";

    /// <summary>
    /// Tells the user (one line on stderr; the stack trace on stderr too with <paramref name="verbose"/>), keeps the stack trace
    /// (in <paramref name="logFile"/>, else in a new file in the temporary directory) and returns the exit code.
    /// </summary>
    public static int Report(Exception exception, TextWriter stderr, string? logFile, bool verbose)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(stderr);
        if (ExitCode(exception) == ExitCodes.InvalidInput)
        {
            stderr.WriteLine(Line(exception, ""));
            return ExitCodes.InvalidInput;
        }

        var where = KeepStackTrace(exception, logFile);
        if (verbose || where is null)
        {
            stderr.WriteLine(exception.ToString());
        }

        stderr.WriteLine(Line(exception, where ?? "the output above"));
        return ExitCodes.InternalError;
    }

    /// <summary>Writes the stack trace where it outlives the run; returns that path, or null when no file could be written.</summary>
    private static string? KeepStackTrace(Exception exception, string? logFile)
    {
        try
        {
            if (logFile is not null)
            {
                // The same JSON lines as the rest of --log-file, appended after the run's own events.
                using var logger = new LoggerConfiguration().WriteTo.File(new JsonFormatter(renderMessage: true), logFile).CreateLogger();
                logger.Fatal(exception, "internal error: {Message}", exception.Message);
                return logFile;
            }

            // Without --log-file a bug that does not happen twice would leave nothing to report: keep it in a file of its own.
            var path = Path.Combine(Path.GetTempPath(), $"fleet-internal-error-{DateTime.UtcNow:yyyyMMdd'T'HHmmss}-{Environment.ProcessId}.log");
            File.WriteAllText(path, $"fleet {typeof(UnhandledError).Assembly.GetName().Version}\n{exception}\n");
            return path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
