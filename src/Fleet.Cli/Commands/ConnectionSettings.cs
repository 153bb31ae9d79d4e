using System.ComponentModel;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands;

/// <summary>Options of every command that contacts hosts.</summary>
internal class ConnectionSettings : VaultSettings
{
    [CommandOption("-i|--inventory|--inventory-file <FILE>")]
    [Description("Inventory file (Ansible YAML shape).")]
    public string? Inventory { get; init; }

    [CommandOption("-u|--user <USER>")]
    [Description("Remote user of hosts whose inventory sets none (ansible_user and user rank above it, as in Ansible).")]
    public string? User { get; init; }

    [CommandOption("--private-key|--key-file <FILE>")]
    [Description("Private key file of hosts whose inventory sets none (ansible_ssh_private_key_file ranks above it, as in Ansible).")]
    public string? PrivateKey { get; init; }

    [CommandOption("--ssh-common-args <ARGS>")]
    [Description("ssh arguments of every host, as Ansible's: a bastion only (-J HOST, -o ProxyJump=HOST, -o ProxyCommand=\"ssh -W %h:%p HOST\"); other ssh options are refused by name. An inventory's ansible_ssh_common_args or jump wins over it.")]
    public string? SshCommonArgs { get; init; }

    [CommandOption("--ssh-extra-args <ARGS>")]
    [Description("As --ssh-common-args, for Ansible's ssh-only arguments (ansible_ssh_extra_args in the inventory wins over it).")]
    public string? SshExtraArgs { get; init; }

    /// <summary>The ssh argument options given, by name, for <see cref="Core.Inputs.RunInputsOptions.SshArguments"/>.</summary>
    public IReadOnlyDictionary<string, string> SshArguments() =>
        new[] { ("--ssh-common-args", SshCommonArgs), ("--ssh-extra-args", SshExtraArgs) }
            .Where(o => o.Item2 is not null).ToDictionary(o => o.Item1, o => o.Item2!, StringComparer.Ordinal);

    /// <summary>
    /// <paramref name="args"/> with each ssh argument option's value joined to it (<c>--ssh-common-args=-J bastion</c>): a value
    /// that starts with a dash would otherwise read as an option, where ansible-playbook takes it as the value (the scp and sftp
    /// ones too, so that their refusal names them).
    /// </summary>
    public static string[] JoinSshArguments(string[] args)
    {
        var joined = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--ssh-common-args" or "--ssh-extra-args" or "--scp-extra-args" or "--sftp-extra-args" && i + 1 < args.Length)
            {
                joined.Add(args[i] + "=" + args[++i]);
            }
            else
            {
                joined.Add(args[i]);
            }
        }

        return [.. joined];
    }

    [CommandOption("-l|--limit <PATTERN>")]
    [Description("Further limit hosts: all, group, host, globs, a:b, a:&b, a:!b.")]
    public string? Limit { get; init; }

    [CommandOption("--shard <I/N>")]
    [Description("Run only shard I of N (1 <= I <= N): a stable split of the selected hosts by a hash of their names.")]
    public string? Shard { get; init; }

    [CommandOption("-f|--forks <N>")]
    [Description("Hosts worked on at once. Default 50.")]
    [DefaultValue(50)]
    public int Forks { get; init; } = 50;

    [CommandOption("-e|--extra-vars|--var <VARS>")]
    [Description("Extra variables (repeatable), highest precedence, as in Ansible: key=value words (text values), @FILE (YAML or JSON), or a YAML/JSON mapping.")]
    public string[] Vars { get; init; } = [];

    [CommandOption("--known-hosts <FILE>")]
    [Description("known_hosts file (OpenSSH format) for every host. Default: each host's known_hosts variable (or -o UserKnownHostsFile in its ssh args), else ~/.ssh/known_hosts.")]
    public string? KnownHosts { get; init; }

    [CommandOption("--host-key-policy <POLICY>")]
    [Description("strict | accept-new | off, for every host. Default: each host's host_key_policy variable (or -o StrictHostKeyChecking in its ssh args), else accept-new. A changed key is always refused.")]
    public string? HostKeyPolicy { get; init; }

    [CommandOption("--ssh-kex <MODE>")]
    [Description("pq | classic. Default pq: a post-quantum hybrid key exchange when the host offers one (mlkem768x25519, then sntrup761x25519), else curve25519. classic: curve25519, about 3x cheaper handshakes.")]
    [DefaultValue("pq")]
    public string SshKex { get; init; } = "pq";

    [CommandOption("--task-timeout <SECONDS>")]
    [Description("Per-task timeout in seconds for tasks that set no timeout: of their own. Default none, as in Ansible.")]
    public int? TaskTimeoutSeconds { get; init; }

    /// <summary>The <c>--task-timeout</c> limit, or null for none.</summary>
    public TimeSpan? TaskTimeout => TaskTimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    [CommandOption("-T|--timeout|--connect-timeout <SECONDS>")]
    [Description("Time one host may spend connecting, every retry included, before it is unreachable (Ansible's -T). Default 25.")]
    [DefaultValue(25)]
    public int ConnectTimeout { get; init; } = 25;

    [CommandOption("--json <FILE>")]
    [Description("Write the JSON report (schema fleet-report/3).")]
    public string? Json { get; init; }

    [CommandOption("--no-progress")]
    [Description("Plain lines instead of live progress.")]
    public bool NoProgress { get; init; }

    [CommandOption("-v|--verbose")]
    [Description("Debug logging on the console.")]
    public bool Verbose { get; init; }

    [CommandOption("--log-file <FILE>")]
    [Description("Write structured per-host debug logs to this file.")]
    public string? LogFile { get; init; }
}

