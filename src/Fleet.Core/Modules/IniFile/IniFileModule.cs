using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Modules.Files;
using Fleet.Core.Remote;
using Fleet.Core.Results;

namespace Fleet.Core.Modules.IniFile;

/// <summary>
/// <c>ini_file</c> (community.general.ini_file 6.6.2): one option of one section of an INI file, set or removed, or a whole section
/// removed. The new text is <see cref="IniFileEdit"/>'s (byte for byte what Ansible writes), written with the one remote-file writer.
/// </summary>
public sealed class IniFileModule : Module
{
    /// <summary>Ansible's file parameters that Fleet does not implement: naming one is a validation error.</summary>
    public static readonly IReadOnlyList<string> Unsupported = FileParameters.NotImplemented;

    /// <inheritdoc />
    public override string Name => "ini_file";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("path", ParameterType.String, "The INI file.", Required: true, Aliases: ["dest"], HostPath: true),
        new("section", ParameterType.String, "The section. The default (null) is the lines before the first section."),
        new("option", ParameterType.String, "The option. The default (null) with state: absent removes the whole section.", Aliases: ["key"]),
        new("value", ParameterType.String, "The option's value (mutually exclusive with values)."),
        new("values", ParameterType.StringList, "The option's values, one line each (mutually exclusive with value)."),
        new("state", ParameterType.String, "present or absent. The default value is present.", Choices: ["present", "absent"]),
        new("exclusive", ParameterType.Bool, "present: other lines of the option are removed; absent: every line of it is. The default value is true."),
        new("no_extra_spaces", ParameterType.Bool, "Write option=value instead of option = value. The default value is false."),
        new("allow_no_value", ParameterType.Bool, "An option may stand alone without a value. The default value is false."),
        new("create", ParameterType.Bool, "Create the file (and its directory) when missing; false fails instead. The default value is true."),
        FileParameters.Backup,
        FileParameters.Mode,
        FileParameters.Owner,
        FileParameters.Group,
        .. FileParameters.Refused(Unsupported),
    ];

    /// <inheritdoc />
    public override IEnumerable<string> CheckCombination(IReadOnlySet<string> presentParameters)
    {
        ArgumentNullException.ThrowIfNull(presentParameters);
        if (presentParameters.Contains("value") && presentParameters.Contains("values"))
        {
            yield return "value and values are mutually exclusive";
        }

        foreach (var refusal in FileParameters.Refusals(Unsupported, presentParameters))
        {
            yield return refusal;
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        var path = args.GetRequiredString("path");
        return [new FileFact(path, WithContent: true), new PathExistsFact(DirectoryOf(path))];
    }

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        var path = args.GetRequiredString("path");
        var request = Request(args);
        if (!request.Absent && !request.AllowNoValue && request.Values.Count == 0)
        {
            return new PlanFailure("Parameter 'value(s)' must be defined if state=present and allow_no_value=False.");
        }

        var state = facts.Get(new FileFact(path, WithContent: true));
        if (!state.Exists && !args.GetBool("create", true))
        {
            return new PlanFailure($"Destination {path} does not exist!");
        }

        if (state.Exists && state.Text is null)
        {
            return new PlanFailure($"{path} is not a readable regular file");
        }

        var edit = IniFileEdit.Apply(state.Exists ? state.Text : null, request);
        if (edit.Error is not null)
        {
            return new PlanFailure(edit.Error);
        }

        var data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["path"] = path, ["msg"] = edit.Message };
        if (!state.Exists && !edit.Changed)
        {
            // Ansible makes a missing file's directory before it knows whether the file changes, and still reports ok.
            var directory = DirectoryOf(path);
            return context?.CheckMode == false && !facts.Get(new PathExistsFact(directory))
                ? new Change([$"{directory} created ({path} stays absent)"], "mkdir -p -- " + Sh.Quote(directory) + "\n", FileChange.Touched(directory)) { Data = data }
                : new NoChange($"{path} does not exist") { Data = data };
        }

        var plan = FileChange.Plan(path, state, edit.Changed ? Encoding.UTF8.GetBytes(edit.Text) : null,
            args.GetString("mode"), args.GetString("owner"), args.GetString("group"), args.GetBool("backup", false), missingDirectory: MissingDirectory.Create);
        return plan is PlanFailure ? plan : plan with { Data = data };
    }

    /// <inheritdoc />
    public override ChangeOutcome Complete(Change change, CommandResult result, ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(change);
        var outcome = base.Complete(change, result, args);
        return outcome.Status == TaskOutcome.Changed && change.Changes is [var only] && only.EndsWith("stays absent)", StringComparison.Ordinal)
            ? outcome with { Status = TaskOutcome.Ok }
            : outcome;
    }

    private static string DirectoryOf(string path) => Path.GetDirectoryName(path) is { Length: > 0 } directory ? directory : "/";

    /// <summary>The edit the arguments ask for, with Ansible's defaults.</summary>
    public static IniRequest Request(ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        IReadOnlyList<string> values = args.GetString("value") is { } value ? [value] : args.GetList("values") ?? [];
        return new IniRequest(
            args.GetString("section"),
            args.GetString("option"),
            values,
            args.GetString("state") == "absent",
            args.GetBool("exclusive", true),
            args.GetBool("no_extra_spaces", false),
            args.GetBool("allow_no_value", false));
    }
}
