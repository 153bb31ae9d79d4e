using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Fleet.Core.Inputs;

namespace Fleet.Core.Tests.Fuzz;

/// <summary>
/// The contract every input meets, checked on a case: it validates, or fails with errors that are each one line located at
/// file:line:column in Fleet's own words (no .NET type or message text, no raw control characters); within a time and a memory
/// budget; never a crash. In process through <see cref="RunInputs.Load"/> (the path of <c>fleet validate</c> and
/// <c>fleet inventory</c>), or out of process through the built CLI, checking its exit code and stderr.
/// </summary>
public static partial class FuzzContract
{
    /// <summary>
    /// The CPU time one case may take, on the thread that runs it (so a loaded machine does not fail a case that a quiet one
    /// passes). The default value is 5 s; <c>FLEET_FUZZ_CASE_SECONDS</c> changes it. A case still running after
    /// <see cref="HangFactor"/> times as long on the wall clock is a hang (a blocked read takes no CPU).
    /// </summary>
    public static TimeSpan CaseTime { get; } = TimeSpan.FromSeconds(Settings.Number("FLEET_FUZZ_CASE_SECONDS", 5));

    /// <summary>How many times <see cref="CaseTime"/> a case may run on the wall clock before it counts as hung. The default value is 4.</summary>
    public const int HangFactor = 4;

    /// <summary>
    /// The live memory one case may hold. The default value is 512 MiB. A case that allocates more in all (churn: a fan-out of
    /// imports, a million loop iterations) is run again through the CLI with its heap capped at this size, which tells a blow-up
    /// (the CLI fails) from garbage that was collected on the way (it passes).
    /// </summary>
    public const long CaseMemory = 512L * 1024 * 1024;

    // Fleet's CLI runs commands on the main thread, whose stack is 8 MiB on Linux: the in-process run gets the same.
    private const int StackSize = 8 * 1024 * 1024;

    // Past this much live heap a runaway case would take the machine down with it: the run stops there, naming the case.
    private const long RunawayHeap = 3L * 1024 * 1024 * 1024;

    /// <summary>
    /// What running a case gave: null Problem when it met the contract; Valid when it was accepted (exit 0); Hung when it did not
    /// end; Said: the first line of its errors, for the run's log.
    /// </summary>
    public sealed record Outcome(string? Problem, bool Valid, bool Hung, string Said = "");

    /// <summary>Runs <paramref name="fuzzCase"/>, written under <paramref name="root"/>, in this process.</summary>
    public static Outcome RunInProcess(FuzzCase fuzzCase, string root)
    {
        Exception? error = null;
        IReadOnlyList<InputError> warnings = [];
        var allocated = 0L;
        var cpu = TimeSpan.Zero;
        var worker = new Thread(
            () =>
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var started = ThreadCpuTime();
                try
                {
                    warnings = Load(fuzzCase, root);
                }
                catch (Exception ex)
                {
                    error = ex;
                }

                cpu = ThreadCpuTime() - started;
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            },
            StackSize)
        { IsBackground = true, Name = "fuzz " + fuzzCase.Number };
        var clock = Stopwatch.StartNew();
        var heap = GC.GetTotalMemory(forceFullCollection: false);
        worker.Start();
        while (!worker.Join(TimeSpan.FromMilliseconds(20)))
        {
            if (GC.GetTotalMemory(forceFullCollection: false) - heap > RunawayHeap)
            {
                Environment.FailFast($"fuzz: {fuzzCase} holds more than {RunawayHeap >> 20} MiB of live memory");
            }

            if (clock.Elapsed > CaseTime * HangFactor)
            {
                // A thread cannot be stopped from outside: the hung one is left running, and the run ends with this failure.
                return new Outcome($"did not end within {(CaseTime * HangFactor).TotalSeconds:0} s", false, Hung: true);
            }
        }

        if (cpu > CaseTime)
        {
            return new Outcome($"took {cpu.TotalSeconds:0.0} s of CPU, more than the {CaseTime.TotalSeconds:0} s budget", false, false);
        }

        if (allocated > CaseMemory && LiveMemoryProblem(fuzzCase, root) is { } memory)
        {
            return new Outcome($"allocated {allocated >> 20} MiB, and through the CLI with its heap capped at {CaseMemory >> 20} MiB: {memory}", false, false);
        }

        var problem = error switch
        {
            null => CheckErrors(warnings, located: false),
            FleetInputException input => CheckErrors(input.Errors, located: true) ?? CheckErrors(input.Warnings, located: false),
            _ => $"{error.GetType().FullName}: {error.Message}",
        };
        if (problem is null && error is null && fuzzCase.MustFail)
        {
            problem = "accepted an input that cannot work (it must be refused at its location)";
        }

