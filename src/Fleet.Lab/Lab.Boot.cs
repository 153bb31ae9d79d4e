namespace Fleet.Lab;

/// <summary>
/// What runs inside a host: its first script, which boots it and boots it again when asked, and the <c>shutdown</c> and
/// <c>reboot</c> commands that ask. A lab host has no kernel of its own, so its reboot is a restart of everything above one:
/// every process of the host ends, <c>/run</c> and <c>/tmp</c> start empty, the host gets a new boot id and its services start
/// again; its files stay, as on a disk. Its network namespace (addresses, firewall rules, <c>net.*</c> sysctls) and the
/// machine-wide <c>/proc/uptime</c> survive it, where a real reboot would reset them.
/// </summary>
public static partial class Lab
{
    /// <summary>
    /// The host's first script, under tini (PID 1, which passes SIGUSR1 on): mounts a fresh <c>/run</c> and <c>/tmp</c>, puts a boot
    /// id of its own over the machine's <c>/proc/sys/kernel/random/boot_id</c> (what Ansible's reboot reads), starts the services;
    /// on SIGUSR1 kills every other process of the host (<c>kill -1</c> spares PID 1 and itself) and boots again.
    /// </summary>
    private const string InitScript = """
        #!/bin/sh
        # First script of a lab host (under tini): boots the host, and again when its shutdown -r asks (SIGUSR1, passed on by tini).
        trap 'exit 0' TERM INT
        trap 'rebooting=1' USR1
        rebooting=0
        boot() {
            umount /proc/sys/kernel/random/boot_id 2>/dev/null
            umount -l /run 2>/dev/null
            umount -l /tmp 2>/dev/null
            mount -t tmpfs -o mode=755 tmpfs /run
            mkdir -p /run/sshd /run/lock /run/fleet-lab
            mount -t tmpfs -o mode=1777,size=256m tmpfs /tmp
            cat /proc/sys/kernel/random/uuid > /run/fleet-lab/boot_id
            mount --bind -o ro /run/fleet-lab/boot_id /proc/sys/kernel/random/boot_id
            service rsyslog start >/dev/null 2>&1 || rsyslogd  # bookworm's rsyslog ships no SysV script
            service cron start >/dev/null 2>&1
            service ssh start
        }
        boot
        while :; do
            [ "$rebooting" = 1 ] || { sleep 3600 & wait $!; }
            if [ "$rebooting" = 1 ]; then
                rebooting=0
                sleep 1  # as shutdown -r does, the command that asked returns to its caller before the host goes
                kill -KILL -1 2>/dev/null
                wait
                n=0
                while kill -0 -1 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
                boot
            fi
        done
        """;

    /// <summary>The host's <c>shutdown</c>: <c>-r</c> now or in N minutes asks the first script to reboot; halting and powering off are refused.</summary>
    private const string ShutdownScript = """
        #!/bin/sh
        # Lab host: a reboot restarts every process of the host with a new boot id (the lab's first script does it); files stay.
        reboot=0
        while [ $# -gt 0 ]; do
            case "$1" in
                -r|--reboot) reboot=1 ;;
                --no-wall) ;;
                -*) echo "shutdown: $1: a lab host's shutdown only reboots (shutdown -r [now|+MINUTES] [MESSAGE])" >&2; exit 1 ;;
                *) break ;;
            esac
            shift
        done
        if [ "$reboot" != 1 ]; then
            echo "shutdown: a lab host can only reboot (shutdown -r): it cannot halt or power off" >&2
            exit 1
        fi
        case "${1:-now}" in
            now) minutes=0 ;;
            +*) minutes=${1#+} ;;
            *) minutes=$1 ;;
        esac
        case "$minutes" in
            ''|*[!0-9]*) echo "shutdown: $1: a lab host reboots now or in +MINUTES" >&2; exit 1 ;;
        esac
        if [ "$minutes" -gt 0 ]; then
            setsid sh -c "sleep $((minutes * 60)); kill -USR1 1" </dev/null >/dev/null 2>&1 &
            echo "Reboot scheduled in $minutes min" >&2
        else
            kill -USR1 1
        fi
        """;

    /// <summary>The host's <c>reboot</c>: <c>shutdown -r now</c>.</summary>
    private const string RebootScript = """
        #!/bin/sh
        # Lab host: see shutdown.
        exec /usr/sbin/shutdown -r now
        """;
}
