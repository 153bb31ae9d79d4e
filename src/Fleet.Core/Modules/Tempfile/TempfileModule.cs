using Fleet.Core.Facts;
using Fleet.Core.Remote;
using Fleet.Core.Results;

namespace Fleet.Core.Modules.Tempfile;

/// <summary>
/// <c>tempfile</c> (ansible.builtin.tempfile): a new temporary file (0600) or directory (0700) made with <c>mktemp</c> on the host;
/// its path is the result's <c>path</c>. As in Ansible, always changed, and skipped in check mode (the module has no check mode).
/// </summary>
public sealed class TempfileModule : Module
{
    /// <summary>Ansible's default prefix.</summary>
    public const string DefaultPrefix = "ansible.";

    /// <inheritdoc />
    public override string Name => "tempfile";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("state", ParameterType.String, "file or directory. The default value is file.", Choices: ["file", "directory"]),
        new("path", ParameterType.String, "The directory to create it in. The default is $TMPDIR, else /tmp.", HostPath: true),
        new("prefix", ParameterType.String, $"The start of its name. The default value is \"{DefaultPrefix}\"."),
        new("suffix", ParameterType.String, "The end of its name. The default value is \"\"."),
    ];

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context) => [];

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        if (context.CheckMode)
        {
            return new Skip("tempfile does not support check mode");
        }

        var directory = args.GetString("path");
        var suffix = args.GetString("suffix") ?? "";
        if (suffix.Contains('/', StringComparison.Ordinal))
        {
            return new PlanFailure($"suffix must not contain a slash: {suffix}");
        }

        var isDirectory = args.GetString("state") == "directory";
        return new Change(
            [$"temporary {(isDirectory ? "directory" : "file")} created in {directory ?? "$TMPDIR"}"],
            Script(isDirectory, directory, args.GetString("prefix") ?? DefaultPrefix, suffix),
            [directory is null ? Subject.AnyPath : Subject.Tree(directory)]);
    }

    /// <summary>The mktemp command: eight random characters between prefix and suffix, as Python's tempfile names them.</summary>
    public static string Script(bool directory, string? inDirectory, string prefix, string suffix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(suffix);
        var words = new List<string> { "mktemp" };
        if (directory)
        {
            words.Add("-d");
        }

        words.Add(inDirectory is null ? "--tmpdir" : "--tmpdir=" + inDirectory);
        if (suffix.Length > 0)
        {
            words.Add("--suffix=" + suffix);
        }

        words.Add("--");
        words.Add(prefix + "XXXXXXXX");
        return Sh.Command(words) + "\n";
    }

    /// <inheritdoc />
    public override ChangeOutcome Complete(Change change, CommandResult result, ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!result.Succeeded)
        {
            return new ChangeOutcome(TaskOutcome.Failed, FailureText(result));
        }

        var path = result.Stdout.TrimEnd('\n');
        return new ChangeOutcome(TaskOutcome.Changed, path) { Data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["path"] = path } };
    }
}
