using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Modules.Files;

namespace Fleet.Core.Modules.Pamd;

/// <summary>
/// <c>pamd</c> (community.general): edits the rules of one PAM service file — update, insert before/after, remove a rule, add or
/// remove module arguments — matching rules by type, control and module path. The file is parsed and written back exactly as
/// Ansible's module writes it (<see cref="PamdService"/>): when anything changes every rule is re-laid out and the second line
/// carries "# Updated by Ansible - TIMESTAMP"; when nothing changes the file is not touched.
/// </summary>
/// <param name="time">The clock for the "Updated by Ansible" mark (host-local time in Ansible; the controller's here). The default is the system clock.</param>
public sealed class PamdModule(TimeProvider? time = null) : Module
{
    private static readonly string[] States = ["absent", "after", "args_absent", "args_present", "before", "updated"];

    /// <summary>Where service files are looked for when <c>path</c> is not given.</summary>
    public const string DefaultDirectory = "/etc/pam.d";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public override string Name => "pamd";

    /// <inheritdoc />
    public override string BackupResultKey => "backupdest"; // community.general's pamd result key

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("name", ParameterType.String, "The service: the file's name under path (sshd, common-auth…).", Required: true),
        new("type", ParameterType.String, "The type of the rule(s) to act on.", Required: true, Choices: PamdService.ValidTypes),
        new("control", ParameterType.String, "The control of the rule(s) to act on: required, optional… or a bracketed [value=action …] list.", Required: true),
        new("module_path", ParameterType.String, "The module of the rule(s) to act on (pam_unix.so or a full path).", Required: true),
        new("new_type", ParameterType.String, "updated: the rule's new type; before/after: the inserted rule's type.", Choices: PamdService.ValidTypes),
        new("new_control", ParameterType.String, "updated: the rule's new control; before/after: the inserted rule's control."),
        new("new_module_path", ParameterType.String, "updated: the rule's new module; before/after: the inserted rule's module."),
        new("module_arguments", ParameterType.StringList,
            "updated: the rule's arguments (replacing all; an empty list removes them); before/after: the new rule's; args_present/args_absent: the arguments to add or remove."),
        new("state", ParameterType.String,
            "updated, before, after (insert a new rule next to each match), args_present, args_absent, or absent (remove the rule). The default value is updated.",
            Choices: States),
        new("path", ParameterType.String, $"The directory of the service files. The default value is {DefaultDirectory}.", HostPath: true),
        FileParameters.Backup,
    ];

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context) => [new FileFact(FileOf(args), WithContent: true)];

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        var file = FileOf(args);
        var state = args.GetString("state") ?? "updated";
        if (MissingFor(state, args) is { } missing)
        {
            return new PlanFailure($"state is {state} but all of the following are missing: {missing}");
        }

        var fileState = facts.Get(new FileFact(file, WithContent: true));
        if (!fileState.Exists || fileState.Text is null)
        {
            return new PlanFailure($"Unable to open/read PAM module file {file}: {(fileState.Exists ? "not a readable regular file" : "no such file")}");
        }

        var text = fileState.Text;
        string? edited;
        int changes;
        try
        {
            (edited, changes) = Edit(text, args, PamdService.IsoTimestamp(_time.GetLocalNow().DateTime));
        }
        catch (FormatException ex)
        {
            return new PlanFailure($"{file}: {ex.Message}");
        }

        var data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["change_count"] = changes, ["backupdest"] = "" };
        if (edited is null)
        {
            return new NoChange($"{file}: no rule to change") { Data = data };
        }

        var plan = FileChange.Plan(file, fileState, Encoding.UTF8.GetBytes(edited), null, null, null, args.GetBool("backup", false));
        return plan with { Data = data };
    }

    /// <summary>
    /// The file's new text and the number of rules changed (pure; used by tests), or null text when nothing changes.
    /// A line pamd cannot parse, or a file it finds invalid, is a <see cref="FormatException"/> in pamd's words.
    /// </summary>
    public static (string? Text, int Changes) Edit(string text, ModuleArguments args, string timestamp)
    {
        ArgumentNullException.ThrowIfNull(args);
        var service = PamdService.Parse(text);
        var type = args.GetRequiredString("type");
        var control = args.GetRequiredString("control");
        var modulePath = args.GetRequiredString("module_path");
        var arguments = args.GetList("module_arguments");
        var state = args.GetString("state") ?? "updated";
        if (state == "args_present" && PamdService.ParseArguments(arguments ?? []).Any(a => a.StartsWith('[')))
        {
            throw new FormatException("Unable to process bracketed '[' complex arguments with 'args_present'. Please use 'updated'.");
        }

        var changes = state switch
        {
            "updated" => service.UpdateRule(type, control, modulePath, args.GetString("new_type"), args.GetString("new_control"), args.GetString("new_module_path"), arguments),
            "before" => service.InsertBefore(type, control, modulePath, args.GetRequiredString("new_type"), args.GetRequiredString("new_control"), args.GetRequiredString("new_module_path"), arguments),
            "after" => service.InsertAfter(type, control, modulePath, args.GetRequiredString("new_type"), args.GetRequiredString("new_control"), args.GetRequiredString("new_module_path"), arguments),
            "args_absent" => service.RemoveArguments(type, control, modulePath, arguments ?? []),
            "args_present" => service.AddArguments(type, control, modulePath, arguments ?? []),
            _ => service.Remove(type, control, modulePath),
        };

        // pamd validates the whole file, changed or not: a file it finds invalid fails the task.
        if (service.Validate() is { } problem)
        {
            throw new FormatException(problem);
        }

        return (changes > 0 ? service.Render(timestamp) : null, changes);
    }

    /// <summary>The parameters <paramref name="state"/> requires that are missing, as pamd's required_if lists them, or null.</summary>
    private static string? MissingFor(string state, ModuleArguments args)
    {
        string[] required = state switch
        {
            "args_present" or "args_absent" => ["module_arguments"],
            "before" or "after" => ["new_control", "new_type", "new_module_path"],
            _ => [],
        };
        var missing = required.Where(r => !args.Has(r)).ToList();
        return missing.Count == 0 ? null : string.Join(", ", missing);
    }

    private static string FileOf(ModuleArguments args) => Path.Combine(args.GetString("path") ?? DefaultDirectory, args.GetRequiredString("name"));
}
