using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Modules;

/// <summary>find, mount and iptables over real SSH on one lab host, each checked with an independent command and a second run that changes nothing.</summary>
[Collection("lab")]
public sealed class LongTailLabTests(LabFixture lab)
{
    private string Host => lab.Info.Hosts[0].Name;

    private Task<RunReport> RunAsync(string tasks, string mode = "apply") => LabRun.RunAsync(lab, $"""
        - name: Long tail
          hosts: all
          tasks:
        {tasks}
        """, new RunOptions { Limit = Host, Mode = mode });

    private static HostResult Only(RunReport report) => Assert.Single(report.Hosts);

    [LabFact]
    public async Task Find_RegisteredFilesDriveALoop_VerifiedWithStat_SecondRunChangesNothing()
    {
        await LabRun.ExecAsync(lab, Host, "rm -rf /srv/fleet-find && mkdir -p /srv/fleet-find/sub && cd /srv/fleet-find && touch a.conf 'b c.conf' sub/d.conf x.txt .e.conf && chmod 644 a.conf 'b c.conf' sub/d.conf x.txt .e.conf");
        const string tasks = """
                - name: Find confs
                  find: { paths: /srv/fleet-find, patterns: "*.conf", recurse: true }
                  register: confs
                - name: Tighten each
                  file: { path: "{{ item.path }}", mode: "0600" }
                  loop: "{{ confs.files }}"
            """;

        var first = Only(await RunAsync(tasks));
        var modes = await LabRun.ExecAsync(lab, Host, "cd /srv/fleet-find && stat -c '%n %a' a.conf 'b c.conf' sub/d.conf x.txt .e.conf");
        var second = Only(await RunAsync(tasks));

        Assert.Equal(HostStatus.Changed, first.Status);
        var find = first.Tasks[0];
        Assert.Equal(TaskOutcome.Ok, find.Status);
        Assert.Equal(3, find.Result["matched"]);
        Assert.Equal(["/srv/fleet-find/a.conf", "/srv/fleet-find/b c.conf", "/srv/fleet-find/sub/d.conf"],
            ((IEnumerable<object?>)find.Result["files"]!).Cast<IReadOnlyDictionary<string, object?>>().Select(f => (string)f["path"]!).Order(StringComparer.Ordinal));
        Assert.Equal("a.conf 600\nb c.conf 600\nsub/d.conf 600\nx.txt 644\n.e.conf 644\n", modes);
        Assert.Equal(0, second.Count(TaskOutcome.Changed));
        Assert.Equal(HostStatus.Ok, second.Status);
        await LabRun.ExecAsync(lab, Host, "rm -rf /srv/fleet-find");
    }

    [LabFact]
    public async Task Mount_Tmpfs_InFstabAndMounted_VerifiedWithMountinfo_ThenRefusedMountRestoresFstab_ThenAbsent()
    {
        const string mountPoint = "/mnt/fleet lab";
        await LabRun.ExecAsync(lab, Host, "umount '/mnt/fleet lab' 2>/dev/null; rm -rf '/mnt/fleet lab' /mnt/fleet-bad; cp /etc/fstab /root/fstab.fleet-test");
        try
        {
            var mounted = $$"""
                    - name: Scratch tmpfs
                      mount: { path: "{{mountPoint}}", src: tmpfs, fstype: tmpfs, opts: "size=1m,nodev", state: mounted }
                """;
            var check = Only(await RunAsync(mounted, "check"));
            var first = Only(await RunAsync(mounted));
            var state = await LabRun.ExecAsync(lab, Host, "awk '$5 == \"/mnt/fleet\\\\040lab\" { print $5, $(NF-2), $(NF-1) }' /proc/self/mountinfo; grep fleet /etc/fstab");
            var second = Only(await RunAsync(mounted));

            Assert.Contains("+tmpfs /mnt/fleet\\040lab tmpfs size=1m,nodev 0 0", check.Tasks[0].Diff, StringComparison.Ordinal);
            Assert.Equal(TaskOutcome.Changed, first.Tasks[0].Status);
            Assert.Equal("/mnt/fleet\\040lab tmpfs tmpfs\ntmpfs /mnt/fleet\\040lab tmpfs size=1m,nodev 0 0\n", state);
            Assert.Equal(TaskOutcome.Ok, second.Tasks[0].Status);

            // A mount the host refuses: the task fails with mount's reason; fstab and the created directory are as before.
            var fstabBefore = await LabRun.ExecAsync(lab, Host, "cat /etc/fstab");
            var refused = Only(await RunAsync("""
                    - name: Missing device
                      mount: { path: /mnt/fleet-bad/deep, src: /dev/fleet-no-such-disk, fstype: ext4, state: mounted }
                """));
            Assert.Equal(TaskOutcome.Failed, refused.Tasks[0].Status);
            Assert.Contains("Error mounting /mnt/fleet-bad/deep: mount:", refused.Tasks[0].Message, StringComparison.Ordinal);
            Assert.Contains("/dev/fleet-no-such-disk", refused.Tasks[0].Message, StringComparison.Ordinal);
            Assert.Equal(fstabBefore + "gone\n", await LabRun.ExecAsync(lab, Host, "cat /etc/fstab; [ -e /mnt/fleet-bad ] || echo gone"));

            var absent = $$"""
                    - name: Scratch tmpfs gone
                      mount: { path: "{{mountPoint}}", state: absent }
                """;
            var removed = Only(await RunAsync(absent));
            var after = await LabRun.ExecAsync(lab, Host, "grep -c fleet /etc/fstab || true; grep -c ' /mnt/fleet' /proc/self/mountinfo || true; [ -e '/mnt/fleet lab' ] || echo gone");
            Assert.Equal(TaskOutcome.Changed, removed.Tasks[0].Status);
            Assert.Equal("0\n0\ngone\n", after);
            Assert.Equal(TaskOutcome.Ok, Only(await RunAsync(absent)).Tasks[0].Status);
        }
        finally
        {
            await LabRun.ExecAsync(lab, Host, "umount '/mnt/fleet lab' 2>/dev/null; rm -rf '/mnt/fleet lab' /mnt/fleet-bad; cp /root/fstab.fleet-test /etc/fstab");
        }
    }