        return new Outcome(problem, error is null, false, Shown(error?.Message.Split('\n')[0] ?? ""));
    }

    /// <summary>The CPU time (user and system) of the calling thread so far, from /proc; zero where /proc has no such file.</summary>
    private static TimeSpan ThreadCpuTime()
    {
        try
        {
            // Fields after the command name in parentheses: utime and stime are the 12th and 13th, in clock ticks of 1/100 s.
            var stat = File.ReadAllText("/proc/thread-self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return TimeSpan.FromMilliseconds(10 * (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)));
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>Null when the case keeps within <see cref="CaseMemory"/> of live memory, run through the CLI whose heap is capped there.</summary>
    private static string? LiveMemoryProblem(FuzzCase fuzzCase, string root) =>
        CliPath() is { } cli ? RunCliAsync(fuzzCase, root, cli).GetAwaiter().GetResult().Problem : "the CLI is not built beside this test build, so live memory cannot be measured";

    /// <summary>The run of <c>fleet validate</c> or <c>fleet inventory</c> on the case, without its console output.</summary>
    private static IReadOnlyList<InputError> Load(FuzzCase fuzzCase, string root)
    {
        var inventory = Path.Combine(root, FuzzCase.Inventory);
        var vars = fuzzCase.ExtraVars.Select(v => v.Replace("{root}", root, StringComparison.Ordinal)).ToList();
        if (fuzzCase.Command == FuzzCommand.Inventory)
        {
            // As fleet inventory: the hosts' templates share one regex time budget.
            using var regexTime = Fleet.Core.Templating.RenderBudget.SharedRegexTime();
            var inputs = RunInputs.Load(new RunInputsOptions { Inventory = inventory, Vars = vars, CheckTargets = false });
            foreach (var host in inputs.LimitedHosts)
            {
                // The table of fleet inventory shows each host's resolved address and port, rendered from its templates.
                _ = inputs.Inventory.ResolveTarget(host);
            }

            return inputs.Warnings;
        }

        var loaded = RunInputs.Load(new RunInputsOptions
        {
            Inventory = inventory,
            InventoryOptional = true,
            Playbooks = [Path.Combine(root, FuzzCase.Playbook)],
            Vars = vars,
            CheckTargets = false,
        });
        return loaded.Warnings;
    }

    /// <summary>The first error (or warning) that breaks the contract, described; null when every one keeps it.</summary>
    public static string? CheckErrors(IEnumerable<InputError> errors, bool located)
    {
        foreach (var error in errors)
        {
            // A command-line option (-e) has no file: its error names the option instead.
            var option = error.Message.StartsWith('-');
            if (located && !option && error.Location is not { File: not null, Line: >= 1, Column: >= 1 })
            {
                return $"error without file:line:column: {Shown(error.ToString())}";
            }

            // Checked as the CLI prints it: control characters escaped at the output (PrintableText), newlines kept.
            if (CheckLine(Fleet.Core.Reports.PrintableText.Of(error.ToString())!) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>Null when <paramref name="line"/> is one line of Fleet's own words; otherwise what is wrong with it.</summary>
    public static string? CheckLine(string line)
    {
        if (line.Contains('\n', StringComparison.Ordinal))
        {
            return $"more than one line: {Shown(line)}";
        }

        if (line.Any(c => char.IsControl(c) && c != '\t'))
        {
            return $"a raw control character: {Shown(line)}";
        }

        return DotNetText().Match(line) is { Success: true } match ? $".NET text '{match.Value}': {Shown(line)}" : null;
    }

    /// <summary>The text with control characters escaped and cut to a readable length, for a failure message.</summary>
    public static string Shown(string text)
    {
        var escaped = string.Concat(text.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
        return escaped.Length > 400 ? escaped[..400] + "…" : escaped;
    }

    /// <summary>
    /// Text only .NET writes: exception type names, stack frames, and the runtime's own messages (overflow, format, cast, index,
    /// argument, Base64, JSON reader, regex parser), which mean an exception reached the user instead of a message of Fleet's.
    /// </summary>
    [GeneratedRegex(
        @"\b(System|Microsoft|YamlDotNet)\.[A-Z]\w+|\w+Exception\b|^\s*at \w+\.|Stack overflow|Arithmetic operation resulted in an overflow|Value was either too large or too small|Input string was not in a correct format|The input string '.*' was not in a correct format|Index was outside the bounds|Index was out of range|Object reference not set|Unable to cast object|Specified argument was out of the range|\(Parameter '|Parameter name:|is not a valid Base-64|Nullable object must have a value|Sequence contains no|Collection was modified|Non-negative number required|Positive number required|LineNumber: \d|BytePositionInLine|is an invalid start of a value|Invalid pattern '|Exception of type|The value cannot be|Destination is too short|The operation was canceled|was not present in the dictionary|An item with the same key|Failed to compare two elements|At least one object must implement IComparable|Insufficient stack|Could not find (a part of the )?(file|path)|Access to the path|Is a directory|No such file or directory|Permission denied|Too many levels of symbolic links|Bad file descriptor|The process cannot access")]
    private static partial Regex DotNetText();
}
