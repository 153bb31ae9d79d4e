using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Modules;

/// <summary>
/// A playbook written the way dev-sec's ssh_hardening role is written: a whole sshd_config from a Jinja template with loops over
/// ciphers, MACs and key exchanges chosen by the OS's major version (from Ansible's facts), <c>validate: /usr/sbin/sshd -t -f %s</c>,
/// and a handler that reloads sshd. Over real SSH: sshd runs with the new settings, a second run changes nothing, a broken value
/// is refused by validate with the old file kept. The host's original sshd_config is put back afterwards.
/// </summary>
[Collection("lab")]
public sealed class TemplateLabTests(LabFixture lab)
{
    private const string SshdConfigTemplate = """
        {{ ansible_managed | comment }}

        # Drop-ins first: the lab's own settings (host keys, session limits) win, as on Debian.
        Include /etc/ssh/sshd_config.d/*.conf

        # Basic configuration
        # ===================
        {% for port in ssh_server_ports %}
        Port {{ port }}
        {% endfor %}
        AddressFamily {{ 'any' if ssh_ipv6_enable | bool else 'inet' }}
        {% for address in ssh_listen_to %}
        ListenAddress {{ address }}
        {% endfor %}

        # Security configuration
        # ======================
        StrictModes yes
        {% if sshd_version is version('7.4', '<') %}
        UsePrivilegeSeparation sandbox
        {% endif %}
        LogLevel {{ sshd_log_level | upper }}
        {% if ssh_ciphers | length > 0 %}
        Ciphers {{ ssh_ciphers | join(',') }}
        {% endif %}
        {% if ssh_macs | length > 0 %}
        MACs {{ ssh_macs | join(',') }}
        {% endif %}
        {% if ssh_kex | length > 0 %}
        KexAlgorithms {{ ssh_kex | join(',') }}
        {% endif %}

        # Authentication
        # ==============
        LoginGraceTime 30s
        MaxAuthTries {{ ssh_max_auth_retries }}
        PermitRootLogin {{ ssh_permit_root_login }}
        PasswordAuthentication {{ 'yes' if ssh_server_password_login | bool else 'no' }}
        PermitEmptyPasswords no
        {% for option, value in ssh_extra_options | dictsort %}
        {{ option }} {{ value | ternary('yes', 'no') if value is boolean else value }}
        {% endfor %}

        {% if ssh_allow_users | length > 0 %}
        AllowUsers {{ ssh_allow_users | join(' ') }}
        {% endif %}
        {%- if sftp_enabled | bool %}
        Subsystem sftp internal-sftp -l INFO -f LOCAL6
        {% else %}
        Subsystem sftp /usr/lib/openssh/sftp-server
        {% endif %}
        {% for match in ssh_server_match_user %}

        Match User {{ match.user }}
          {{ match.rules | join('\n') | indent(2) }}
        {% endfor %}
        """;

    private static string Playbook(string maxAuthTries) => $$$"""
        - name: ssh hardening (dev-sec style, without roles)
          hosts: all
          vars:
            ssh_server_ports: ['22']
            ssh_ipv6_enable: false
            ssh_listen_to: ['0.0.0.0']
            sshd_version: '9.2'
            sshd_log_level: verbose
            ssh_max_auth_retries: {{{maxAuthTries}}}
            ssh_permit_root_login: prohibit-password
            ssh_server_password_login: false
            ssh_allow_users: []
            sftp_enabled: true
            ssh_extra_options:
              X11Forwarding: false
              AllowTcpForwarding: false
              ClientAliveInterval: 300
            ssh_server_match_user:
              - user: backup
                rules: ['AllowTcpForwarding no', 'ForceCommand /usr/bin/true']
            ssh_ciphers_by_version:
              '11': [chacha20-poly1305@openssh.com, aes256-gcm@openssh.com, aes256-ctr]
              '12': [chacha20-poly1305@openssh.com, aes256-gcm@openssh.com, aes128-gcm@openssh.com, aes256-ctr, aes192-ctr, aes128-ctr]
            ssh_macs_by_version:
              '11': [hmac-sha2-512-etm@openssh.com, hmac-sha2-256-etm@openssh.com]
              '12': [hmac-sha2-512-etm@openssh.com, hmac-sha2-256-etm@openssh.com, umac-128-etm@openssh.com, hmac-sha2-512, hmac-sha2-256]
            ssh_kex_by_version:
              '11': [curve25519-sha256@libssh.org, diffie-hellman-group-exchange-sha256]
              '12': [sntrup761x25519-sha512@openssh.com, curve25519-sha256, curve25519-sha256@libssh.org, diffie-hellman-group16-sha512, diffie-hellman-group18-sha512, diffie-hellman-group-exchange-sha256]
            ssh_ciphers: "{{ ssh_ciphers_by_version[ansible_facts.distribution_major_version] | default(ssh_ciphers_by_version['11']) }}"
            ssh_macs: "{{ ssh_macs_by_version[ansible_facts.distribution_major_version] | default(ssh_macs_by_version['11']) }}"
            ssh_kex: "{{ ssh_kex_by_version[ansible_facts.distribution_major_version] | default(ssh_kex_by_version['11']) }}"
          tasks:
            - name: create sshd_config and set permissions to root/600
              template:
                src: opensshd.conf.j2
                dest: /etc/ssh/sshd_config
                mode: '0600'
                owner: root
                group: root
                validate: /usr/sbin/sshd -t -f %s
              when: ansible_facts.os_family == 'Debian' and ansible_facts['distribution_major_version'] | int >= 11
              notify: restart sshd
          handlers:
            - name: restart sshd
              shell: kill -HUP "$(cat /run/sshd.pid)"
        """;

