using System.Globalization;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Modules.Files;
using Fleet.Core.Remote;
using Fleet.Core.Results;

namespace Fleet.Core.Modules.Sysctl;

/// <summary>
/// <c>sysctl</c> (ansible.posix.sysctl): a kernel parameter persisted in a sysctl file and applied to the running kernel.
/// Changed when the file changes, or (with <c>reload</c> or <c>sysctl_set</c>) when the running value differs. Only this
/// task's key is applied, by writing its <c>/proc/sys</c> entry (the "reload" of this one key): reloading the whole file would
/// re-apply every other key, and fail on each that cannot be written. A key whose <c>/proc/sys</c> entry is read-only
/// (containers; the lab outside <c>net.*</c>) is persisted with a warning, not a failure.
/// </summary>
/// <param name="procSys">Where the kernel parameters are; tests point it at a temporary directory. The default value is /proc/sys.</param>
public sealed class SysctlModule(string procSys = SysctlModule.ProcSys) : Module
{
    /// <summary>The kernel's parameters.</summary>
    public const string ProcSys = "/proc/sys";

    /// <summary>Ansible's default, so content written for Ansible persists its keys where Ansible does.</summary>
    public const string DefaultFile = "/etc/sysctl.conf";

    private const string Unapplied = "@@fleet-sysctl-unapplied";

