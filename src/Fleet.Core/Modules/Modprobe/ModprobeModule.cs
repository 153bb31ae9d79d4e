using System.Globalization;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Modprobe;

/// <summary>What the host knows about a kernel module: loaded (or built in), and the lines of modules-load.d and modprobe.d that name it.</summary>
/// <param name="Loaded">In /proc/modules or modules.builtin.</param>
/// <param name="Lines">file, line number and text of each line that names the module.</param>
public sealed record KernelModuleState(bool Loaded, IReadOnlyList<(string File, int Line, string Text)> Lines);

/// <summary>Reads <see cref="KernelModuleState"/> for one module name.</summary>
/// <param name="Name">The module's name.</param>
public sealed record KernelModuleFact(string Name) : Fact<KernelModuleState>
{
    /// <inheritdoc />
    public override string Description => $"kernel module {Name}";

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Tree("/etc/modules-load.d"), Subject.Tree("/etc/modprobe.d"), Subject.Path("/proc/modules")];

    /// <inheritdoc />
    public override string Command
    {
        get
        {
            var name = Sh.Quote(Name);
            var loaded = Sh.Quote(Name.Replace('-', '_') + " ");
            var ko = Sh.Quote("/" + Name + ".ko");
            return $"if grep -q ^{loaded} /proc/modules 2>/dev/null || grep -qs -- {ko}'$' /lib/modules/$(uname -r)/modules.builtin; then echo loaded=yes; else echo loaded=no; fi\n"
                + $"grep -Hn -w -- {name} /etc/modules-load.d/*.conf /etc/modprobe.d/*.conf 2>/dev/null | sed 's/^/line=/' || true";
        }
    }

    /// <inheritdoc />
    public override KernelModuleState Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = new List<(string, int, string)>();
        foreach (var line in stdout.Split('\n').Where(l => l.StartsWith("line=", StringComparison.Ordinal)))
        {
            var parts = line[5..].Split(':', 3);
            if (parts.Length == 3 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                lines.Add((parts[0], number, parts[2]));
            }
        }

        return new KernelModuleState(stdout.Contains("loaded=yes", StringComparison.Ordinal), lines);
    }
}

/// <summary>
/// <c>modprobe</c> (community.general): a kernel module loaded or unloaded, and with <c>persistent</c> its files in
/// /etc/modules-load.d (NAME.conf) and /etc/modprobe.d (NAME.conf: <c>options NAME p=v</c>), as Ansible writes them;
/// <c>persistent: absent</c> comments out the lines that load it or set its options. In a container (Fleet's lab) a module
/// cannot be loaded or unloaded: that part is skipped with a warning, the files are still managed.
/// </summary>
public sealed class ModprobeModule : Module
{
    /// <inheritdoc />
    public override string Name => "modprobe";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("name", ParameterType.String, "The kernel module.", Required: true),
        new("state", ParameterType.String, "present (loaded) or absent (unloaded). The default value is present.", Choices: ["present", "absent"]),
        new("params", ParameterType.String, "Module parameters, e.g. \"numdummies=2\". The default is none."),
        new("persistent", ParameterType.String, "present, absent or disabled (files untouched). The default value is disabled.", Choices: ["disabled", "present", "absent"]),
    ];

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        return [new KernelModuleFact(args.GetRequiredString("name"))];
    }

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(context);
        var name = args.GetRequiredString("name");
        if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
        {
            return new PlanFailure($"'{name}' is not a kernel module name");
        }

        var present = args.GetString("state") != "absent";
        var parameters = (args.GetString("params") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var state = facts.Get(new KernelModuleFact(name));
        var changes = new List<string>();
        var warnings = new List<string>();
        var script = new StringBuilder("set -e\n");
        if (present != state.Loaded)
        {
            if (context.Variables.TryGet("ansible_virtualization_type", out var virt) && virt is "container" or "docker" or "podman" or "lxc" or "systemd-nspawn")
            {
                warnings.Add($"kernel modules cannot be {(present ? "loaded" : "unloaded")} in a container ({virt}): {name} left {(state.Loaded ? "loaded" : "not loaded")}");
            }
            else
            {
                changes.Add(present ? $"module {name} loaded" : $"module {name} unloaded");
                script.Append(present ? $"modprobe -- {Sh.Quote(name)} {string.Join(' ', parameters.Select(Sh.Quote))}\n" : $"modprobe -r -- {Sh.Quote(name)}\n");
            }
        }

        var loadFile = $"/etc/modules-load.d/{name}.conf";
        var optionsFile = $"/etc/modprobe.d/{name}.conf";
        bool Loads((string File, int Line, string Text) l) => l.File.StartsWith("/etc/modules-load.d/", StringComparison.Ordinal) && l.Text.Trim() == name;
        bool Options((string File, int Line, string Text) l) =>
            l.File.StartsWith("/etc/modprobe.d/", StringComparison.Ordinal) && l.Text.StartsWith($"options {name} ", StringComparison.Ordinal);
        var setOptions = state.Lines.Where(Options).SelectMany(l => l.Text.Split('#', ';')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(2)).ToHashSet(StringComparer.Ordinal);
        switch (args.GetString("persistent") ?? "disabled")
        {
            case "present":
                if (!state.Lines.Any(Loads))
                {
                    changes.Add($"{loadFile} loads {name}");
                    script.Append(new RemoteFileWriter(loadFile) { MissingDirectory = MissingDirectory.Create }.Script(name + "\n"));
                }

                if (!setOptions.SetEquals(parameters))
                {
                    changes.Add($"{optionsFile} options {string.Join(' ', parameters)}");
                    CommentOut(script, state.Lines.Where(Options));
                    script.Append(new RemoteFileWriter(optionsFile) { MissingDirectory = MissingDirectory.Create }.Script(parameters.Length == 0 ? "\n" : string.Concat(parameters.Select(p => $"options {name} {p}\n"))));
                }

                break;
            case "absent":
                var lines = state.Lines.Where(l => Loads(l) || Options(l)).ToList();
                if (lines.Count > 0)
                {
                    changes.AddRange(lines.Select(l => $"{l.File}:{l.Line} commented out"));
                    CommentOut(script, lines);
                }

                break;
        }

        if (changes.Count == 0)
        {
            return new NoChange(present ? $"{name} {(state.Loaded ? "loaded" : "not loaded")}" : $"{name} not loaded") { Warnings = warnings };
        }

        return new Change(changes, script.ToString(), [Subject.Tree("/etc/modules-load.d"), Subject.Tree("/etc/modprobe.d"), Subject.Path("/proc/modules")]) { Warnings = warnings };
    }

    private static void CommentOut(StringBuilder script, IEnumerable<(string File, int Line, string Text)> lines)
    {
        foreach (var (file, line, _) in lines)
        {
            script.Append(CultureInfo.InvariantCulture, $"sed -i '{line}s/^/#/' {Sh.Quote(file)}\n");
        }
    }
}