    private static readonly Dictionary<string, string> Files = new() { ["templates/opensshd.conf.j2"] = SshdConfigTemplate };

    [LabFact]
    public async Task SshHardening_FullSshdConfigFromTemplate_SshdWorks_ThenNoOp_BadValueRefusedByValidate()
    {
        var host = lab.Info.Hosts[3].Name;
        var only = new RunOptions { Limit = host };
        await LabRun.ExecAsync(lab, host, "cp -p /etc/ssh/sshd_config /etc/ssh/sshd_config.fleet-test-orig");
        try
        {
            var check = await LabRun.RunAsync(lab, Playbook("3"), Files, only with { Mode = "check" });
            var first = await LabRun.RunAsync(lab, Playbook("3"), Files, only);
            var second = await LabRun.RunAsync(lab, Playbook("3"), Files, only);

            var planned = Assert.Single(check.Hosts).Tasks[0];
            Assert.Contains("+Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr\n", planned.Diff, StringComparison.Ordinal);
            var applied = Assert.Single(first.Hosts);
            Assert.True(applied.Status == HostStatus.Changed, applied.Error ?? string.Join("; ", applied.Tasks.Select(t => t.Message)));
            Assert.Equal([TaskOutcome.Changed, TaskOutcome.Changed], applied.Tasks.Select(t => t.Status));
            var effective = await LabRun.ExecAsync(lab, host, "sshd -T | grep -E '^(ciphers|macs|kexalgorithms|maxauthtries|x11forwarding|clientaliveinterval|loglevel|passwordauthentication) ' | sort");
            Assert.Equal(
                "ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr\n"
                + "clientaliveinterval 300\n"
                + "kexalgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha256\n"
                + "loglevel VERBOSE\n"
                + "macs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-512,hmac-sha2-256\n"
                + "maxauthtries 3\npasswordauthentication no\nx11forwarding no\n",
                effective);
            Assert.Equal("600 root root\n", await LabRun.ExecAsync(lab, host, "stat -c '%a %U %G' /etc/ssh/sshd_config"));
            Assert.StartsWith("#\n# Ansible managed\n#\n\n", await LabRun.ExecAsync(lab, host, "cat /etc/ssh/sshd_config"), StringComparison.Ordinal);
            var again = Assert.Single(second.Hosts); // a new SSH connection after the reload, with the hardened algorithms
            Assert.Equal(HostStatus.Ok, again.Status);
            Assert.Equal(0, again.Count(TaskOutcome.Changed));

            var bad = Assert.Single((await LabRun.RunAsync(lab, Playbook("banana"), Files, only)).Hosts);

            var refused = Assert.Single(bad.Tasks);
            Assert.Equal(TaskOutcome.Failed, refused.Status);
            Assert.Contains("validation failed, /etc/ssh/sshd_config left unchanged", refused.Message, StringComparison.Ordinal);
            Assert.Contains("maxauthtries 3\n", await LabRun.ExecAsync(lab, host, "sshd -T | grep ^maxauthtries"), StringComparison.Ordinal);
            Assert.Equal("", await LabRun.ExecAsync(lab, host, "ls -a /etc/ssh | grep '^\\.fleet' || true"));
        }
        finally
        {
            await LabRun.ExecAsync(lab, host, "mv -f /etc/ssh/sshd_config.fleet-test-orig /etc/ssh/sshd_config; kill -HUP $(cat /run/sshd.pid)");
        }
    }
}
