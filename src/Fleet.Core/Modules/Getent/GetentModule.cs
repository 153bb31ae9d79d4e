using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Getent;

/// <summary>The output of <c>getent DATABASE [KEY]</c> and its exit code (2: the key is not there).</summary>
/// <param name="Database">passwd, group, shadow, hosts, services, …</param>
/// <param name="Key">One entry, or null for all.</param>
public sealed record GetentFact(string Database, string? Key) : Fact<(int ExitCode, IReadOnlyList<string> Lines)>
{
    /// <inheritdoc />
    public override string Description => Key is null ? $"getent {Database}" : $"getent {Database} {Key}";

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => Database switch
    {
        "passwd" or "shadow" => [Subject.User(Key)],
        "group" or "gshadow" => [Subject.Group(Key)],
        _ => [Subject.AnyPath],
    };

    /// <inheritdoc />
    public override string Command => $"getent {Sh.Quote(Database)}{(Key is null ? "" : " " + Sh.Quote(Key))}; echo \"exit=$?\"";

    /// <inheritdoc />
    public override (int ExitCode, IReadOnlyList<string> Lines) Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = stdout.Split('\n').Where(l => l.Length > 0).ToList();
        var exit = lines.Count > 0 && lines[^1].StartsWith("exit=", StringComparison.Ordinal) && int.TryParse(lines[^1][5..], out var e) ? e : 1;
        return (exit, lines.Where(l => !l.StartsWith("exit=", StringComparison.Ordinal)).ToList());
    }
}

/// <summary>
/// <c>getent</c>: a database of the name service (passwd, group, hosts, …) as <c>ansible_facts.getent_DATABASE</c> in the task's
/// result, as Ansible returns it: the first field → the other fields. Only reads.
/// </summary>
public sealed class GetentModule : Module
{
    /// <inheritdoc />
    public override string Name => "getent";

    /// <inheritdoc />
    public override IEnumerable<string> ReturnedFactNames(MapArg args) =>
        [args?["database"] is ScalarArg { Value: { } database } && !Templating.Template.HasTemplate(database) ? "getent_" + database : "*"];

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("database", ParameterType.String, "The database: passwd, group, shadow, hosts, services, ….", Required: true),
        new("key", ParameterType.String, "One entry to read. The default is every entry."),
        new("split", ParameterType.String, "The field separator. The default is ':' for passwd, group, shadow and gshadow, else whitespace."),
        new("fail_key", ParameterType.Bool, "A key that is not there fails the task. The default value is true."),
    ];

    private static GetentFact Fact(ModuleArguments args) => new(args.GetRequiredString("database"), args.GetString("key"));

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context) => [Fact(args)];

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        var fact = Fact(args);
        var (exit, lines) = facts.Get(fact);
        if (exit == 2 && args.GetString("key") is not null && args.GetBool("fail_key", true))
        {
            return new PlanFailure("One or more supplied key could not be found in the database.");
        }

        if (exit is not (0 or 2))
        {
            return new PlanFailure(exit == 1 ? $"unknown database '{fact.Database}' (or getent missing)" : $"getent {fact.Database} exited {exit}");
        }

        var separator = args.GetString("split") ?? (fact.Database is "passwd" or "group" or "shadow" or "gshadow" ? ":" : null);
        var entries = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var fields = separator is null ? line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries) : line.Split(separator);
            if (fields.Length > 0)
            {
                entries.TryAdd(fields[0], fields.Skip(1).Cast<object?>().ToList());
            }
        }

        return new NoChange($"{entries.Count} {fact.Database} entries")
        {
            Data = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["ansible_facts"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["getent_" + fact.Database] = entries },
            },
        };
    }
}
