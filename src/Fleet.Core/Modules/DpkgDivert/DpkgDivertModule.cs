using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.DpkgDivert;

/// <summary>
/// <c>dpkg_divert</c> (community.general.dpkg_divert): a dpkg diversion of a path added, changed (holder or target) or removed, with
/// Ansible's commands; idempotent on <c>dpkg-divert --listpackage</c>/<c>--truename</c>. Needs dpkg ≥ 1.19.1 (<c>--no-rename</c>).
/// </summary>
public sealed class DpkgDivertModule : Module
{
    private const string Local = "LOCAL";

    /// <inheritdoc />
    public override string Name => "dpkg_divert";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("path", ParameterType.String, "The file to divert.", Required: true, HostPath: true),
        new("state", ParameterType.String, "present or absent. The default value is present.", Choices: ["present", "absent"]),
        new("holder", ParameterType.String, "The package the diversion belongs to. The default is LOCAL (a local diversion)."),
        new("divert", ParameterType.String, "Where the diverted file goes. The default value is PATH.distrib.", HostPath: true),
        new("rename", ParameterType.Bool, "Also move the file to (or back from) the divert target. The default value is false."),
        new("force", ParameterType.Bool, "With rename, replace the file in the way when both exist. The default value is false."),
    ];

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        return [Fact(args)];
    }

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        var fact = Fact(args);
        var before = facts.Get(fact);
        return before.Error is not null ? new PlanFailure(before.Error) : Plan(args, fact, before);
    }

    /// <summary>The plan from the diversion as it is (pure).</summary>
    public static TaskPlan Plan(ModuleArguments args, DiversionFact fact, Diversion before)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(fact);
        ArgumentNullException.ThrowIfNull(before);
        var path = fact.Path;
        var present = args.GetString("state") != "absent";
        var rename = args.GetBool("rename", false);
        var holder = args.GetString("holder") is { Length: > 0 } h && h != Local ? h : Local;
        var main = new List<string> { "dpkg-divert", rename ? "--rename" : "--no-rename" };
        if (present)
        {
            main.AddRange(holder == Local ? ["--local"] : ["--package", holder]);
            if (args.GetString("divert") is { } divert)
            {
                main.AddRange(["--divert", divert]);
            }

            main.AddRange(["--add", path]);
        }
        else
        {
            main.AddRange(["--remove", path]);
        }

        var wantedHolder = present ? holder : null;
        var wantedDivert = present ? fact.Target : null;
        var data = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["diversion"] = Describe(path, present, wantedHolder, wantedDivert),
            ["commands"] = new List<object?> { string.Join(' ', main) },
        };
        if (before.Present == present && before.Holder == wantedHolder && before.Divert == wantedDivert)
        {
            return new NoChange(present ? $"{path} diverted to {wantedDivert} by {wantedHolder}" : $"{path} not diverted")
            {
                Data = new Dictionary<string, object?>(data, StringComparer.Ordinal) { ["diversion"] = Describe(path, before.Present, before.Holder, before.Divert) },
            };
        }

        var script = new StringBuilder("set -e\n");
        var touches = new List<Subject> { Subject.Path(path), Subject.Path(fact.Target) };
        string change;
        if (before.Present != present)
        {
            // Ansible tries the command first; only when dpkg-divert refuses to rename over an existing file does force remove it.
            var forceable = rename && before.PathExists && (present ? before.TargetExists : before.DivertExists);
            var recovery = !forceable
                ? "echo 'Unexpected error while changing state of the diversion.' >&2; exit 1"
                : args.GetBool("force", false)
                    ? $"rm -f -- {Sh.Quote(present ? fact.Target : path)}; {Sh.Command(main)}"
                    : "echo \"Set 'force' param to True to force renaming of files.\" >&2; exit 1";
            script.Append($"if ! {Sh.Command(main)}; then {recovery}; fi\n");
            change = present ? $"{path} diverted to {wantedDivert} by {wantedHolder}" : $"diversion of {path} removed";
            if (before.Divert is not null)
            {
                touches.Add(Subject.Path(before.Divert));
            }
        }
        else
        {
            // dpkg-divert cannot change a diversion: Ansible removes it and adds the new one, then moves the diverted file along.
            main[1] = "--no-rename";
            data["commands"] = new List<object?> { $"dpkg-divert --no-rename --remove {path}", string.Join(' ', main) };
            script.Append(Sh.Command("dpkg-divert", "--no-rename", "--remove", path)).Append('\n').Append(Sh.Command(main)).Append('\n');
            if (before.Divert != wantedDivert && before.Divert is not null)
            {
                var (old, target) = (Sh.Quote(before.Divert), Sh.Quote(fact.Target));
                script.Append($"if [ -e {old} ] && [ ! -e {target} ]; then mv -- {old} {target} || true; fi\n");
                touches.Add(Subject.Path(before.Divert));
            }

            change = $"diversion of {path} changed: {before.Holder} → {wantedHolder}, {before.Divert} → {wantedDivert}";
        }

        return new Change([change], script.ToString(), touches) { Data = data };
    }

    private static DiversionFact Fact(ModuleArguments args)
    {
        var path = args.GetRequiredString("path");
        return new DiversionFact(path, args.GetString("divert") ?? path + ".distrib");
    }

    private static Dictionary<string, object?> Describe(string path, bool present, string? holder, string? divert) => new(StringComparer.Ordinal)
    {
        ["path"] = path,
        ["state"] = present ? "present" : "absent",
        ["divert"] = divert,
        ["holder"] = holder,
    };
}
