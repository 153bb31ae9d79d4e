using Fleet.Core.Execution;
using Fleet.Core.Inputs;
using Fleet.Core.Results;

namespace Fleet.Cli.Commands;

/// <summary>The shared path of apply and check.</summary>
internal static class ApplyOrCheck
{
    public static async Task<int> ExecuteAsync(PlaybookRunSettings settings, string mode, CancellationToken cancellationToken)
    {
        HostRun.CheckOptions(settings);
        if (settings.ListsOnly)
        {
            // As ansible-playbook: the inputs are read and checked, nothing connects, so credentials are not needed.
            var read = HostRun.LoadInputs(settings, settings.Playbooks, settings.RolesPath, checkTargets: false);
            Console.Write(PlaybookListing.Write(read, settings.ListHosts, settings.ListTasks, settings.ListTags, SplitList(settings.Tags), SplitList(settings.SkipTags)));
            return ExitCodes.Success;
        }

        var inputs = HostRun.LoadInputs(settings, settings.Playbooks, settings.RolesPath);
        var options = Options(settings, mode, inputs);
        return await HostRun.ExecuteAsync(
            settings,
            inputs.Inventory,
            (runner, ct) => runner.RunAsync(inputs.Inventory, inputs.Playbooks, options, ct),
            settings.JUnit,
            settings.Diff || mode == "check",
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The run options from the command line and its loaded <paramref name="inputs"/>; invalid values are input errors.</summary>
    public static RunOptions Options(PlaybookRunSettings settings, string mode, RunInputs inputs)
    {
        _ = PlaybookRunner.BatchSize(1, settings.Serial);
        if (settings.MaxFailPercent is < 0 or > 100)
        {
            throw new FleetInputException($"--max-fail-percent must be between 0 and 100, not {settings.MaxFailPercent}");
        }

        return new RunOptions
        {
            Mode = mode,
            Diff = settings.Diff,
            Forks = settings.Forks,
            Limit = inputs.Limit,
            Shard = inputs.Shard,
            Tags = SplitList(settings.Tags),
            SkipTags = SplitList(settings.SkipTags),
            Serial = settings.Serial,
            MaxFailPercent = settings.MaxFailPercent,
            TaskTimeout = settings.TaskTimeout,
            BecomeUser = settings.BecomeUser is null or "root" ? null : settings.BecomeUser,
            ExtraVars = inputs.ExtraVars,
            Vault = inputs.Vault,
        };
    }

    private static List<string> SplitList(string? text) =>
        text is null ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
