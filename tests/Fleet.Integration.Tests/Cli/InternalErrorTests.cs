using Fleet.Cli;
using Fleet.Cli.Commands;
using Fleet.Cli.Output;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Spectre.Console.Cli;

namespace Fleet.Integration.Tests.Cli;

/// <summary>An unexpected exception is a bug in Fleet: exit 70, one line on stderr, the stack trace kept; never "a task failed" (2).</summary>
[Collection(nameof(ConsoleErrorCollection))]
public sealed class InternalErrorTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-internal-error-test-");

    [Fact]
    public void ExitCode_InvalidInputIsOne_AnyOtherExceptionIsSeventy()
    {
        Assert.Equal(ExitCodes.InvalidInput, UnhandledError.ExitCode(new FleetInputException("bad")));
        Assert.Equal(ExitCodes.InternalError, UnhandledError.ExitCode(new InvalidOperationException("bug")));
        Assert.Equal(ExitCodes.InternalError, UnhandledError.ExitCode(new NullReferenceException()));
        Assert.Equal(70, ExitCodes.InternalError);
    }

    [Fact]
    public void Line_SaysInternalErrorAndWhereTheStackTraceIs()
    {
        Assert.Equal(
            "internal error: bug (stack trace in /tmp/f.log; please report)",
            UnhandledError.Line(new InvalidOperationException("bug"), "/tmp/f.log"));
        Assert.Equal("error: bad", UnhandledError.Line(new FleetInputException("bad"), "unused"));
    }

    [Fact]
    public async Task Command_ThrowsWithLogFile_ExitsSeventyAndTheLogFileHoldsTheStackTrace()
    {
        var log = Path.Combine(_dir.FullName, "fleet.log");

        var (exit, stderr) = await RunAsync(["buggy", "--log-file", log]);

        Assert.Equal(ExitCodes.InternalError, exit);
        Assert.Contains($"internal error: a bug in a command (stack trace in {log}; please report)", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(BuggyCommand), stderr, StringComparison.Ordinal);
        Assert.Contains(nameof(BuggyCommand), await File.ReadAllTextAsync(log), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_ThrowsWithVerbose_PrintsTheStackTrace()
    {
        var (exit, stderr) = await RunAsync(["buggy", "--verbose", "--log-file", Path.Combine(_dir.FullName, "fleet.log")]);

        Assert.Equal(ExitCodes.InternalError, exit);
        Assert.Contains($"at {typeof(BuggyCommand).FullName}.RunAsync", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommandOutsideFleetCommand_Throws_TheExceptionHandlerExitsSeventyAndKeepsTheStackTraceInAFile()
    {
        var (exit, stderr) = await RunAsync(["buggy-plain"]);

        Assert.True(exit == ExitCodes.InternalError, $"exit {exit}\n{stderr}");
        var line = stderr.Split('\n').Single(l => l.StartsWith("internal error: ", StringComparison.Ordinal));
        var path = line.Split("stack trace in ")[1].Split("; please report")[0];
        try
        {
            Assert.Contains(nameof(BuggyPlainCommand), await File.ReadAllTextAsync(path), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task UnknownOption_IsStillInvalidInput()
    {
        var (exit, stderr) = await RunAsync(["buggy", "--no-such-option"]);

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains("error: ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", stderr, StringComparison.Ordinal);
    }

    /// <summary>Runs the real CLI configuration in this process, with two commands that have a bug, and captures stderr.</summary>
    private static async Task<(int Exit, string Stderr)> RunAsync(string[] args)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            Program.Configure(config);
            config.AddCommand<BuggyCommand>("buggy");
            config.AddCommand<BuggyPlainCommand>("buggy-plain");
        });
        var stderr = new StringWriter();
        var original = Console.Error;
        Console.SetError(stderr);
        try
        {
            var exit = await app.RunAsync(args, CancellationToken.None);
            return (exit, stderr.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }

    public void Dispose() => _dir.Delete(recursive: true);
}

/// <summary>A command with a bug, on the base every Fleet command uses.</summary>
internal sealed class BuggyCommand : FleetCommand<ConnectionSettings>
{
    protected override Task<int> RunAsync(ConnectionSettings settings, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("a bug in a command");
}

/// <summary>A command with a bug that no Fleet base catches, so the application's exception handler sees it.</summary>
internal sealed class BuggyPlainCommand : AsyncCommand<BuggyPlainCommand.Settings>
{
    internal sealed class Settings : CommandSettings;

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("a bug outside the command base");
}

/// <summary>Tests that replace <see cref="Console.Error"/> run one at a time.</summary>
[CollectionDefinition(nameof(ConsoleErrorCollection), DisableParallelization = true)]
public sealed class ConsoleErrorCollection;
