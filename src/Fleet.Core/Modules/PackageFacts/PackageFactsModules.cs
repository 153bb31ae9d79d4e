using Fleet.Core.Facts;

namespace Fleet.Core.Modules.PackageFacts;

/// <summary>The installed Debian packages, as <c>dpkg-query</c> lists them: name, version, architecture.</summary>
public sealed record InstalledPackagesFact : Fact<IReadOnlyList<(string Name, string Version, string Arch)>>
{
    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Package(null)];

    /// <inheritdoc />
    public override string Command => "dpkg-query -W -f='${db:Status-Status}\\t${Package}\\t${Version}\\t${Architecture}\\n' 2>/dev/null || true";

    /// <inheritdoc />
    public override IReadOnlyList<(string Name, string Version, string Arch)> Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        return stdout.Split('\n').Select(l => l.Split('\t')).Where(f => f.Length == 4 && f[0] == "installed").Select(f => (f[1], f[2], f[3])).ToList();
    }
}

/// <summary>
/// <c>package_facts</c>: the installed packages as <c>ansible_facts.packages</c> in the task's result (name → list of
/// {name, version, arch, source}), as Ansible's module returns them. Only reads.
/// </summary>
public sealed class PackageFactsModule : Module
{
    /// <inheritdoc />
    public override string Name => "package_facts";

    /// <inheritdoc />
    public override IEnumerable<string> ReturnedFactNames(MapArg args) => ["packages"];

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("manager", ParameterType.StringList, "Package managers to read: auto or apt. The default value is auto (apt on Debian).", Choices: null),
        new("strategy", ParameterType.String, "first or all. The default value is first (one manager, apt here).", Choices: ["first", "all"]),
    ];

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context) => [new InstalledPackagesFact()];

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        if (args.GetList("manager") is { } managers && managers.Any(m => m is not ("auto" or "apt" or "dpkg")))
        {
            return new PlanFailure($"manager: only apt is supported on Debian hosts, not {string.Join(", ", managers.Where(m => m is not ("auto" or "apt" or "dpkg")))}");
        }

        var installed = facts.Get(new InstalledPackagesFact());
        var packages = installed.GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => (object?)g.Select(p => (object?)new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["name"] = p.Name, ["version"] = p.Version, ["arch"] = p.Arch, ["source"] = "apt",
            }).ToList(),
            StringComparer.Ordinal);
        return new NoChange($"{packages.Count} packages installed")
        {
            Data = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["ansible_facts"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["packages"] = packages },
            },
        };
    }
}

/// <summary>The services: systemd units with their state and enablement, or SysV scripts with <c>service --status-all</c>'s state.</summary>
public sealed record ServicesFact : Fact<IReadOnlyList<(string Name, string State, string Status, string Source)>>
{
    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Service(null)];

    /// <inheritdoc />
    public override string Command => """
        if [ -d /run/systemd/system ]; then
          systemctl list-units --type=service --all --no-legend --plain 2>/dev/null | while read -r unit load active sub rest; do echo "unit	$unit	$sub"; done
          systemctl list-unit-files --type=service --no-legend 2>/dev/null | while read -r unit state rest; do echo "file	$unit	$state"; done
        else
          service --status-all 2>/dev/null | sed -n 's/^ *\[ *\([-+?]\) *\] *\(.*\)$/sysv	\2	\1/p'
          for f in /etc/rc2.d/S*; do [ -e "$f" ] && echo "enabled	${f#/etc/rc2.d/S??}	enabled"; done
        fi
        """;

    /// <inheritdoc />
    public override IReadOnlyList<(string Name, string State, string Status, string Source)> Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = stdout.Split('\n').Select(l => l.Split('\t')).Where(f => f.Length == 3).ToList();
        var enabled = lines.Where(f => f[0] is "file" or "enabled").GroupBy(f => f[1]).ToDictionary(g => g.Key, g => g.Last()[2], StringComparer.Ordinal);
        var result = new List<(string, string, string, string)>();
        foreach (var f in lines)
        {
            if (f[0] == "unit")
            {
                var state = f[2] switch { "running" => "running", "exited" or "dead" => "stopped", "failed" => "failed", var other => other };
                result.Add((f[1], state, enabled.GetValueOrDefault(f[1], "unknown"), "systemd"));
            }
            else if (f[0] == "sysv")
            {
                var state = f[2] switch { "+" => "running", "-" => "stopped", _ => "unknown" };
                result.Add((f[1], state, enabled.ContainsKey(f[1]) ? "enabled" : "disabled", "sysv"));
            }
        }

        return result;
    }
}

/// <summary><c>service_facts</c>: every service as <c>ansible_facts.services</c> in the task's result (name → {name, state, status, source}). Only reads.</summary>
public sealed class ServiceFactsModule : Module
{
    /// <inheritdoc />
    public override string Name => "service_facts";

    /// <inheritdoc />
    public override IEnumerable<string> ReturnedFactNames(MapArg args) => ["services"];

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } = [];

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context) => [new ServicesFact()];

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var services = facts.Get(new ServicesFact()).GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => (object?)new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["name"] = g.Key, ["state"] = g.Last().State, ["status"] = g.Last().Status, ["source"] = g.Last().Source,
            },
            StringComparer.Ordinal);
        return new NoChange($"{services.Count} services")
        {
            Data = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["ansible_facts"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["services"] = services },
            },
        };
    }
}
