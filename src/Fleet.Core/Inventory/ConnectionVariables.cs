namespace Fleet.Core.Inventory;

/// <summary>
/// Ansible's connection and privilege variables beyond Fleet's aliases: the passwords and <c>ansible_become_user</c> Fleet honours,
/// the ssh arguments it maps to a bastion, and every other variable of Ansible's ssh connection, sh shell and become plugins,
/// which is an error saying why, never a variable silently ignored.
/// </summary>
public static class ConnectionVariables
{
    /// <summary>The login password, in the order Ansible reads them.</summary>
    public static readonly string[] LoginPassword = ["ansible_password", "ansible_ssh_pass", "ansible_ssh_password"];

    /// <summary>The sudo password, in the order Ansible reads them.</summary>
    public static readonly string[] BecomePassword = ["ansible_become_password", "ansible_become_pass"];

    /// <summary>The become method; sudo is the only one Fleet runs.</summary>
    public const string BecomeMethod = "ansible_become_method";

    /// <summary>The variable that names whom tasks become, above every <c>become_user</c> keyword (variables win over keywords).</summary>
    public const string BecomeUser = "ansible_become_user";

    /// <summary>The one become method Fleet runs.</summary>
    public const string SudoMethod = "sudo";

    /// <summary>Why a become method other than sudo is refused, naming it.</summary>
    public static string MethodRefused(string method) => method == "su"
        ? $"become_method 'su' is not supported: {SuRefused}"
        : $"become_method '{method}' is not supported: Fleet becomes another user with sudo only (install sudo on the host and use become_method: sudo)";

    /// <summary>Why su is refused: Ansible types su's password at its prompt through a terminal, which Fleet's commands never have.</summary>
    private const string SuRefused =
        "su reads its password only from a terminal, and Fleet runs commands without one so that no typed password can echo into their output; install sudo on the host and use become_method: sudo";

    /// <summary>The variables that give sudo's flags (<c>become_flags</c>), which must be text.</summary>
    public static readonly string[] BecomeFlags = ["ansible_become_flags", "ansible_sudo_flags"];

    /// <summary>Why a become program setting (<c>become_exe</c>, keyword or variable) is refused.</summary>
    public const string BecomeExeRefused = "Fleet runs the sudo of the host's PATH; leave it out";

    private const string NoProgram = "Fleet speaks SSH itself and runs no ssh, scp or sftp program; leave it out";
    private const string NoTransfer = "Fleet copies files inside its SSH session, with no scp or sftp; leave it out";
    private const string OneConnection = "Fleet keeps one connection per host open for the whole run; leave it out";
    private const string SudoOnly = "Fleet becomes another user with sudo only (su needs a terminal for its password, which Fleet's commands never have); write ansible_become_user and ansible_become_password";

    /// <summary>Variables of Ansible's ssh connection, sh shell and become plugins that Fleet does not honour, with what to do instead.</summary>
    internal static readonly Dictionary<string, string> Refused = new(StringComparer.Ordinal)
    {
        ["ansible_ssh_executable"] = NoProgram,
        ["ansible_scp_executable"] = NoProgram,
        ["ansible_sftp_executable"] = NoProgram,
        ["ansible_pipelining"] = "Fleet always sends its scripts over the open session (there are no module files to copy); leave it out",
        ["ansible_ssh_pipelining"] = "Fleet always sends its scripts over the open session (there are no module files to copy); leave it out",
        ["ansible_shell_type"] = "Fleet runs every command with the host's POSIX /bin/sh; leave it out",
        ["ansible_shell_executable"] = "Fleet runs every command with the host's POSIX /bin/sh; leave it out",
        ["ansible_scp_if_ssh"] = NoTransfer,
        ["ansible_ssh_transfer_method"] = NoTransfer,
        ["ansible_scp_extra_args"] = NoTransfer,
        ["ansible_sftp_extra_args"] = NoTransfer,
        ["ansible_sftp_batch_mode"] = NoTransfer,
        ["ansible_control_path"] = OneConnection,
        ["ansible_control_path_dir"] = OneConnection,
        ["ansible_host_key_checking"] = "use --host-key-policy (strict, accept-new or off) instead",
        ["ansible_ssh_host_key_checking"] = "use --host-key-policy (strict, accept-new or off) instead",
        ["ansible_ssh_pkcs11_provider"] = "PKCS#11 keys are not supported; use an ssh-agent holding the key (SSH_AUTH_SOCK) or a key file",
        ["ansible_ssh_retries"] = "Fleet retries transport errors itself within -T/--timeout; leave it out",
        ["ansible_ssh_timeout"] = "use -T/--timeout (the connect timeout) instead",
        ["ansible_timeout"] = "use -T/--timeout (the connect timeout) instead",
        ["ansible_ssh_use_tty"] = "Fleet runs commands without a terminal; leave it out",
        ["ansible_sshpass_prompt"] = "Fleet sends the password itself, without sshpass; leave it out",
        ["ansible_module_compression"] = "Fleet sends no Python modules; leave it out",
        ["ansible_remote_tmp"] = "Fleet writes its temporary files beside the files it changes; leave it out",
        ["ansible_become_exe"] = BecomeExeRefused,
        ["ansible_sudo_pass"] = "write ansible_become_password (Ansible's current name)",
        ["ansible_sudo_user"] = "write ansible_become_user (Ansible's current name)",
        ["ansible_sudo_exe"] = BecomeExeRefused,
        ["ansible_su_pass"] = SudoOnly,
        ["ansible_su_user"] = SudoOnly,
        ["ansible_su_exe"] = SudoOnly,
        ["ansible_su_flags"] = SudoOnly,
        ["ansible_su_prompt_l10n"] = SudoOnly,
        ["ansible_runas_user"] = "runas is Windows' become; Fleet manages POSIX hosts with sudo",
        ["ansible_runas_pass"] = "runas is Windows' become; Fleet manages POSIX hosts with sudo",
        ["ansible_runas_flags"] = "runas is Windows' become; Fleet manages POSIX hosts with sudo",
        ["ansible_paramiko_host"] = "Fleet does not use paramiko; write ansible_host",
        ["ansible_paramiko_user"] = "Fleet does not use paramiko; write ansible_user",
        ["ansible_paramiko_pass"] = "Fleet does not use paramiko; write ansible_password",
        ["ansible_paramiko_password"] = "Fleet does not use paramiko; write ansible_password",
        ["ansible_paramiko_host_key_checking"] = "Fleet does not use paramiko; use --host-key-policy",
        ["ansible_paramiko_use_rsa_sha2_algorithms"] = "Fleet does not use paramiko; leave it out",
        ["ansible_network_os"] = "network devices are not supported: Fleet manages hosts with a POSIX shell",
        ["ansible_connection_user"] = "network devices are not supported: Fleet manages hosts with a POSIX shell",
        ["ansible_docker_extra_args"] = "the docker connection is not supported: Fleet connects with SSH",
    };

