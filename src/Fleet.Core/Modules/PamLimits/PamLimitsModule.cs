using System.Globalization;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Modules.Files;

namespace Fleet.Core.Modules.PamLimits;

/// <summary>
/// <c>pam_limits</c> (community.general): one limit in limits.conf or a file of limits.d. As Ansible: the line with the same
/// domain, type and item gets the value (with <c>use_max</c>/<c>use_min</c> the larger/smaller of the two), or a line
/// <c>domain TAB type TAB item TAB value</c> is appended; comments and other lines stay. A missing file is created.
/// </summary>
public sealed class PamLimitsModule : Module
{
    private static readonly string[] Items =
        ["core", "data", "fsize", "memlock", "nofile", "rss", "stack", "cpu", "nproc", "as", "maxlogins", "maxsyslogins", "priority", "locks", "sigpending", "msgqueue", "nice", "rtprio", "chroot"];

    /// <inheritdoc />
    public override string Name => "pam_limits";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("domain", ParameterType.String, "A user name, @group, wildcard * or %group.", Required: true),
        new("limit_type", ParameterType.String, "soft, hard or - (both).", Required: true, Choices: ["soft", "hard", "-"]),
        new("limit_item", ParameterType.String, "The limit: core, nofile, nproc, maxlogins, ….", Required: true, Choices: Items),
        new("value", ParameterType.String, "The value: a number, unlimited, infinity or -1.", Required: true),
        new("use_max", ParameterType.Bool, "Keep the existing value when it is larger. The default value is false."),
        new("use_min", ParameterType.Bool, "Keep the existing value when it is smaller. The default value is false."),
        new("dest", ParameterType.String, "The limits file. The default value is /etc/security/limits.conf."),
        new("comment", ParameterType.String, "A comment at the end of the line. The default is none (a changed line keeps its own)."),
        FileParameters.Backup,
    ];

    /// <inheritdoc />
    public override IEnumerable<string> CheckCombination(IReadOnlySet<string> presentParameters)
    {
        ArgumentNullException.ThrowIfNull(presentParameters);
        if (presentParameters.Contains("use_max") && presentParameters.Contains("use_min"))
        {
            yield return "use_max and use_min are mutually exclusive";
        }
    }

    private static string Dest(ModuleArguments args) => args.GetString("dest") ?? "/etc/security/limits.conf";

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context) => [new FileFact(Dest(args), WithContent: true)];

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        var dest = Dest(args);
        var state = facts.Get(new FileFact(dest, WithContent: true));
        if (state.Exists && state.Text is null)
        {
            return new PlanFailure($"{dest} is not a readable text file");
        }

        var value = args.GetRequiredString("value");
        var item = args.GetRequiredString("limit_item");
        if (!IsValid(item, value))
        {
            return new PlanFailure($"value '{value}' is not valid for {item} (a number{(item is "nice" or "priority" ? "" : ", unlimited, infinity or -1")})");
        }

        var edited = Edit(state.Text ?? "", args);
        return FileChange.Plan(dest, state, edited == state.Text && state.Exists ? null : Encoding.UTF8.GetBytes(edited), null, null, null, args.GetBool("backup", false));
    }

    private static bool IsValid(string item, string value) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) || item is not ("nice" or "priority") && value is "unlimited" or "infinity";

    /// <summary>The file's text with the limit set (pure; used by tests).</summary>
    public static string Edit(string text, ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(args);
        var (domain, type, item, value) = (args.GetRequiredString("domain"), args.GetRequiredString("limit_type"), args.GetRequiredString("limit_item"), args.GetRequiredString("value"));
        var comment = args.GetString("comment") ?? "";
        var lines = text.Length == 0 ? [] : text.Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var found = false;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var body = line.Split('#', 2)[0];
            var fields = body.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (line.StartsWith('#') || fields.Length != 4 || fields[0] != domain || fields[1] != type || fields[2] != item)
            {
                continue;
            }

            found = true;
            var wanted = Combine(fields[3], value, item, args.GetBool("use_max", false), args.GetBool("use_min", false));
            if (wanted != fields[3])
            {
                var own = line.Contains('#', StringComparison.Ordinal) ? line.Split('#', 2)[1] : "";
                lines[i] = Line(domain, type, item, wanted, comment.Length > 0 ? comment : own);
            }
        }

        if (!found)
        {
            lines.Add(Line(domain, type, item, value, comment));
        }

        return string.Join('\n', lines) + "\n";
    }

    private static string Line(string domain, string type, string item, string value, string comment) =>
        $"{domain}\t{type}\t{item}\t{value}{(comment.Length > 0 ? "\t#" + comment : "")}";

    private static string Combine(string actual, string value, string item, bool useMax, bool useMin)
    {
        if (actual == value || !(useMax || useMin))
        {
            return value;
        }

        var unlimitedAllowed = item is not ("nice" or "priority");
        bool Unlimited(string v) => unlimitedAllowed && v is "unlimited" or "infinity" or "-1";
        long N(string v) => long.Parse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        if (useMax)
        {
            return Unlimited(actual) ? actual : Unlimited(value) ? value : Math.Max(N(value), N(actual)).ToString(CultureInfo.InvariantCulture);
        }

        return Unlimited(actual) && Unlimited(value) ? actual : Unlimited(actual) ? value : Unlimited(value) ? actual : Math.Min(N(value), N(actual)).ToString(CultureInfo.InvariantCulture);
    }
}
