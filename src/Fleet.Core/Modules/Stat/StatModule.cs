using Fleet.Core.Facts;

namespace Fleet.Core.Modules.Stat;

/// <summary><c>stat</c>: reads a path and changes nothing; its result's <c>stat</c> (exists, mode, isdir, checksum…) drives later tasks.</summary>
public sealed class StatModule : Module
{
    /// <inheritdoc />
    public override string Name => "stat";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("path", ParameterType.String, "The path on the host.", Required: true, Aliases: ["dest", "name"], HostPath: true),
        new("follow", ParameterType.Bool, "Follow a symbolic link. The default value is false."),
        new("get_checksum", ParameterType.Bool, "Read the SHA-1 of a regular file. The default value is true."),
        new("checksum_algorithm", ParameterType.String, "Only sha1 is supported. The default value is sha1.", Aliases: ["checksum", "checksum_algo"], Choices: ["sha1"]),
        new("get_mime", ParameterType.Bool, "Accepted; Fleet reports no MIME type. The default value is true."),
        new("get_attributes", ParameterType.Bool, "Accepted; Fleet reports no attributes. The default value is true."),
    ];

    private static StatFact FactFor(ModuleArguments args) =>
        new(args.GetRequiredString("path"), args.GetBool("follow", false), args.GetBool("get_checksum", true));

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        return [FactFor(args)];
    }

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        var fact = FactFor(args);
        var state = facts.Get(fact);
        return new NoChange(state.Exists ? $"{fact.Path}: {state.Type}, {state.Mode}, {state.Owner}:{state.Group}" : $"{fact.Path}: does not exist")
        {
            Data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["stat"] = Result(fact.Path, state) },
        };
    }

    /// <summary>Ansible's <c>stat</c> dictionary.</summary>
    public static Dictionary<string, object?> Result(string path, StatState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.Exists)
        {
            return new Dictionary<string, object?>(StringComparer.Ordinal) { ["exists"] = false };
        }

        var stat = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["exists"] = true,
            ["path"] = path,
            ["mode"] = state.Mode,
            ["isdir"] = state.Type == "directory",
            ["isreg"] = state.Type is "regular file" or "regular empty file",
            ["islnk"] = state.Type == "symbolic link",
            ["pw_name"] = state.Owner,
            ["gr_name"] = state.Group,
            ["uid"] = state.Uid,
            ["gid"] = state.Gid,
            ["size"] = state.Size,
        };
        if (state.LinkTarget is { } link)
        {
            stat["lnk_target"] = link;
            stat["lnk_source"] = link;
        }

        if (state.Checksum is { } checksum)
        {
            stat["checksum"] = checksum;
        }

        return stat;
    }
}