    /// <inheritdoc />
    public override string Name => "sysctl";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("name", ParameterType.String, "The key: net.ipv4.ip_forward (or net/ipv4/ip_forward).", Required: true, Aliases: ["key"]),
        new("value", ParameterType.String, "The value (yes/true → 1, no/false → 0); required for state: present.", Aliases: ["val"]),
        new("state", ParameterType.String, "present or absent (removes the key from the file; the running value stays). The default value is present.", Choices: ["present", "absent"]),
        new("sysctl_file", ParameterType.String, $"The file the key is persisted in. The default value is {DefaultFile}.", HostPath: true),
        new("reload", ParameterType.Bool, "Apply the value to the running kernel when it differs. The default value is true."),
        new("sysctl_set", ParameterType.Bool, "Apply the value to the running kernel when it differs (as reload, for Ansible's name). The default value is false."),
        new("ignoreerrors", ParameterType.Bool, "An unknown key or a value the kernel refuses is a warning, not a failure. The default value is false."),
    ];

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        return [new FileFact(FileOf(args), WithContent: true), new KernelParameterFact(Key(args), procSys)];
    }

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        var key = Key(args);
        var file = FileOf(args);
        if (key.Length == 0 || key.Any(char.IsWhiteSpace) || key.Contains('=', StringComparison.Ordinal) || key.Split('.', '/').Any(p => p is "" or ".."))
        {
            return new PlanFailure($"bad kernel parameter name '{key}'");
        }

        var absent = args.GetString("state") == "absent";
        var value = ParseValue(args.GetString("value"));
        if (!absent && (value is null || value.Length == 0 || value.Contains('\n', StringComparison.Ordinal)))
        {
            return new PlanFailure(value is null ? "value is required for state: present" : "value must be one non-empty line");
        }

        var fileState = facts.Get(new FileFact(file, WithContent: true));
        if (fileState.Exists && fileState.Text is null)
        {
            return new PlanFailure($"{file} is not a readable regular file");
        }

        var running = facts.Get(new KernelParameterFact(key, procSys));
        var warnings = new List<string>();
        var ignoreErrors = args.GetBool("ignoreerrors", false);
        var apply = !absent && (args.GetBool("reload", true) || args.GetBool("sysctl_set", false)) && !SameValue(running.Value, value!);
        if (apply && !running.Exists)
        {
            if (!ignoreErrors)
            {
                return new PlanFailure($"unknown kernel parameter {key}: {KernelParameterFact.PathOf(key, procSys)} does not exist (ignoreerrors: true persists it anyway)");
            }

            warnings.Add($"{key} is unknown to this kernel: persisted in {file} only");
            apply = false;
        }
        else if (apply && !running.Writable)
        {
            warnings.Add($"{key} cannot be applied here ({KernelParameterFact.PathOf(key, procSys)} is read-only: a container or the lab): persisted in {file}, running value {running.Value}");
            apply = false;
        }

        var text = fileState.Text ?? "";
        var edited = Edit(text, key, absent ? null : value);
        var filePlan = edited == text && (fileState.Exists || absent)
            ? new NoChange($"{file} already as desired")
            : FileChange.Plan(file, fileState, Encoding.UTF8.GetBytes(edited), null, null, null, missingDirectory: MissingDirectory.Create);
        if (filePlan is PlanFailure)
        {
            return filePlan;
        }

        var data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["name"] = key, ["value"] = value, ["sysctl_file"] = file };
        if (filePlan is not Change fileChange && !apply)
        {
            var reason = absent ? $"{key} not in {file}" : $"{key} = {value} in {file}" + (running.Exists && running.Writable ? " and running" : "");
            return new NoChange(reason) { Warnings = warnings, Data = data };
        }

        var changes = new List<string>();
        var script = new StringBuilder();
        var predicted = new Dictionary<Fact, object>();
        if (filePlan is Change persisted)
        {
            changes.AddRange(persisted.Changes);
            script.Append(persisted.Script);
            foreach (var (fact, predictedValue) in persisted.Predicted ?? new Dictionary<Fact, object>())
            {
                predicted[fact] = predictedValue;
            }
        }

        if (apply)
        {
            var path = Sh.Quote(KernelParameterFact.PathOf(key, procSys));
            changes.Add($"{key}: {running.Value} → {value}");
            script.Append(CultureInfo.InvariantCulture, $"if ! err=$( {{ printf '%s\\n' {Sh.Quote(value!)} > {path}; }} 2>&1 ); then printf '%s %s\\n' '{Unapplied}' \"$err\"; fi\n");
            predicted[new KernelParameterFact(key, procSys)] = running with { Value = value! };
        }

        var touches = new List<Subject> { Subject.Path(file), Subject.Sysctl(key) };
        return new Change(changes, script.ToString(), touches)
        {
            DiffSource = filePlan is Change withDiff ? withDiff.DiffSource : null,
            Predicted = predicted,
            Warnings = warnings,
            Data = data,
        };
    }

    /// <inheritdoc />
    public override ChangeOutcome Complete(Change change, CommandResult result, ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(args);
        if (!result.Succeeded)
        {
            return base.Complete(change, result, args);
        }

        var line = result.Stdout.Split('\n').FirstOrDefault(l => l.StartsWith(Unapplied, StringComparison.Ordinal));
        if (line is null)
        {
            return new ChangeOutcome(TaskOutcome.Changed);
        }

        var error = line[Unapplied.Length..].Trim();
        var key = Key(args);
        var readOnly = error.Contains("Read-only file system", StringComparison.Ordinal) || error.Contains("Permission denied", StringComparison.Ordinal)
            || error.Contains("Operation not permitted", StringComparison.Ordinal);
        if (!readOnly && !args.GetBool("ignoreerrors", false))
        {
            return new ChangeOutcome(TaskOutcome.Failed, $"setting {key} failed: {error}");
        }

        // The file may have been written all the same: the task changed the host only if it did.
        var persisted = change.Changes.Any(c => c.StartsWith(FileOf(args), StringComparison.Ordinal));
        return new ChangeOutcome(persisted ? TaskOutcome.Changed : TaskOutcome.Ok, persisted ? null : $"{key} not applied")
        {
            Warnings = [$"{key} could not be applied ({error}): {(persisted ? "persisted in " + FileOf(args) : "the running value is unchanged")}"],
        };
    }

    /// <summary>
    /// The file's text with the key set to <paramref name="value"/> (null: removed): the first line of the key is kept when its value
    /// already matches (whatever its spacing) or replaced by <c>key=value</c>; later lines of the key, which would override it,
    /// are removed; a missing key is appended. Comments and other keys are left as they are.
    /// </summary>
    public static string Edit(string text, string key, string? value)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(key);
        var lines = text.Split('\n').ToList();
        var trailingNewline = text.Length == 0 || text.EndsWith('\n');
        if (lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var found = false;
        var result = new List<string>();
        foreach (var line in lines)
        {
            if (ParseLine(line) is not var (lineKey, lineValue) || lineKey != key)
            {
                result.Add(line);
                continue;
            }

            if (value is not null && !found)
            {
                result.Add(SameValue(lineValue, value) ? line : $"{key}={value}");
            }

            found = true;
        }

        if (!found && value is not null)
        {
            result.Add($"{key}={value}");
            trailingNewline = true;
        }

        return result.Count == 0 ? "" : string.Join('\n', result) + (trailingNewline ? "\n" : "");
    }

    /// <summary>A sysctl.conf line's key and value (a leading '-', "ignore errors", is not part of the key), or null.</summary>
    private static (string Key, string Value)? ParseLine(string line)
    {
        var trimmed = line.Trim();
        if (trimmed.Length == 0 || trimmed[0] is '#' or ';' || trimmed.IndexOf('=', StringComparison.Ordinal) is var eq && eq < 0)
        {
            return null;
        }

        return (trimmed[..eq].Trim().TrimStart('-'), trimmed[(eq + 1)..].Trim());
    }

    /// <summary>Values compare as Ansible compares them: the same words in the same order (tabs and runs of spaces are one).</summary>
    private static bool SameValue(string? a, string b) =>
        a is not null && a.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).SequenceEqual(b.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);

    /// <summary>Ansible's value parsing: booleans become 1 and 0, text is trimmed.</summary>
    private static string? ParseValue(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "yes" or "true" or "on" or "y" or "t" => "1",
        "no" or "false" or "off" or "n" or "f" => "0",
        _ => value.Trim(),
    };

    private static string Key(ModuleArguments args) => args.GetRequiredString("name").Trim();

    private static string FileOf(ModuleArguments args) => args.GetString("sysctl_file") ?? DefaultFile;
}

