namespace Fleet.Integration.Tests.Cli;

/// <summary>
/// <c>--list-hosts</c>, <c>--list-tasks</c>, <c>--list-tags</c>, <c>--syntax-check</c>: ansible-playbook's text (the expected text
/// below is what ansible-playbook 2.14 prints for the same files), and nothing is contacted, so no credentials are needed.
/// </summary>
public sealed class PlaybookListingTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-cli-listing-");

    private (string Inventory, string Playbook) Files()
    {
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "roles", "r1", "tasks"));
        File.WriteAllText(Path.Combine(_dir.FullName, "roles", "r1", "tasks", "main.yml"), "- name: role task\n  debug: msg=x\n  tags: [rt]\n");
        File.WriteAllText(Path.Combine(_dir.FullName, "inv.yml"), "all:\n  hosts: {db1: {}}\n  children:\n    web:\n      hosts: {web1: {}, web2: {}}\n");
        File.WriteAllText(Path.Combine(_dir.FullName, "site.yml"), """
            - name: First play
              hosts: web
              tags: [p1]
              roles: [r1]
              tasks:
                - debug: msg=a
                - name: in block
                  block:
                    - name: b1
                      command: "true"
                      tags: [bt]
                  tags: [blk]
            - hosts: web2
              gather_facts: false
              tasks:
                - name: never
                  debug: msg=n
                  tags: [never, nv]
            """);
        return (Path.Combine(_dir.FullName, "inv.yml"), Path.Combine(_dir.FullName, "site.yml"));
    }

    [Fact]
    public async Task ListHostsTasksTags_AreAnsiblesListing()
    {
        var (inventory, playbook) = Files();

        var (exit, stdout, stderr) = await FleetProcess.RunAsync("check", "-i", inventory, playbook, "--list-hosts", "--list-tasks", "--list-tags");

        Assert.True(exit == 0, stderr);
        Assert.Equal(
            $"\nplaybook: {playbook}\n\n"
            + "  play #1 (web): First play\tTAGS: [p1]\n    pattern: ['web']\n    hosts (2):\n      web1\n      web2\n    tasks:\n"
            + "      r1 : role task\tTAGS: [p1, rt]\n      debug\tTAGS: [p1]\n      b1\tTAGS: [blk, bt, p1]\n      TASK TAGS: [blk, bt, p1, rt]\n\n"
            + "  play #2 (web2): web2\tTAGS: []\n    pattern: ['web2']\n    hosts (1):\n      web2\n    tasks:\n      TASK TAGS: []\n",
            stdout);
    }

    [Fact]
    public async Task ListTasks_TagsSelectAsARunWould_NeverOnlyWhenAskedFor()
    {
        var (inventory, playbook) = Files();

        var (exit, stdout, stderr) = await FleetProcess.RunAsync("apply", "-i", inventory, playbook, "--list-tasks", "--tags", "rt,nv");

        Assert.True(exit == 0, stderr);
        Assert.Equal(
            $"\nplaybook: {playbook}\n\n  play #1 (web): First play\tTAGS: [p1]\n    tasks:\n      r1 : role task\tTAGS: [p1, rt]\n\n"
            + "  play #2 (web2): web2\tTAGS: []\n    tasks:\n      never\tTAGS: [never, nv]\n",
            stdout);
    }

    [Fact]
    public async Task SyntaxCheck_NamesThePlaybook_BrokenOneExitsOne()
    {
        var (inventory, playbook) = Files();
        var broken = Path.Combine(_dir.FullName, "broken.yml");
        await File.WriteAllTextAsync(broken, "- hosts: all\n  tasks:\n    - debugg: msg=x\n");

        var good = await FleetProcess.RunAsync("apply", "-i", inventory, playbook, "--syntax-check");
        var bad = await FleetProcess.RunAsync("apply", "-i", inventory, broken, "--syntax-check");

        Assert.Equal((0, $"\nplaybook: {playbook}\n"), (good.ExitCode, good.Stdout));
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("broken.yml:3:7", bad.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
