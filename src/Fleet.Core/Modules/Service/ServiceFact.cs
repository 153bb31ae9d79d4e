using System.Globalization;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Service;

/// <summary>One service as its service manager knows it.</summary>
/// <param name="Name">The name the task gave.</param>
/// <param name="Exists">The manager knows it (a loaded unit, or an init script).</param>
/// <param name="Running">It runs (systemd: active or activating; SysV: <c>status</c> exits 0).</param>
/// <param name="Enabled">It starts at boot (systemd: enabled, static, alias…; SysV: an <c>S</c> link in an rc directory).</param>
/// <param name="Masked">systemd: the unit is masked.</param>
/// <param name="UnitFileState">systemd's UnitFileState (enabled, disabled, static, masked, generated…); empty on SysV.</param>
/// <param name="NeedsDaemonReload">systemd: the unit file changed since systemd read it.</param>
/// <param name="HasStopLinks">SysV: <c>K</c> links exist (update-rc.d has set it up before).</param>
/// <param name="Status">systemd: every property <c>systemctl show</c> printed, when the fact was asked for them (<see cref="ServiceFact.Status"/>); else null.</param>
public sealed record ServiceState(
    string Name, bool Exists, bool Running, bool Enabled, bool Masked = false, string UnitFileState = "", bool NeedsDaemonReload = false, bool HasStopLinks = false,
    IReadOnlyDictionary<string, string>? Status = null);

/// <summary>The service manager of a host and the state of a task's services.</summary>
/// <param name="Manager">systemd or sysv.</param>
/// <param name="Services">One entry per name, in the order asked.</param>
public sealed record ServiceStates(string Manager, IReadOnlyList<ServiceState> Services)
{
    /// <summary>True when PID 1 is systemd.</summary>
    public bool IsSystemd => Manager == "systemd";

    /// <summary>The state of one service.</summary>
    public ServiceState Get(string name) => Services.FirstOrDefault(s => s.Name == name) ?? new ServiceState(name, false, false, false);
}

/// <summary>
/// Reads services in one call per manager: systemd when <c>/run/systemd/system</c> exists (systemd's own sd_booted test, also
/// one of Ansible's for <c>ansible_service_mgr</c>), else SysV scripts. systemd: one <c>systemctl show -p Id,LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload</c>
/// for every unit. SysV: <c>/etc/init.d/NAME status</c> (LSB: exit 0 is running) and the <c>/etc/rc?.d/S??NAME</c> links (shell globs).
/// </summary>
/// <param name="Names">Service names (validated, see <see cref="ServiceModule.ValidateName"/>).</param>
public sealed record ServiceFact(NameList Names) : Fact<ServiceStates>
{
    /// <summary>
    /// Read every property of each unit (<c>systemctl show UNIT</c>, one call a unit), as Ansible's systemd module returns them in
    /// <c>status</c>; the default value is false (the few properties the planner needs, one call for all units).
    /// </summary>
    public bool Status { get; init; }

    /// <summary>The line before each unit's properties when <see cref="Status"/> is set: the unit's name follows a tab.</summary>
    private const string UnitMarker = "@@fleet-unit@@";

    /// <inheritdoc />
    public override string Description => "services " + string.Join(", ", Names);

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [.. Names.Select(Subject.Service), Subject.Tree("/etc/init.d"), Subject.Tree("/etc/systemd")];

    /// <inheritdoc />
    public override string Command
    {
        get
        {
            var script = new StringBuilder();
            script.Append(CultureInfo.InvariantCulture, $"if {SystemFact.SystemdTest}; then\n  echo manager=systemd\n");
            if (Names.Count > 0 && !Status)
            {
                script.Append(CultureInfo.InvariantCulture, $"  systemctl show -p Id,LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload -- {Sh.Command(Names.Select(ServiceModule.UnitName))}\n");
            }

            // A unit generated from an init script is enabled when its rc links are (what systemctl is-enabled asks systemd-sysv-install).
            foreach (var name in Names)
            {
                script.Append(CultureInfo.InvariantCulture, $"  e=no; for l in /etc/rc?.d/S??{Sh.Quote(name)}; do if [ -e \"$l\" ] || [ -L \"$l\" ]; then e=yes; fi; done; printf 'links\\t%s\\t%s\\n' {Sh.Quote(name)} \"$e\"\n");
            }

            // All properties of a unit run to the next marker: a unit's own lines (a multi-line Exec value) never end a block early.
            foreach (var name in Status ? Names : Enumerable.Empty<string>())
            {
                script.Append(CultureInfo.InvariantCulture, $"  printf '{UnitMarker}\\t%s\\n' {Sh.Quote(name)}; systemctl show -- {Sh.Quote(ServiceModule.UnitName(name))} 2>/dev/null\n");
            }

            script.Append("else\n  echo manager=sysv\n");
            foreach (var name in Names)
            {
                // The status action of an LSB script exits 0 when running; its output (and any daemon it touches) stays out of ours.
                var q = Sh.Quote(name);
                script.Append(CultureInfo.InvariantCulture, $$"""
                      if [ -x /etc/init.d/{{q}} ]; then
                        /etc/init.d/{{q}} status </dev/null >/dev/null 2>&1; s=$?
                        e=no; for l in /etc/rc?.d/S??{{q}}; do if [ -e "$l" ] || [ -L "$l" ]; then e=yes; fi; done
                        k=no; for l in /etc/rc?.d/K??{{q}}; do if [ -e "$l" ] || [ -L "$l" ]; then k=yes; fi; done
                        printf 'sysv\t%s\tstatus=%s\tenabled=%s\tstoplinks=%s\n' {{q}} "$s" "$e" "$k"
                      else
                        printf 'sysv\t%s\tmissing\n' {{q}}
                      fi

                    """);
            }

            script.Append("fi\n");
            return script.ToString();
        }
    }

