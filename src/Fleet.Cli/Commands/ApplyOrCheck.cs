using Fleet.Core.Execution;
using Fleet.Core.Inputs;
using Fleet.Core.Playbooks;
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
        var playbooks = StartAt(settings, inputs.Playbooks);
        return await HostRun.ExecuteAsync(
            settings,
            inputs.Inventory,
            (runner, ct) => runner.RunAsync(inputs.Inventory, playbooks, options, ct),
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
            Verbosity = settings.Verbosity ?? (settings.Verbose ? 1 : 0),
            ExtraVars = inputs.ExtraVars,
            Vault = inputs.Vault,
        };
    }

    /// <summary>
    /// The playbooks from <c>--start-at-task</c> on. A name no task has is invalid input before any host is contacted (Ansible
    /// prints an error, runs nothing and exits 0).
    /// </summary>
    private static IReadOnlyList<Playbook> StartAt(PlaybookRunSettings settings, IReadOnlyList<Playbook> playbooks)
    {
        if (settings.StartAtTask is not { } name)
        {
            return playbooks;
        }

        if (name.Length == 0)
        {
            throw new FleetInputException("--start-at-task needs a task name");
        }

        var (from, matched) = StartAtTask.Apply(playbooks, name, SplitList(settings.Tags), SplitList(settings.SkipTags));
        return matched ? from : throw new FleetInputException(
            $"--start-at-task '{name}': no task of the playbooks has that name (as in Ansible, a task inside include_tasks or include_role cannot be started at: start at the include, or use import_tasks)");
    }

    private static List<string> SplitList(string? text) =>
        text is null ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