/// <summary>A kernel parameter's running value.</summary>
/// <param name="Exists">The kernel has it.</param>
/// <param name="Writable">Its /proc/sys entry can be written here (false in containers and, outside net.*, in the lab).</param>
/// <param name="Value">The running value (tabs as spaces), or null.</param>
public sealed record KernelParameter(bool Exists, bool Writable, string? Value);

/// <summary>Reads one kernel parameter from <c>/proc/sys</c> (no sysctl process): whether it exists, is writable, and its value.</summary>
/// <param name="Key">The key, dotted (net.ipv4.ip_forward) or with slashes.</param>
/// <param name="ProcSys">The /proc/sys directory.</param>
public sealed record KernelParameterFact(string Key, string ProcSys = SysctlModule.ProcSys) : Fact<KernelParameter>
{
    /// <inheritdoc />
    public override string Description => Key;

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Sysctl(Key)];

    /// <summary>The /proc/sys path of a key: dots are separators, unless the key is written with slashes (eth0.100 names).</summary>
    public static string PathOf(string key, string procSys = SysctlModule.ProcSys)
    {
        ArgumentNullException.ThrowIfNull(key);
        return procSys.TrimEnd('/') + "/" + (key.Contains('/', StringComparison.Ordinal) ? key.TrimStart('/') : key.Replace('.', '/'));
    }

    /// <inheritdoc />
    public override string Command
    {
        get
        {
            var p = Sh.Quote(PathOf(Key, ProcSys));
            // The shell's own read: no process per key (a 40-key loop would otherwise cost 80 execs on every run).
            return $"if [ ! -f {p} ]; then echo missing; exit 0; fi\nif [ -w {p} ]; then echo writable; else echo read-only; fi\nwhile IFS= read -r l || [ -n \"$l\" ]; do printf '%s ' \"$l\"; l=; done < {p}";
        }
    }

    /// <inheritdoc />
    public override KernelParameter Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = stdout.Split('\n', 2);
        return lines[0].Trim() switch
        {
            "missing" => new KernelParameter(false, false, null),
            var access => new KernelParameter(true, access == "writable", lines.Length > 1 ? lines[1].Replace('\t', ' ').Trim() : ""),
        };
    }
}
