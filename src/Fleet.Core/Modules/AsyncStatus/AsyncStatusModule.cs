using Fleet.Core.Facts;
using Fleet.Core.Remote;
using Fleet.Core.Results;

namespace Fleet.Core.Modules.AsyncStatus;

/// <summary>
/// <c>async_status</c>: reads (or, <c>mode: cleanup</c>, removes) the job an <c>async</c> task with <c>poll: 0</c> started, as
/// Ansible's: <c>started</c>, <c>finished</c>, <c>ansible_job_id</c>, <c>results_file</c>, and once finished the job's <c>rc</c>,
/// <c>stdout</c> and <c>stderr</c>; a job that failed fails the task. <c>until: job.finished</c> with <c>retries</c> waits for it.
/// </summary>
public sealed class AsyncStatusModule : Module
{
    /// <inheritdoc />
    public override string Name => "async_status";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("jid", ParameterType.String, "The job id (the registered ansible_job_id of the async task).", Required: true),
        new("mode", ParameterType.String, "status reads the job; cleanup removes its files. The default value is status.", Choices: ["status", "cleanup"]),
    ];

    /// <inheritdoc />
    public override string? AsyncRefusal => "it reads a job and cannot be one (as in Ansible)";

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context) => [];

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var jid = args.GetRequiredString("jid");
        if (!AsyncJob.IsValidId(jid))
        {
            return new PlanFailure($"jid '{jid}' is not a job id (letters, digits, '.', '-' and '_')");
        }

        // As Ansible's module, which does not support check mode: the task is skipped.
        if (context.CheckMode)
        {
            return new Skip("async_status does not support check mode");
        }

        return args.GetString("mode") == "cleanup"
            ? new Change([$"removed job {jid}"], AsyncJob.Cleanup(jid), Touches: []) { ReadOnly = true }
            : new Change([$"job {jid} finished"], AsyncJob.Status(jid), Touches: []) { ReadOnly = true };
    }

    /// <inheritdoc />
    public override ChangeOutcome Complete(Change change, CommandResult result, ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(args);
        var jid = args.GetRequiredString("jid");
        if (args.GetString("mode") == "cleanup")
        {
            var path = AsyncJob.PathOf(result);
            var data = Data(jid, started: 0, finished: 0);
            if (result.ExitCode != 0)
            {
                return new ChangeOutcome(TaskOutcome.Failed, result.ExitCode == AsyncJob.NoJob ? "could not find job" : FailureText(result)) { Data = data, ShowsScriptOutput = false };
            }

            data["erased"] = path;
            return new ChangeOutcome(TaskOutcome.Ok) { Data = data, ShowsScriptOutput = false };
        }

        AsyncJobStatus status;
        try
        {
            status = AsyncJob.Parse(result);
        }
        catch (FormatException ex)
        {
            return new ChangeOutcome(TaskOutcome.Failed, ex.Message) { ShowsScriptOutput = false };
        }

        var outcome = Outcome(status);
        var fields = Data(jid, 1, status.Finished ? 1 : 0);
        fields["results_file"] = status.ResultsFile;
        foreach (var (key, value) in JobOutput(status).Concat(outcome.Data ?? ModuleResult.NoData))
        {
            fields[key] = value;
        }

        return outcome with { Data = fields, ShowsScriptOutput = false };
    }

    /// <summary>
    /// What a job's read means for the task: not found or failed is a failure (a failed command still changed something, as
    /// Ansible's command says), a running job is ok, a finished one changed unless its task had nothing to change.
    /// </summary>
    public static ChangeOutcome Outcome(AsyncJobStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var message = status.Fields.GetValueOrDefault("msg") as string;
        return status switch
        {
            { Found: false } => new ChangeOutcome(TaskOutcome.Failed, "could not find job"),
            { Finished: false } => new ChangeOutcome(TaskOutcome.Ok),
            { TimedOut: true } => new ChangeOutcome(TaskOutcome.Failed, message),
            _ when status.Fields.GetValueOrDefault("changed") is false => new ChangeOutcome(TaskOutcome.Ok, message),
            { ExitCode: 0 } => new ChangeOutcome(TaskOutcome.Changed),
            _ => new ChangeOutcome(TaskOutcome.Failed, "non-zero return code") { Data = new Dictionary<string, object?> { ["changed"] = true } },
        };
    }

    /// <summary>A job's output in Ansible's result keys: <c>rc</c> once it finished, <c>stdout</c>, <c>stderr</c> and their lines always.</summary>
    public static IReadOnlyDictionary<string, object?> JobOutput(AsyncJobStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var output = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["stdout"] = status.Stdout.TrimEnd('\n'),
            ["stderr"] = status.Stderr.TrimEnd('\n'),
            ["stdout_lines"] = ModuleResult.Lines(status.Stdout),
            ["stderr_lines"] = ModuleResult.Lines(status.Stderr),
        };
        if (status.ExitCode is { } rc)
        {
            output["rc"] = (long)rc;
        }

        return output;
    }

    private static Dictionary<string, object?> Data(string jid, long started, long finished) => new(StringComparer.Ordinal)
    {
        ["ansible_job_id"] = jid,
        ["started"] = started,
        ["finished"] = finished,
        ["stdout"] = "",
        ["stderr"] = "",
        ["stdout_lines"] = Array.Empty<object?>(),
        ["stderr_lines"] = Array.Empty<object?>(),
    };
}
