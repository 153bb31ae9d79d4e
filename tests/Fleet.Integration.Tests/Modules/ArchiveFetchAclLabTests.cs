using System.IO.Compression;
using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Modules;

/// <summary>
/// unarchive (a controller tar.gz and zip, a tar.xz already on the host), fetch (to dest/HOST/SRC and flat) and acl over real SSH
/// on one lab host, checked with the host's ls, stat, cat and getfacl and the controller's files; check mode changes nothing and a
/// second run changes nothing.
/// </summary>
[Collection("lab")]
public sealed class ArchiveFetchAclLabTests(LabFixture lab) : IDisposable
{
    private const string Root = "/srv/fleet-archive";

    private readonly string _controller = Directory.CreateTempSubdirectory("fleet-archive-lab-").FullName;

    private string Host => lab.Info.Hosts[0].Name;

    public void Dispose() => Directory.Delete(_controller, recursive: true);

    private string Playbook => $$"""
        - name: Archives, fetch, ACLs
          hosts: all
          tasks:
            - name: Controller tgz
              unarchive: { src: app.tgz, dest: {{Root}}/tgz, mode: "u=rwX,go=rX", list_files: true }
            - name: Controller zip
              ansible.builtin.unarchive: { src: files/site.zip, dest: {{Root}}/zip }
            - name: Remote xz
              unarchive: { src: {{Root}}/remote.tar.xz, dest: {{Root}}/remote, remote_src: true, exclude: ["*.skip"] }
            - name: Already there
              unarchive: { src: app.tgz, dest: {{Root}}/tgz, creates: {{Root}}/tgz/app }
            - name: Fetch
              fetch: { src: {{Root}}/fetch-me.txt, dest: {{_controller}}/fetched }
            - name: Fetch flat
              ansible.builtin.fetch: { src: {{Root}}/fetch-me.txt, dest: {{_controller}}/flat/, flat: true }
            - name: ACL for nobody
              ansible.posix.acl: { path: {{Root}}/shared, entity: nobody, etype: user, permissions: rx, state: present }
            - name: Default ACL
              acl: { path: {{Root}}/shared, entry: "default:group:adm:rx", state: present }
            - name: Read ACL
              acl: { path: {{Root}}/shared }
              register: current
        """;

    [LabFact]
    public async Task Apply_ArchivesFetchAcl_VerifiedWithHostTools_SecondRunChangesNothing()
    {
        var tree = Path.Combine(_controller, "tree");
        Directory.CreateDirectory(Path.Combine(tree, "app", "bin"));
        File.WriteAllText(Path.Combine(tree, "app", "bin", "run.sh"), "#!/bin/sh\necho run\n");
        File.WriteAllText(Path.Combine(tree, "app", "README"), "app\n");
        Assert.Equal(0, (await Fleet.Lab.Shell.RunAsync($"chmod 700 {tree}/app/bin/run.sh && tar -czf {_controller}/app.tgz -C {tree} app", CancellationToken.None)).ExitCode);
        Directory.CreateDirectory(Path.Combine(_controller, "files"));
        using (var zip = ZipFile.Open(Path.Combine(_controller, "files", "site.zip"), ZipArchiveMode.Create))
        {
            using var writer = new StreamWriter(zip.CreateEntry("site/index.html").Open());
            writer.Write("<h1>site</h1>\n");
        }

        var playbook = Path.Combine(_controller, "playbook.yml");
        await File.WriteAllTextAsync(playbook, Playbook);
        await LabRun.ExecAsync(lab, Host, $"rm -rf {Root}; mkdir -p {Root}/tgz {Root}/zip {Root}/remote {Root}/shared /tmp/xz/pkg; echo remote > /tmp/xz/pkg/r.txt; echo no > /tmp/xz/pkg/x.skip; "
            + $"tar -cJf {Root}/remote.tar.xz -C /tmp/xz pkg; rm -rf /tmp/xz; printf 'fetch me\\n' > {Root}/fetch-me.txt");
        try
        {
            var check = Assert.Single((await LabRun.RunFileAsync(lab, playbook, new RunOptions { Limit = Host, Mode = "check" })).Hosts);

            Assert.True(check.Status != HostStatus.Failed, check.Error ?? string.Join("; ", check.Tasks.Select(t => t.Message)));
            Assert.Equal([TaskOutcome.Changed, TaskOutcome.Changed, TaskOutcome.Changed, TaskOutcome.Changed, TaskOutcome.Changed, TaskOutcome.Changed, TaskOutcome.Changed, TaskOutcome.Changed, TaskOutcome.Ok],
                check.Tasks.Select(t => t.Status));
            Assert.Equal("", await LabRun.ExecAsync(lab, Host, $"find {Root}/tgz {Root}/zip {Root}/remote -mindepth 1; getfacl --omit-header --skip-base {Root}/shared"));
            Assert.False(Directory.Exists(Path.Combine(_controller, "fetched")));

            var first = Assert.Single((await LabRun.RunFileAsync(lab, playbook, new RunOptions { Limit = Host })).Hosts);

            Assert.True(first.Status == HostStatus.Changed, $"{first.Status}: {first.Error} {string.Join("; ", first.Tasks.Select(t => t.Message))}");
            Assert.Equal(["Already there", "Read ACL"], first.Tasks.Where(t => t.Status != TaskOutcome.Changed).Select(t => t.Name));
            Assert.Equal(TaskOutcome.Skipped, first.Tasks.Single(t => t.Name == "Already there").Status);
            Assert.Equal("755 app\n755 app/bin\n755 app/bin/run.sh\n644 app/README\n",
                await LabRun.ExecAsync(lab, Host, $"cd {Root}/tgz && stat -c '%a %n' app app/bin app/bin/run.sh app/README"));
            Assert.Equal("<h1>site</h1>\n", await LabRun.ExecAsync(lab, Host, $"cat {Root}/zip/site/index.html"));
            Assert.Equal("remote\n", await LabRun.ExecAsync(lab, Host, $"cat {Root}/remote/pkg/r.txt; ls {Root}/remote/pkg | grep skip || true"));
            Assert.Equal("fetch me\n", File.ReadAllText(Path.Combine(_controller, "fetched", Host, "srv", "fleet-archive", "fetch-me.txt")));
            Assert.Equal("fetch me\n", File.ReadAllText(Path.Combine(_controller, "flat", "fetch-me.txt")));
            Assert.Equal("user:nobody:r-x\nmask::r-x\ndefault:group:adm:r-x\ndefault:mask::r-x\n",
                await LabRun.ExecAsync(lab, Host, $"getfacl --omit-header --skip-base {Root}/shared | grep -E 'nobody|adm|mask'"));
            Assert.Contains("user:nobody:r-x", (IEnumerable<object?>)first.Tasks.Single(t => t.Name == "Read ACL").Result["acl"]!);
            Assert.Contains("app/bin/run.sh", (IEnumerable<object?>)first.Tasks.Single(t => t.Name == "Controller tgz").Result["files"]!);

            var second = Assert.Single((await LabRun.RunFileAsync(lab, playbook, new RunOptions { Limit = Host })).Hosts);

            Assert.Equal(0, second.Count(TaskOutcome.Changed));
            Assert.Equal(0, second.Count(TaskOutcome.Failed));
        }
        finally
        {
            await LabRun.ExecAsync(lab, Host, $"rm -rf {Root}");
        }
    }
}
