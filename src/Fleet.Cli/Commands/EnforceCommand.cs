using System.ComponentModel;
using Fleet.Enforce;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands;

/// <summary>
/// <c>fleet enforce -i INV PLAYBOOK… --every 30m</c>: drift correction as a long-running service. Only options given here go
/// into the configuration (above appsettings.json in the state directory and FLEET_ variables), so none has a default here.
/// </summary>
internal sealed class EnforceCommand : FleetCommand<EnforceCommand.Settings>
{
    /// <summary>Options of enforce; defaults are <see cref="EnforceOptions"/>'s.</summary>
    internal sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[PLAYBOOK]")]
        [Description("Playbook files, run in order each cycle (or Playbooks in appsettings.json).")]
        public string[] Playbooks { get; init; } = [];

        [CommandOption("-i|--inventory <FILE>")]
        [Description("Inventory file or directory, re-read each cycle.")]
        public string? Inventory { get; init; }

        [CommandOption("--roles-path <DIRS>")]
        [Description("Directories searched for roles after roles/ beside the playbook (colon-separated). The default is ANSIBLE_ROLES_PATH, else Ansible's default path.")]
        public string? RolesPath { get; init; }

        [CommandOption("--every <DURATION>")]
        [Description("Start a cycle this often: 30m, 5s, 1h30m. Default 30m. Cycles never overlap.")]
        public string? Every { get; init; }

        [CommandOption("--mode <MODE>")]
        [Description("check (report drift) | apply (correct it). Default check.")]
        public string? Mode { get; init; }

        [CommandOption("--splay <DURATION>")]
        [Description("Add up to this much random delay to each cycle's start. Default 0.")]
        public string? Splay { get; init; }

        [CommandOption("--state-dir <DIR>")]
        [Description("Reports, latest.json, hosts.json (drift history), appsettings.json. Default $STATE_DIRECTORY, else ~/.local/state/fleet-enforce.")]
        public string? StateDir { get; init; }

        [CommandOption("--metrics-listen <ADDRESS>")]
        [Description("/metrics and /healthz on HOST:PORT, or off. Default 127.0.0.1:9464.")]
        public string? MetricsListen { get; init; }

        [CommandOption("--max-changed-hosts <N>")]
        [Description("Apply mode: plan first; a cycle that would change more hosts than N changes none and reports instead.")]
        public string? MaxChangedHosts { get; init; }

        [CommandOption("--keep-reports <N>")]
        [Description("Cycle reports kept in reports/. Default 100.")]
        public string? KeepReports { get; init; }

        [CommandOption("--shutdown-grace <DURATION>")]
        [Description("After SIGTERM the running cycle may finish within this time, then it is interrupted. Default 30s.")]
        public string? ShutdownGrace { get; init; }

        [CommandOption("--cycles <N>")]
        [Description("Stop after N cycles (tests, benchmarks). Default: run until stopped.")]
        public string? Cycles { get; init; }

        [CommandOption("-l|--limit <PATTERN>")]
        [Description("Further limit hosts: all, group, host, globs, a:b, a:&b, a:!b.")]
        public string? Limit { get; init; }

        [CommandOption("-f|--forks <N>")]
        [Description("Hosts worked on at once. Default 50.")]
        public string? Forks { get; init; }

        [CommandOption("--task-timeout <DURATION>")]
        [Description("Per-task timeout for tasks that set no timeout: of their own. Default none, as in Ansible.")]
        public string? Timeout { get; init; }

        [CommandOption("--known-hosts <FILE>")]
        [Description("known_hosts file. Default: the inventory's known_hosts variable, else ~/.ssh/known_hosts.")]
        public string? KnownHosts { get; init; }

        [CommandOption("--host-key-policy <POLICY>")]
        [Description("strict | accept-new | off. Default strict: an unattended service records no new keys.")]
        public string? HostKeyPolicy { get; init; }

        [CommandOption("--ssh-kex <MODE>")]
        [Description("pq | classic. Default pq.")]
        public string? SshKex { get; init; }

        [CommandOption("--vault-password-file <FILE>")]
        [Description("Vault password file, or an executable script that prints the password; read once at start. Default: ANSIBLE_VAULT_PASSWORD_FILE.")]
        public string? VaultPasswordFile { get; init; }

        [CommandOption("-v|--verbose")]
        [Description("Debug logging.")]
        public bool Verbose { get; init; }
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellationToken) =>
        EnforceHost.RunAsync(CommandLine(settings), settings.Playbooks, cancellationToken);

    /// <summary>The options given on the command line as configuration keys (the top layer); playbooks go apart (they replace a configured list).</summary>
    internal static Dictionary<string, string?> CommandLine(Settings settings)
    {
        var keys = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Inventory"] = settings.Inventory,
            ["RolesPath"] = settings.RolesPath,
            ["Every"] = settings.Every,
            ["Mode"] = settings.Mode,
            ["Splay"] = settings.Splay,
            ["StateDir"] = settings.StateDir,
            ["MetricsListen"] = settings.MetricsListen,
            ["MaxChangedHosts"] = settings.MaxChangedHosts,
            ["KeepReports"] = settings.KeepReports,
            ["ShutdownGrace"] = settings.ShutdownGrace,
            ["Cycles"] = settings.Cycles,
            ["Limit"] = settings.Limit,
            ["Forks"] = settings.Forks,
            ["TaskTimeout"] = settings.Timeout,
            ["KnownHosts"] = settings.KnownHosts,
            ["HostKeyPolicy"] = settings.HostKeyPolicy,
            ["SshKex"] = settings.SshKex,
            ["VaultPasswordFile"] = settings.VaultPasswordFile,
            ["Verbose"] = settings.Verbose ? "true" : null,
        };
        return keys.Where(k => k.Value is not null).ToDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
