using System.Text;
using System.Text.RegularExpressions;
using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Files;

/// <summary>
/// A module that edits a text file in place (lineinfile, blockinfile): reads the file with its content, computes the new text on
/// the controller (a pure function), and writes it atomically when it differs. <c>path</c>, <c>state</c>, <c>create</c>,
/// <c>mode</c>, <c>owner</c>, <c>group</c> and <c>backup</c> mean the same for all of them.
/// </summary>
public abstract class TextEditModule : Module
{
    /// <summary>The file's text after the edit.</summary>
    protected abstract string EditText(string text, ModuleArguments args);

    /// <summary>A problem with the arguments that only shows at plan time, or null.</summary>
    protected virtual string? CheckArguments(ModuleArguments args) => null;

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        return [new FileFact(args.GetRequiredString("path"), WithContent: true)];
    }

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        var path = args.GetRequiredString("path");
        var state = facts.Get(new FileFact(path, WithContent: true));
        var absent = args.GetString("state") == "absent";
        if (!state.Exists && (absent || !args.GetBool("create", false)))
        {
            return absent ? new NoChange($"{path} does not exist") : new PlanFailure($"{path} does not exist (set create: true to create it)");
        }

        if (state.Exists && state.Text is null)
        {
            return new PlanFailure($"{path} is not a readable regular file");
        }

        if (CheckArguments(args) is { } problem)
        {
            return new PlanFailure(problem);
        }

        var text = state.Text ?? "";
        string edited;
        try
        {
            edited = EditText(text, args);
        }
        catch (RegexParseException ex)
        {
            return new PlanFailure("invalid regular expression: " + ex.Message);
        }

        var content = edited == text && state.Exists ? null : Encoding.UTF8.GetBytes(edited);
        // As Ansible's lineinfile and blockinfile, create: true also creates the file's missing parent directories.
        var directory = state.Exists ? MissingDirectory.Refuse : MissingDirectory.Create;
        return FileChange.Plan(path, state, content, args.GetString("mode"), args.GetString("owner"), args.GetString("group"), args.GetBool("backup", false), args.GetString("validate"), directory);
    }
}