/// <summary>Options of apply and check.</summary>
internal class PlaybookRunSettings : BecomeSettings
{
    [CommandArgument(0, "<PLAYBOOK>")]
    [Description("Playbook files, run in order.")]
    public string[] Playbooks { get; init; } = [];

    [CommandOption("--verbosity <N>", IsHidden = true)]
    [Description("How many -v were given (-vv is 2), set from them: debug's verbosity compares with it.")]
    public int? Verbosity { get; init; }

    [CommandOption("--roles-path <DIRS>")]
    [Description("Directories searched for roles after roles/ beside the playbook (colon-separated). The default is ANSIBLE_ROLES_PATH, else Ansible's default path.")]
    public string? RolesPath { get; init; }

    [CommandOption("-t|--tags <TAGS>")]
    [Description("Only tasks with one of these tags (comma-separated).")]
    public string? Tags { get; init; }

    [CommandOption("--skip-tags <TAGS>")]
    [Description("Never tasks with one of these tags (comma-separated).")]
    public string? SkipTags { get; init; }

    [CommandOption("--serial <N>")]
    [Description("Rolling batches per play: N hosts or N%.")]
    public string? Serial { get; init; }

    [CommandOption("--max-fail-percent <N>")]
    [Description("Abort when more than N% of a batch failed or was unreachable.")]
    public int? MaxFailPercent { get; init; }

    [CommandOption("-D|--diff")]
    [Description("Show diffs of changed files and rules.")]
    public bool Diff { get; init; }

    [CommandOption("--junit <FILE>")]
    [Description("Write a JUnit XML report (check mode: drift is a failure).")]
    public string? JUnit { get; init; }

    [CommandOption("--list-hosts")]
    [Description("List each play's hosts; run nothing.")]
    public bool ListHosts { get; init; }

    [CommandOption("--list-tasks")]
    [Description("List the tasks --tags and --skip-tags select; run nothing.")]
    public bool ListTasks { get; init; }

    [CommandOption("--list-tags")]
    [Description("List each play's task tags; run nothing.")]
    public bool ListTags { get; init; }

    [CommandOption("--syntax-check")]
    [Description("Read and validate the playbooks; run nothing (fleet validate checks more, for every host).")]
    public bool SyntaxCheck { get; init; }

    [CommandOption("--start-at-task <NAME>")]
    [Description("Start each play at its first task named NAME or matching it as a glob (\"role : name\" too), as ansible-playbook's; once one matched, later plays run whole. Tasks inside include_tasks and include_role cannot be started at.")]
    public string? StartAtTask { get; init; }

    [CommandOption("--flush-cache")]
    [Description("Accepted for Ansible's users: Fleet keeps no fact cache between runs, so every run reads facts afresh.")]
    public bool FlushCache { get; init; }

    /// <summary>True when an option asks for a listing or a syntax check instead of a run.</summary>
    public bool ListsOnly => ListHosts || ListTasks || ListTags || SyntaxCheck;
}
