using System.Globalization;
using Fleet.Core.Facts;
using Fleet.Core.Remote;
using Fleet.Core.Results;

namespace Fleet.Core.Modules.Lynis;

/// <summary>
/// <c>lynis</c>: runs <c>lynis audit system</c> and reads <c>/var/log/lynis-report.dat</c>: hardening index, warnings, suggestions.
/// An audit only reads, so it runs in check mode too and never counts as a change; <c>min_index</c> fails a host that scores lower.
/// </summary>
public sealed class LynisModule : Module
{
    private const string Marker = "@@fleet-lynis-report@@";

    /// <inheritdoc />
    public override string Name => "lynis";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("min_index", ParameterType.Int, "Fail when the hardening index is below this. The default is no minimum."),
        new("profile", ParameterType.String, "A Lynis profile file on the host. The default is Lynis's own."),
    ];

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context) => [new CommandExistsFact("lynis")];

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        if (!facts.Get(new CommandExistsFact("lynis")))
        {
            return new PlanFailure("lynis is not installed (package lynis)");
        }

        var profile = args.GetString("profile") is { } p ? " --profile " + Sh.Quote(p) : "";
        var script = $"""
            lynis audit system --quick --no-colors --cronjob{profile} >/dev/null 2>/tmp/fleet-lynis.err || {"{"} cat /tmp/fleet-lynis.err >&2; exit 1; {"}"}
            echo '{Marker}'
            cat /var/log/lynis-report.dat
            """;
        return new Change(["lynis audit system"], script, []) { ReadOnly = true };
    }

    /// <inheritdoc />
    public override ChangeOutcome Complete(Change change, CommandResult result, ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(args);
        if (!result.Succeeded)
        {
            return new ChangeOutcome(TaskOutcome.Failed, FailureText(result));
        }

        var start = result.Stdout.IndexOf(Marker, StringComparison.Ordinal);
        var audit = ParseReport(start < 0 ? result.Stdout : result.Stdout[(start + Marker.Length)..]);
        if (audit is null)
        {
            return new ChangeOutcome(TaskOutcome.Failed, "the Lynis report has no hardening_index");
        }

        var message = string.Create(CultureInfo.InvariantCulture, $"hardening index {audit.HardeningIndex}, {audit.Warnings.Count} warnings, {audit.Suggestions} suggestions");
        if (args.GetInt("min_index") is { } min && audit.HardeningIndex < min)
        {
            return new ChangeOutcome(TaskOutcome.Failed, string.Create(CultureInfo.InvariantCulture, $"{message}: below min_index {min}")) { Data = Data(audit) };
        }

        return new ChangeOutcome(TaskOutcome.Ok, message) { Data = Data(audit) };
    }

    /// <summary>The audit as result data: <c>hardening_index</c>, <c>warnings</c>, <c>suggestions</c>.</summary>
    private static Dictionary<string, object?> Data(AuditSummary audit) => new(StringComparer.Ordinal)
    {
        ["hardening_index"] = audit.HardeningIndex,
        ["warnings"] = audit.Warnings,
        ["suggestions"] = audit.SuggestionList,
    };

    /// <summary>Reads a <c>lynis-report.dat</c>: <c>hardening_index=</c>, <c>warning[]=</c>, <c>suggestion[]=</c> (ID|text|details|solution|); null without an index.</summary>
    public static AuditSummary? ParseReport(string report)
    {
        ArgumentNullException.ThrowIfNull(report);
        int? index = null;
        var warnings = new List<string>();
        var suggestions = new List<string>();
        foreach (var raw in report.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("hardening_index=", StringComparison.Ordinal) && int.TryParse(line["hardening_index=".Length..], CultureInfo.InvariantCulture, out var value))
            {
                index = value;
            }
            else if (line.StartsWith("warning[]=", StringComparison.Ordinal))
            {
                warnings.Add(Describe(line["warning[]=".Length..]));
            }
            else if (line.StartsWith("suggestion[]=", StringComparison.Ordinal))
            {
                suggestions.Add(Describe(line["suggestion[]=".Length..]));
            }
        }

        return index is null ? null : new AuditSummary(index.Value, warnings, suggestions.Count, suggestions);
    }

    /// <summary>"ID|text|details|solution|" → "ID: text".</summary>
    private static string Describe(string entry)
    {
        var parts = entry.Split('|');
        return parts.Length >= 2 ? $"{parts[0]}: {parts[1]}" : entry;
    }
}

/// <summary>Whether a command is on the host's PATH.</summary>
/// <param name="Name">Command name.</param>
public sealed record CommandExistsFact(string Name) : Fact<bool>
{
    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.AnyPath];

    /// <inheritdoc />
    public override string Command => $"PATH=\"$PATH:/usr/sbin:/sbin\"; if command -v {Sh.Quote(Name)} >/dev/null 2>&1; then echo yes; else echo no; fi";

    /// <inheritdoc />
    public override bool Parse(string stdout, int exitCode) => stdout.Trim() == "yes";
}