    [LabFact]
    public async Task Iptables_RulesPresentThenAbsent_VerifiedWithIptablesS_SshDropRefused()
    {
        var rulesBefore = await LabRun.ExecAsync(lab, Host, "iptables -S");
        const string present = """
                - name: Web and a noisy port
                  iptables: { chain: INPUT, protocol: tcp, destination_port: "{{ item.port }}", jump: "{{ item.jump }}", comment: "fleet lab {{ item.port }}" }
                  loop: [{ port: 8080, jump: ACCEPT }, { port: 9999, jump: DROP }]
                - name: Log with a quote
                  iptables: { chain: OUTPUT, protocol: udp, destination_port: "5353", log_prefix: "fleet's lab: ", comment: "fleet lab it's" }
            """;
        try
        {
            var first = Only(await RunAsync(present));
            var rules = await LabRun.ExecAsync(lab, Host, "iptables -S | grep 'fleet lab'");
            var second = Only(await RunAsync(present));

            Assert.Equal(HostStatus.Changed, first.Status);
            Assert.Equal("""
                -A INPUT -p tcp -m tcp --dport 8080 -m comment --comment "fleet lab 8080" -j ACCEPT
                -A INPUT -p tcp -m tcp --dport 9999 -m comment --comment "fleet lab 9999" -j DROP
                -A OUTPUT -p udp -m udp --dport 5353 -m comment --comment "fleet lab it\'s" -j LOG --log-prefix "fleet\'s lab: "

                """, rules);
            Assert.Equal(0, second.Count(TaskOutcome.Changed));

            // A DROP of the SSH port on INPUT is refused before anything runs.
            var refused = Only(await RunAsync("""
                    - name: Lock out
                      iptables: { chain: INPUT, protocol: tcp, destination_port: "22", jump: DROP, action: insert }
                """));
            Assert.Equal(TaskOutcome.Failed, refused.Tasks[0].Status);
            Assert.Contains("would not admit a new SSH connection", refused.Tasks[0].Message, StringComparison.Ordinal);
            Assert.DoesNotContain("--dport 22 ", await LabRun.ExecAsync(lab, Host, "iptables -S INPUT"), StringComparison.Ordinal);

            var absent = present.Replace("comment: \"fleet lab {{ item.port }}\" }", "comment: \"fleet lab {{ item.port }}\", state: absent }", StringComparison.Ordinal)
                .Replace("comment: \"fleet lab it's\" }", "comment: \"fleet lab it's\", state: absent }", StringComparison.Ordinal);
            var removed = Only(await RunAsync(absent));
            Assert.Equal(2, removed.Count(TaskOutcome.Changed));
            Assert.Equal(rulesBefore, await LabRun.ExecAsync(lab, Host, "iptables -S"));
            Assert.Equal(0, Only(await RunAsync(absent)).Count(TaskOutcome.Changed));
        }
        finally
        {
            await LabRun.ExecAsync(lab, Host, "iptables -S | grep 'fleet lab' | sed 's/^-A/-D/' | while read -r r; do eval iptables $r; done; true");
        }
    }
}
