using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Fleet.Core.Facts;
using Fleet.Core.Modules.Files;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Cron;

/// <summary>
/// <c>cron</c> (ansible.builtin.cron): a named job (<c>#Ansible: NAME</c> marker, then the job line) or, with <c>env: true</c>, a
/// <c>NAME="value"</c> variable, in a user's crontab (read with <c>crontab -l</c>, written with <c>crontab -u USER -</c>) or in a
/// file under <c>/etc/cron.d</c> (written atomically). Changed means the crontab's text changed; a name is never added twice.
/// </summary>
public sealed partial class CronModule : Module
{
    /// <summary>Where a relative <c>cron_file</c> goes.</summary>
    public const string CronDirectory = "/etc/cron.d";

    /// <inheritdoc />
    public override string Name => "cron";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("name", ParameterType.String, "The job's name (its #Ansible: marker) or, with env, the variable's name.", Required: true),
        new("job", ParameterType.String, "The command to run or, with env, the variable's value. Required with state: present.", Aliases: ["value"]),
        new("minute", ParameterType.String, "Minute field. The default value is *."),
        new("hour", ParameterType.String, "Hour field. The default value is *."),
        new("day", ParameterType.String, "Day of month field. The default value is *.", Aliases: ["dom"]),
        new("month", ParameterType.String, "Month field. The default value is *."),
        new("weekday", ParameterType.String, "Day of week field. The default value is *.", Aliases: ["dow"]),
        new("special_time", ParameterType.String, "@reboot, @daily… instead of the five time fields. The default is none.", Choices: ["reboot", "yearly", "annually", "monthly", "weekly", "daily", "hourly"]),
        new("user", ParameterType.String, "Whose crontab; with cron_file, the user field of the line (then required). The default is the user the task runs as."),
        new("cron_file", ParameterType.String, "A file under /etc/cron.d (a relative name) or an absolute path, instead of a user's crontab. The default is none.", HostPath: true),
        new("env", ParameterType.Bool, "Manage a NAME=\"value\" variable instead of a job. The default value is false."),
        new("disabled", ParameterType.Bool, "Write the job commented out. The default value is false."),
        new("state", ParameterType.String, "present or absent. The default value is present.", Choices: ["present", "absent"]),
        new("insertafter", ParameterType.String, "With env: a new variable goes after this variable's declaration. The default is the top."),
        new("insertbefore", ParameterType.String, "With env: a new variable goes before this variable's declaration. The default is the top."),
    ];

    /// <inheritdoc />
    public override IEnumerable<string> CheckCombination(IReadOnlySet<string> presentParameters)
    {
        ArgumentNullException.ThrowIfNull(presentParameters);
        if (presentParameters.Contains("insertafter") && presentParameters.Contains("insertbefore"))
        {
            yield return "insertafter and insertbefore are mutually exclusive";
        }
    }

    /// <summary>The cron file's absolute path, or null for a user's crontab.</summary>
    public static string? CronFilePath(ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.GetString("cron_file") is { } file ? (file.StartsWith('/') ? file : $"{CronDirectory}/{file}") : null;
    }

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context) =>
        CronFilePath(args) is { } path ? [new FileFact(path, WithContent: true)] : [new CrontabFact(args.GetString("user"))];

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        var name = args.GetRequiredString("name");
        var user = args.GetString("user");
        var path = CronFilePath(args);
        var present = args.GetString("state") != "absent";
        var env = args.GetBool("env", false);
        var warnings = new List<string>();
        if (Validate(args, name, user, path, present, env, warnings) is { } invalid)
        {
            return new PlanFailure(invalid);
        }

        // The current text: a cron file's content, or the user's crontab.
        FileState? file = null;
        string before;
        if (path is not null)
        {
            file = facts.Get(new FileFact(path, WithContent: true));
            if (file.Exists && file.Text is null)
            {
                return new PlanFailure($"{path} is not a readable regular file");
            }

            before = file.Text ?? "";
        }
        else
        {
            var crontab = facts.Get(new CrontabFact(user));
            switch (crontab.Status)
            {
                case CrontabStatus.NoCrontabCommand:
                    return new PlanFailure("crontab is not installed (package cron)");
                case CrontabStatus.NoSuchUser:
                    return new PlanFailure($"user {user} does not exist");
                case CrontabStatus.Error:
                    return new PlanFailure($"cannot read the crontab: {crontab.Message}");
            }

            before = crontab.Text;
        }

        var lines = CrontabText.Lines(before);
        var what = env ? $"variable {name}" : $"job '{name}'";
        if (env)
        {
            if (present)
            {
                var declaration = $"{name}=\"{args.GetString("job")}\"";
                if (CrontabText.SetEnv(lines, name, declaration, args.GetString("insertafter"), args.GetString("insertbefore")) is { } error)
                {
                    return new PlanFailure(error) { Warnings = warnings };
                }
            }
            else
            {
                CrontabText.RemoveEnv(lines, name);
            }
        }
        else if (present)
        {
            CrontabText.SetJob(lines, name, CrontabText.JobLine(Schedule(args), path is null ? null : user, args.GetRequiredString("job"), args.GetBool("disabled", false)));
        }
        else
        {
            CrontabText.RemoveJob(lines, name);
        }

        var after = CrontabText.Render(lines);
        var where = path ?? (user is null ? "the crontab" : $"the crontab of {user}");
        var data = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["jobs"] = CrontabText.JobNames(lines),
            ["envs"] = CrontabText.EnvNames(lines),
        };
        if (args.GetString("cron_file") is { } cronFile)
        {
            data["cron_file"] = cronFile;
        }

        if (after == before)
        {
            return new NoChange(present ? $"{what} already in {where}" : $"{what} not in {where}") { Data = data, Warnings = warnings };
        }

        var verb = !present ? "removed from" : Exists(before, name, env) ? "updated in" : "added to";
        var summary = $"{what} {verb} {where}";
        if (path is not null)
        {
            return PlanFile(path, file!, after, summary, present) with { Data = data, Warnings = warnings };
        }

        var target = user is null ? "crontab -" : $"crontab -u {Sh.Quote(user)} -";
        var script = $"""
            set -e
            t=$(mktemp)
            trap 'rm -f "$t"' EXIT
            {Sh.PrintText(after)} > "$t"
            {target} < "$t"

            """;
        var fact = new CrontabFact(user);
        var label = user is null ? "crontab" : $"crontab for user {user}";
        return new Change([summary], script, [fact.Subject])
        {
            DiffSource = () => TextDiff.Unified(before, after, label),
            Predicted = new Dictionary<Fact, object> { [fact] = new CrontabState(CrontabStatus.Read, after) },
            Data = data,
            Warnings = warnings,
        };
    }

    /// <summary>A cron file holding <paramref name="after"/>: written atomically (0644 when new), or removed once it holds nothing (as Ansible).</summary>
    private static Change PlanFile(string path, FileState file, string after, string summary, bool present)
    {
        if (!present && after.Trim().Length == 0)
        {
            var before = file.Text ?? "";
            return new Change([summary, $"{path} removed (empty)"], $"rm -f -- {Sh.Quote(path)}\n", FileChange.Touched(path))
            {
                DiffSource = () => TextDiff.Unified(before, "", path),
                Predicted = FileChange.Predict(path, FileState.Missing),
            };
        }

        var plan = FileChange.Plan(path, file, Encoding.UTF8.GetBytes(after), mode: null, owner: null, group: null);
        return plan is Change change
            ? change with { Changes = [summary] }
            : throw new InvalidOperationException($"cron file {path}: expected a change, got {plan}");
    }

    private static bool Exists(string before, string name, bool env)
    {
        var lines = CrontabText.Lines(before);
        return env ? CrontabText.EnvNames(lines).Contains(name) : lines.Contains(CrontabText.Marker(name));
    }

    /// <summary>The five time fields, or @special.</summary>
    private static string Schedule(ModuleArguments args) =>
        args.GetString("special_time") is { } special
            ? "@" + special
            : string.Join(' ', TimeFields.Select(f => args.GetString(f) ?? "*"));

    private static readonly string[] TimeFields = ["minute", "hour", "day", "month", "weekday"];

    /// <summary>Ansible's checks, plus: no line breaks anywhere (they would add crontab lines of their own).</summary>
    private static string? Validate(ModuleArguments args, string name, string? user, string? path, bool present, bool env, List<string> warnings)
    {
        foreach (var parameter in new[] { "name", "job", "user", "cron_file", "insertafter", "insertbefore" }.Concat(TimeFields))
        {
            if (args.GetString(parameter) is { } value && value.Trim('\r', '\n').AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                return $"{parameter} must not contain line breaks (each would be a crontab line of its own)";
            }
        }

        foreach (var field in TimeFields)
        {
            if (args.GetString(field) is { } value && (value.Length == 0 || value.Any(char.IsWhiteSpace)))
            {
                return $"{field} must be one cron field without spaces, not '{value}'";
            }
        }

        if (args.GetString("special_time") is not null && TimeFields.Any(f => args.GetString(f) is { } v && v != "*"))
        {
            return "You must specify time and date fields or special time.";
        }

        if (path == "/etc/crontab")
        {
            return "Will not manage /etc/crontab via cron_file, see documentation.";
        }

        if (args.GetString("cron_file") is { } cronFile && !CronFileName().IsMatch(Path.GetFileName(cronFile)))
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"Filename portion of cron_file (\"{Path.GetFileName(cronFile)}\") should consist solely of upper- and lower-case letters, digits, underscores, and hyphens (cron ignores other files in {CronDirectory})"));
        }

        if (env && (name.Length == 0 || name.Any(char.IsWhiteSpace) || name.Contains('=', StringComparison.Ordinal)))
        {
            return "Invalid name for environment variable";
        }

        if (!present)
        {
            return null;
        }

        if (path is not null && user is null)
        {
            return "To use cron_file=... parameter you must specify user=... as well";
        }

        if (args.GetString("job") is null)
        {
            return "You must specify 'job' to install a new cron job or variable";
        }

        if (!env && (args.Has("insertafter") || args.Has("insertbefore")))
        {
            return "Insertafter and insertbefore parameters are valid only with env=yes";
        }

        if (path is not null && user!.Any(char.IsWhiteSpace))
        {
            return $"user must be one word in a cron file, not '{user}'";
        }

        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex CronFileName();
}
