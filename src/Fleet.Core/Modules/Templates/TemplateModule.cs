using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Modules.Files;
using Fleet.Core.Templating;

namespace Fleet.Core.Modules.Templates;

/// <summary>
/// <c>template</c>: a file rendered on the controller from a Jinja template with the host's variables and facts, then written
/// like <c>copy</c> (atomically, owner, mode, backup, <c>validate</c>); in check mode the diff shows the rendered change.
/// </summary>
public sealed class TemplateModule : Module
{
    /// <summary>Ansible's default <c>ansible_managed</c> text, used when no variable of that name is set.</summary>
    public const string DefaultManaged = "Ansible managed";

    /// <inheritdoc />
    public override string Name => "template";

    /// <inheritdoc />
    public override string? AsyncRefusal => "Ansible's template action does not run async either";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("src", ParameterType.String, "The Jinja template on the controller: absolute, or relative to a role's templates/ (role_path), the playbook's templates/, or the playbook's directory.", Required: true, ControllerFile: true, ControllerFolder: "templates"),
        new("dest", ParameterType.String, "Path on the host; ending in / means dest/basename(src).", Required: true, HostPath: true),
        FileParameters.Mode with { Doc = "Permissions, octal (\"0644\") or symbolic (u=rw,g=r,o=r), or preserve: the template file's own mode. The default keeps the current mode (a new file gets 0644).", ModeWords = ["preserve"] },
        FileParameters.Owner,
        FileParameters.Group,
        FileParameters.Backup,
        new("force", ParameterType.Bool, "Replace a file whose content differs. The default value is true; false only creates missing files."),
        new("follow", ParameterType.Bool, "A symbolic link at dest: true writes the file it leads to; false replaces the link with the file. The default value is false."),
        FileParameters.Validate,
        new("trim_blocks", ParameterType.Bool, "Remove the first newline after a block tag. The default value is true (Ansible's)."),
        new("lstrip_blocks", ParameterType.Bool, "Strip spaces and tabs before a block tag at the start of a line. The default value is false."),
    ];

    private static string Destination(ModuleArguments args)
    {
        var dest = args.GetRequiredString("dest");
        return dest.EndsWith('/') ? dest + Path.GetFileName(args.GetRequiredString("src")) : dest;
    }

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        return [DestinationFile.Fact(args, Destination(args))];
    }

    /// <summary>
    /// Where a template's <c>src</c> is found: absolute as given; else <c>role_path/templates/</c>, <c>role_path/</c> (when the
    /// task comes from a role, which sets <c>role_path</c>), then the playbook's <c>templates/</c> and directory. Null when absent.
    /// </summary>
    public static string? FindTemplate(string src, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Variables.TryGet("role_path", out var role) && role is string { Length: > 0 } rolePath && !Path.IsPathRooted(src)
            && ControllerFiles.Find(src, rolePath, "templates") is { } inRole)
        {
            return inRole;
        }

        return ControllerFiles.Find(src, context.PlaybookDirectory, "templates");
    }

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(context);
        var src = args.GetRequiredString("src");
        var (dest, state) = DestinationFile.Read(args, facts, Destination(args));
        if (FindTemplate(src, context) is not { } file)
        {
            return new PlanFailure($"template not found on the controller: {src} (looked in {string.Join(", ", ControllerFiles.Places(src, context.PlaybookDirectory, "templates"))})");
        }

        if (state.Type == FileType.Directory)
        {
            return new PlanFailure($"{dest} is a directory; end dest with / to write into it");
        }

        string rendered;
        try
        {
            var options = new TemplateOptions(TrimBlocks: args.GetBool("trim_blocks", true), LstripBlocks: args.GetBool("lstrip_blocks", false));
            var variables = new TemplateVariables(context.Variables, new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["ansible_managed"] = DefaultManaged,
                ["template_path"] = file,
                ["template_fullpath"] = Path.GetFullPath(file),
                ["template_destpath"] = dest,
                ["template_host"] = context.HostName,
            });
            var source = InputFile.ReadText(file, "template");
            rendered = Templating.Template.RenderFile(source, file, variables, options, SearchPath(context.PlaybookDirectory, file));
        }
        catch (FleetInputException ex)
        {
            return new PlanFailure(ex.Message);
        }

        var keepContent = state.Exists && !args.GetBool("force", true);
        var mode = args.GetString("mode") is "preserve" ? DestinationFile.ControllerMode(file) : args.GetString("mode");
        return DestinationFile.Write(args, dest, state, keepContent ? null : Encoding.UTF8.GetBytes(rendered), mode);
    }

    /// <summary>
    /// Where include, import and extends look, as Ansible's template action: the playbook's (or role's) directory and the
    /// template's own, each with its templates/ first.
    /// </summary>
    public static IReadOnlyList<string> SearchPath(string playbookDirectory, string templateFile) =>
        new[] { playbookDirectory, Path.GetDirectoryName(Path.GetFullPath(templateFile))! }
            .SelectMany(d => new[] { Path.Combine(d, "templates"), d }).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The host's variables, then the template's own (<c>ansible_managed</c>, <c>template_path</c>, …) where the host has none.</summary>
    private sealed class TemplateVariables(IVariableLookup host, IReadOnlyDictionary<string, object?> own) : IVariableLookup
    {
        public bool TryGet(string name, out object? value) => host.TryGet(name, out value) || own.TryGetValue(name, out value);

        public IEnumerable<string> Names => host.Names.Concat(own.Keys);
    }
}