    /// <inheritdoc />
    public override ServiceStates Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = stdout.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        var manager = lines.FirstOrDefault(l => l.StartsWith("manager=", StringComparison.Ordinal))?["manager=".Length..].Trim()
            ?? throw new FormatException("service facts missing: " + stdout.Trim());
        return new ServiceStates(manager, manager != "systemd" ? ParseSysv(lines) : Status ? ParseStatus(lines) : ParseSystemd(lines));
    }

    private List<ServiceState> ParseSysv(IEnumerable<string> lines)
    {
        var states = new Dictionary<string, ServiceState>(StringComparer.Ordinal);
        foreach (var fields in lines.Select(l => l.Split('\t')).Where(f => f.Length >= 3 && f[0] == "sysv"))
        {
            var values = fields.Skip(2).Select(f => f.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
            states[fields[1]] = fields[2] == "missing"
                ? new ServiceState(fields[1], false, false, false)
                : new ServiceState(fields[1], true, values.GetValueOrDefault("status") == "0", values.GetValueOrDefault("enabled") == "yes", HasStopLinks: values.GetValueOrDefault("stoplinks") == "yes");
        }

        return [.. Names.Select(n => states.GetValueOrDefault(n) ?? throw new FormatException($"service facts missing {n}"))];
    }

    /// <summary>
    /// <c>systemctl show</c> prints one block of Key=Value lines per unit, in the order given, blocks separated by an empty line.
    /// </summary>
    private List<ServiceState> ParseSystemd(IEnumerable<string> lines)
    {
        var blocks = new List<Dictionary<string, string>>();
        var current = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Where(l => !l.StartsWith("manager=", StringComparison.Ordinal)))
        {
            if (line.StartsWith("links\t", StringComparison.Ordinal))
            {
                continue;
            }

            if (line.Length == 0)
            {
                if (current.Count > 0)
                {
                    blocks.Add(current);
                    current = new(StringComparer.Ordinal);
                }

                continue;
            }

            var pair = line.Split('=', 2);
            if (pair.Length == 2)
            {
                current[pair[0]] = pair[1];
            }
        }

        if (current.Count > 0)
        {
            blocks.Add(current);
        }

        if (blocks.Count != Names.Count)
        {
            throw new FormatException($"systemctl show printed {blocks.Count} units for {Names.Count}");
        }

        var links = Links(lines);
        return [.. Names.Select((name, i) => FromSystemd(name, blocks[i], links.GetValueOrDefault(name), withStatus: false))];
    }

    /// <summary>Each unit's lines after its marker, read as Ansible's module reads <c>systemctl show</c>.</summary>
    private List<ServiceState> ParseStatus(string[] lines)
    {
        var units = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string>? current = null;
        foreach (var line in lines)
        {
            if (line.StartsWith(UnitMarker + "\t", StringComparison.Ordinal))
            {
                units[line[(UnitMarker.Length + 1)..]] = current = [];
            }
            else
            {
                current?.Add(line);
            }
        }

        var links = Links(lines);
        return [.. Names.Select(name => units.TryGetValue(name, out var unit)
            ? FromSystemd(name, SystemctlShow.Parse(unit), links.GetValueOrDefault(name))
            : throw new FormatException($"systemctl show printed nothing for {name}"))];
    }

    private static Dictionary<string, bool> Links(IEnumerable<string> lines) =>
        lines.Select(l => l.Split('\t')).Where(f => f.Length == 3 && f[0] == "links").ToDictionary(f => f[1], f => f[2] == "yes", StringComparer.Ordinal);

    private static ServiceState FromSystemd(string name, IReadOnlyDictionary<string, string> unit, bool rcLinks, bool withStatus = true)
    {
        var load = unit.GetValueOrDefault("LoadState", "");
        var active = unit.GetValueOrDefault("ActiveState", "");
        var file = unit.GetValueOrDefault("UnitFileState", "");
        var masked = load == "masked" || file is "masked" or "masked-runtime";
        return new ServiceState(
            name,
            Exists: load is "loaded" or "masked" || masked,
            Running: active is "active" or "activating" or "reloading",
            Enabled: file == "generated" ? rcLinks : file is "enabled" or "enabled-runtime" or "static" or "alias" or "indirect" or "linked" or "linked-runtime",
            Masked: masked,
            UnitFileState: file,
            NeedsDaemonReload: unit.GetValueOrDefault("NeedDaemonReload") == "yes",
            Status: withStatus ? unit : null);
    }
}
