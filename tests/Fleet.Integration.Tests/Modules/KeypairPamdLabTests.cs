using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Modules;

/// <summary>
/// openssh_keypair and pamd over real SSH on one lab host, as dev-sec's ssh_hardening calls them: a key generated into a
/// temporary path (never the host's own host keys) checked with <c>ssh-keygen -l</c>, and dev-sec's "no dynamic motd" edit
/// on a copy of the host's /etc/pam.d/sshd checked with <c>cat</c>; a second run changes nothing.
/// </summary>
[Collection("lab")]
public sealed class KeypairPamdLabTests(LabFixture lab)
{
    private const string Dir = "/root/fleet-keypair-pamd";

    private string Host => lab.Info.Hosts[0].Name;

    private Task<RunReport> RunAsync(string mode = "apply") => LabRun.RunAsync(lab, $$$"""
        - name: Keypair and pamd
          hosts: all
          tasks:
            - name: Replace default 2048 bits RSA keypair
              community.crypto.openssh_keypair:
                state: present
                type: rsa
                size: 2048
                path: {{{Dir}}}/ssh_host_rsa_key
                force: false
                regenerate: partial_idempotence
              register: key
            - name: Keep the result
              copy: { content: "{{ key.fingerprint }} {{ key.size }} {{ key.type }}\n", dest: {{{Dir}}}/result }
            - name: Disable dynamic MOTD
              community.general.pamd:
                name: sshd
                path: {{{Dir}}}/pam.d
                type: session
                control: optional
                module_path: pam_motd.so
                state: absent
        """, new RunOptions { Limit = Host, Mode = mode });

    [LabFact]
    public async Task KeypairAndPamd_ChangeOnce_VerifiedWithTheHostsTools_ThenNothing()
    {
        await LabRun.ExecAsync(lab, Host, $"rm -rf {Dir} && mkdir -p {Dir}/pam.d && cp /etc/pam.d/sshd {Dir}/pam.d/sshd");
        try
        {
            var check = Assert.Single((await RunAsync("check")).Hosts);
            Assert.Equal("missing", (await LabRun.ExecAsync(lab, Host, $"[ -e {Dir}/ssh_host_rsa_key ] && echo present || echo missing")).Trim());

            var first = Assert.Single((await RunAsync()).Hosts);
            var listed = await LabRun.ExecAsync(lab, Host, $"ssh-keygen -l -f {Dir}/ssh_host_rsa_key.pub | awk '{{ print $1, $2, $NF }}'; cat {Dir}/result; stat -c %a {Dir}/ssh_host_rsa_key");
            var pam = await LabRun.ExecAsync(lab, Host, $"cat {Dir}/pam.d/sshd");
            var second = Assert.Single((await RunAsync()).Hosts);

            Assert.Equal(TaskOutcome.Changed, check.Tasks[0].Status);
            Assert.True(first.Status == HostStatus.Changed, $"{first.Status}: {first.Error}");
            var lines = listed.Split('\n');
            Assert.StartsWith("2048 SHA256:", lines[0], StringComparison.Ordinal);
            Assert.EndsWith("(RSA)", lines[0], StringComparison.Ordinal);
            Assert.Equal(lines[0].Split(' ')[1] + " 2048 rsa", lines[1]);
            Assert.Equal("600", lines[2]);
            Assert.DoesNotContain("pam_motd.so", pam, StringComparison.Ordinal);
            Assert.Contains("# Updated by Ansible - ", pam.Split('\n')[1], StringComparison.Ordinal);
            Assert.Contains("session    required pam_limits.so", pam, StringComparison.Ordinal);
            Assert.Equal(0, second.Count(TaskOutcome.Changed));
            Assert.Equal(HostStatus.Ok, second.Status);
        }
        finally
        {
            await LabRun.ExecAsync(lab, Host, $"rm -rf {Dir}");
        }
    }
}
