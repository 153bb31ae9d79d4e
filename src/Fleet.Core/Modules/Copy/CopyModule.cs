using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Modules.Files;

namespace Fleet.Core.Modules.Copy;

/// <summary><c>copy</c>: a whole file's content (inline <c>content</c> or a controller file <c>src</c>), owner and mode; written atomically.</summary>
public sealed class CopyModule : Module
{
    /// <inheritdoc />
    public override string Name => "copy";

    /// <inheritdoc />
    public override string? AsyncRefusal => "Ansible's copy action does not run async either";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("dest", ParameterType.String, "Path on the host; ending in / (or an existing directory) means dest/basename(src).", Required: true),
        new("content", ParameterType.String, "The file's content, inline."),
        new("src", ParameterType.String, "A file on the controller: absolute, or relative to the playbook's directory or its files/.", ControllerFile: true),
        FileParameters.Mode,
        FileParameters.Owner,
        FileParameters.Group,
        FileParameters.Backup,
        FileParameters.Validate,
        new("force", ParameterType.Bool, "Replace a file whose content differs. The default value is true; false only creates missing files."),
    ];

    /// <inheritdoc />
    public override IEnumerable<string> CheckCombination(IReadOnlySet<string> presentParameters)
    {
        ArgumentNullException.ThrowIfNull(presentParameters);
        if (presentParameters.Contains("content") == presentParameters.Contains("src"))
        {
            yield return "give exactly one of content or src";
        }
    }

    private static string Destination(ModuleArguments args)
    {
        var dest = args.GetRequiredString("dest");
        return dest.EndsWith('/') && args.GetString("src") is { } src ? dest + Path.GetFileName(src) : dest;
    }

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        return [new FileFact(Destination(args), WithContent: true)];
    }

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(context);
        var dest = Destination(args);
        var state = facts.Get(new FileFact(dest, WithContent: true));
        byte[] content;
        if (args.GetString("src") is { } src)
        {
            if (ControllerFiles.Find(src, context.PlaybookDirectory) is not { } file)
            {
                return new PlanFailure($"src not found on the controller: {src} (looked in {string.Join(", ", ControllerFiles.Places(src, context.PlaybookDirectory))})");
            }

            try
            {
                content = InputFile.ReadBytes(file, "src on the controller", maxBytes: InputFile.MaxPayloadBytes);
            }
            catch (FleetInputException ex)
            {
                return new PlanFailure(ex.Message); // a FIFO or a device would block forever or never end
            }
        }
        else
        {
            content = Encoding.UTF8.GetBytes(args.GetString("content") ?? "");
        }

        if (state.Type == FileType.Directory)
        {
            return new PlanFailure($"{dest} is a directory; end dest with / to copy into it");
        }

        var keepContent = state.Exists && !args.GetBool("force", true);
        return FileChange.Plan(dest, state, keepContent ? null : content, args.GetString("mode"), args.GetString("owner"), args.GetString("group"), args.GetBool("backup", false), args.GetString("validate"));
    }
}