    /// <summary>True for a variable Fleet reads as a connection setting (so it is checked, masked where secret, and not taken for a plain variable).</summary>
    public static bool IsRefused(string name) => Refused.ContainsKey(name);

    /// <summary>Checks the connection variables of one host's merged variables, adding each problem at its place.</summary>
    public static void Check(string host, IReadOnlyDictionary<string, object?> vars, IReadOnlyDictionary<string, SourceLocation> at, List<InputError> errors)
    {
        foreach (var (key, _) in vars)
        {
            if (Refused.TryGetValue(key, out var why))
            {
                errors.Add(new InputError(at[key], $"host '{host}': {key} is not supported: {why}"));
            }
        }

        foreach (var key in BecomeFlags)
        {
            // Their words are split where a task uses them, which names the task when a quote is left open.
            if (vars.TryGetValue(key, out var value) && value is not (string or null))
            {
                errors.Add(new InputError(at[key], $"host '{host}': {key} must be text (sudo's flags, as -H -S -n)"));
            }
        }

        foreach (var key in LoginPassword.Concat(BecomePassword).Append(BecomeUser))
        {
            if (vars.TryGetValue(key, out var value) && value is not (string or long))
            {
                errors.Add(new InputError(at[key], $"host '{host}': {key} must be text"));
            }
            else if (value is string text && string.IsNullOrEmpty(text))
            {
                errors.Add(new InputError(at[key], $"host '{host}': {key} is empty (leave it out for none)"));
            }
        }

        if (vars.TryGetValue(BecomeMethod, out var method) && method is not SudoMethod)
        {
            errors.Add(new InputError(at[BecomeMethod], method is string m && Templating.Template.HasTemplate(m)
                ? $"host '{host}': {BecomeMethod}: a template is not supported here, write sudo"
                : $"host '{host}': {MethodRefused(Templating.Values.ToText(method))}"));
        }
    }

    /// <summary>
    /// Maps <c>ansible_ssh_args</c>, <c>ansible_ssh_common_args</c> and <c>ansible_ssh_extra_args</c> onto Fleet's <c>jump</c>,
    /// <c>host_key_policy</c> and <c>known_hosts</c> (at the place each was written); any other ssh option in them is an error.
    /// As ssh reads its command line, the first value of an option wins, in Ansible's order (ssh_args, common, extra).
    /// </summary>
    public static void MapSshArguments(string host, Dictionary<string, object?> vars, Dictionary<string, SourceLocation> at, List<InputError> errors)
    {
        var mapped = new HashSet<string>(StringComparer.Ordinal);
        // The inventory's first: what the command line names (--ssh-common-args) is for the hosts whose inventory names none.
        foreach (var key in SshArguments.Variables.OrderBy(k => at.TryGetValue(k, out var place) && SshArguments.CommandLineOptions.ContainsKey(place.File)))
        {
            if (!vars.TryGetValue(key, out var value) || value is null)
            {
                continue;
            }

            if (value is not string text)
            {
                errors.Add(new InputError(at[key], $"host '{host}': {key} must be text"));
                continue;
            }

            var (read, error) = SshArguments.Read(key, text);
            if (error is not null || read is null)
            {
                errors.Add(new InputError(at[key], $"host '{host}': {error}"));
                continue;
            }

            var commandLine = SshArguments.CommandLineOptions.ContainsKey(at[key].File);
            foreach (var (name, option, found) in new[] { ("jump", "bastion", read.Jump), ("host_key_policy", "StrictHostKeyChecking", read.HostKeyPolicy), ("known_hosts", "UserKnownHostsFile", read.KnownHosts) })
            {
                // A second bastion stays an error below (Fleet tunnels through one), where ssh would take the first.
                if (found is null || (mapped.Contains(name) && name != "jump") || (commandLine && vars.TryGetValue(name, out var set) && set is not null))
                {
                    continue;
                }

                if (vars.TryGetValue(name, out var other) && other is not null && !Equals(other, found))
                {
                    errors.Add(new InputError(at[key], $"host '{host}': {key} names the {option} '{found}' but {name} (at {at[name]}) names '{other}'; keep one"));
                    continue;
                }

                vars[name] = found;
                at[name] = at[key];
                mapped.Add(name);
            }
        }
    }
}
