using System.Globalization;

namespace Fleet.Core.Modules.Apt;

/// <summary>
/// apt's <c>policy_rc_d</c>, as Ansible's PolicyRcD context: for one package transaction <c>/usr/sbin/policy-rc.d</c> is a script that
/// exits with the code (101: invoke-rc.d starts no service), an earlier one moved to a temporary directory and back afterwards,
/// whatever the transaction's exit; without a code the transaction runs as it is.
/// </summary>
internal static class PolicyRcD
{
    /// <summary>The file invoke-rc.d asks before it starts or stops a service.</summary>
    public const string File = "/usr/sbin/policy-rc.d";

    /// <summary>Shell text that runs <paramref name="command"/> (one line) under the policy and leaves its exit code in <c>$rc</c>.</summary>
    public static string Around(long? code, string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (code is not { } exit)
        {
            return command + "\nrc=$?\n";
        }

        // Ansible writes '#!/bin/sh\nexit %d\n' with mode 0755; its failure messages are kept word for word.
        return string.Create(CultureInfo.InvariantCulture, $$"""
            prc=
            if [ -e {{File}} ]; then
              prc=$(mktemp -d /tmp/ansibleXXXXXXXX) && mv {{File}} "$prc/" || { echo "Fail to move {{File}} to $prc" >&2; exit 1; }
            fi
            { printf '#!/bin/sh\nexit %d\n' {{exit}} > {{File}} && chmod 0755 {{File}}; } || { echo "Failed to create or chmod {{File}}" >&2; exit 1; }
            {{command}}
            rc=$?
            if [ -n "$prc" ]; then
              { mv "$prc/policy-rc.d" {{File}} && rmdir "$prc"; } || { echo "Fail to move back $prc/policy-rc.d to {{File}}" >&2; exit 1; }
            else
              rm -f {{File}} || { echo "Fail to remove {{File}} (after package manipulation)" >&2; exit 1; }
            fi

            """);
    }
}
