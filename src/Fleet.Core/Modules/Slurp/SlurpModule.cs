using Fleet.Core.Facts;

namespace Fleet.Core.Modules.Slurp;

/// <summary>
/// <c>slurp</c> (ansible.builtin.slurp): a file's bytes from the host, base64-encoded in the result's <c>content</c>, for
/// <c>register</c> and <c>b64decode</c>. It changes nothing (always ok) and reads the same in check mode.
/// </summary>
public sealed class SlurpModule : Module
{
    /// <inheritdoc />
    public override string Name => "slurp";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("src", ParameterType.String, "The file on the host (a file, not a directory).", Required: true, Aliases: ["path"], HostPath: true),
    ];

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        return [new SlurpFact(args.GetRequiredString("src"))];
    }

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        var source = args.GetRequiredString("src");
        var state = facts.Get(new SlurpFact(source));

        // Ansible's own messages, by the errno its open() met.
        return state.Problem switch
        {
            "missing" => new PlanFailure($"file not found: {source}"),
            "directory" => new PlanFailure($"source is a directory and must be a file: {source}"),
            "unreadable" => new PlanFailure($"file is not readable: {source}"),
            _ => new NoChange($"{source}: read")
            {
                Data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["content"] = state.Base64, ["source"] = source, ["encoding"] = "base64" },
            },
        };
    }
}
