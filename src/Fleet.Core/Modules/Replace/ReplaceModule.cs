using System.Text.RegularExpressions;
using Fleet.Core.Modules.Files;

namespace Fleet.Core.Modules.Replace;

/// <summary>
/// <c>replace</c>, with Ansible's semantics: every match of <c>regexp</c> (Python syntax, multi-line mode: <c>^</c>/<c>$</c> match at
/// each line) is replaced by <c>replace</c> (<c>\1</c>, <c>\g&lt;name&gt;</c> refer to groups), only between the first match of
/// <c>after</c> and the first match of <c>before</c> when given. The file must exist; it is written atomically, after <c>validate</c>.
/// </summary>
public sealed class ReplaceModule : TextEditModule
{
    /// <inheritdoc />
    public override string Name => "replace";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("path", ParameterType.String, "The file to edit; it must exist.", Required: true, Aliases: ["dest", "destfile", "name"], HostPath: true),
        new("regexp", ParameterType.String, "The pattern to replace (Python regular expression, multi-line mode).", Required: true),
        new("replace", ParameterType.String, "The replacement; \\1 and \\g<name> insert groups. The default is empty text (matches are removed)."),
        new("after", ParameterType.String, "Only replace after the first match of this pattern. The default is the start of the file."),
        new("before", ParameterType.String, "Only replace before the first match of this pattern. The default is the end of the file."),
        FileParameters.Mode,
        FileParameters.Owner,
        FileParameters.Group,
        FileParameters.Backup,
        FileParameters.Validate,
    ];

    /// <inheritdoc />
    protected override string EditText(string text, ModuleArguments args) => Edit(text, args);

    /// <summary>The file's text after the replacement (pure; used by tests).</summary>
    public static string Edit(string text, ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(args);
        var start = 0;
        var end = text.Length;
        if (args.GetString("after") is { } after && Templating.Python.Regex(after, false, true).Match(text) is { Success: true } a)
        {
            start = a.Index + a.Length;
        }

        if (args.GetString("before") is { } before && Templating.Python.Regex(before, false, true).Match(text) is { Success: true } b)
        {
            end = b.Index;
        }

        if (end < start)
        {
            return text;
        }

        var pattern = Templating.Python.Regex(args.GetRequiredString("regexp"), false, true);
        var replacement = Templating.Python.Replacement(args.GetString("replace") ?? "");
        return text[..start] + pattern.Replace(text[start..end], replacement) + text[end..];
    }

    /// <inheritdoc />
    protected override string? CheckArguments(ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        try
        {
            _ = Templating.Python.Regex(args.GetRequiredString("regexp"), false, true);
            _ = Templating.Python.Replacement(args.GetString("replace") ?? "");
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or FleetInputException)
        {
            return ex.Message;
        }
    }
}
