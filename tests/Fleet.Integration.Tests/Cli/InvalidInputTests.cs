using System.Net;
using System.Net.Sockets;

namespace Fleet.Integration.Tests.Cli;

/// <summary>Bad input is rejected with file:line:column and exit 1 before any host is contacted.</summary>
public sealed class InvalidInputTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-cli-test-");
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public InvalidInputTests() => _listener.Start();

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string GoodPlaybook() => Write("ok.yml", """
        - name: Fine
          hosts: all
          tasks:
            - name: Hello
              command: echo hello
        """);

    /// <summary>Runs fleet and checks the contract for invalid input: exit 1, every expected text on stderr, no host contacted.</summary>
    private async Task AssertRejectedAsync(string[] args, params string[] expected)
    {
        var (exit, _, stderr) = await FleetProcess.RunAsync(args);

        Assert.True(exit == 1, $"exit {exit}\n{stderr}");
        Assert.All(expected, text => Assert.Contains(text, stderr, StringComparison.Ordinal));
        Assert.False(_listener.Pending(), "a host was contacted despite invalid input");
    }

    private string GoodInventory() => Write("inventory.yml", $$"""
        all:
          hosts:
            target: { address: 127.0.0.1, port: {{Port}}, user: root }
        """);

    [Theory]
    [InlineData("check", "0/3")]
    [InlineData("apply", "4/3")]
    [InlineData("ping", "3")]
    [InlineData("audit", "a/b")]
    public async Task Shard_Invalid_ExitsOneNamingTheOptionAndContactsNoHost(string command, string shard)
    {
        string[] args = command is "check" or "apply" ? [command, "-i", GoodInventory(), GoodPlaybook()] : [command, "-i", GoodInventory()];

        await AssertRejectedAsync([.. args, "--shard", shard, "--no-progress"], $"error: --shard must be I/N with 1 <= I <= N <= 1000 (shards count from 1, e.g. 2/3), not '{shard}'");
    }

    [Fact]
    public async Task Enforce_RolesPath_FindsRolesOutsideThePlaybooksDirectory()
    {
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "shared-roles", "greet", "tasks"));
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "play"));
        Write(Path.Combine("shared-roles", "greet", "tasks", "main.yml"), "- name: hello\n  command: echo hello\n");
        var playbook = Write(Path.Combine("play", "pb.yml"), "- name: P\n  hosts: all\n  roles: [greet]\n");
        var inventory = Write("inventory.yml", $"all:\n  hosts:\n    target: {{ address: 127.0.0.1, port: {Port}, user: root, identity_file: /nonexistent/fleet-key }}\n");
        string[] enforce = ["enforce", "-i", inventory, playbook, "--state-dir", Path.Combine(_dir.FullName, "state"), "--metrics-listen", "off"];

        await AssertRejectedAsync(enforce, $"{playbook}:3:", "greet");
        // With the roles path the playbook is valid, so the next check speaks: the connection's identity file (no host contacted).
        await AssertRejectedAsync([.. enforce, "--roles-path", Path.Combine(_dir.FullName, "shared-roles")], "identity file not found: /nonexistent/fleet-key");
    }

    [Fact]
    public async Task ReportMerge_ShardMissing_ExitsOneAndWritesNothing()
    {
        var shard = Write("shard1.json", Fleet.Core.Reports.JsonReportWriter.ToJson(new Fleet.Core.Results.RunReport("check", DateTimeOffset.UnixEpoch, 1, []) { Playbooks = ["site.yml"], Shard = new Shard(1, 2) }));
        var output = Path.Combine(_dir.FullName, "merged.json");

        await AssertRejectedAsync(["report", "merge", "-o", output, shard], "error: shard(s) 2/2 missing");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task ReportMerge_OutputIsAnInputOrMissing_ExitsOneAndLeavesTheInputsAlone()
    {
        var json = Fleet.Core.Reports.JsonReportWriter.ToJson(new Fleet.Core.Results.RunReport("check", DateTimeOffset.UnixEpoch, 1, []) { Playbooks = ["site.yml"] });
        var first = Write("dc1.json", json);
        var second = Write("dc2.json", json);

        // "merge dc*.json" once took dc1.json as the output and overwrote it.
        await AssertRejectedAsync(["report", "merge", first, second], "name the merged report with -o FILE");
        await AssertRejectedAsync(["report", "merge", "-o", Path.Combine(_dir.FullName, ".", "dc2.json"), first, second], "is one of the reports to merge");
        Assert.Equal(json, await File.ReadAllTextAsync(first));
        Assert.Equal(json, await File.ReadAllTextAsync(second));
    }

    [Fact]
    public async Task Apply_UnknownModule_ExitsOneWithLocationAndContactsNoHost()
    {
        var inventory = GoodInventory();
        var playbook = Write("bad.yml", """
            - name: Bad
              hosts: all
              tasks:
                - name: Typo
                  copyy: { dest: /tmp/x, content: "x" }
            """);

        await AssertRejectedAsync(["apply", "-i", inventory, playbook, "--no-progress"], $"{playbook}:5:7", "copyy");
    }

    [Fact]
    public async Task Apply_WrongParameterType_ExitsOneWithLocation()
    {
        var inventory = GoodInventory();
        var playbook = Write("bad-type.yml", """
            - name: Bad
              hosts: all
              tasks:
                - name: Wrong type
                  lineinfile: { path: /tmp/x, line: "a", create: maybe }
            """);

        await AssertRejectedAsync(["check", "-i", inventory, playbook, "--no-progress"], $"{playbook}:5:", "create");
    }

    [Fact]
    public async Task Apply_BadInventory_ExitsOneWithLocationAndContactsNoHost()
    {
        var inventory = Write("bad-inventory.yml", $$"""
            all:
              hosts:
                target: { address: 127.0.0.1, port: {{Port}} }
                other: { address: 127.0.0.1, port: abc }
            """);
        var playbook = GoodPlaybook();

        await AssertRejectedAsync(["apply", "-i", inventory, playbook, "--no-progress"], $"{inventory}:4:", "port");
    }

    [Fact]
    public async Task Validate_UndefinedVariableAndUnknownHandler_ReportsBoth()
    {
        var inventory = GoodInventory();
        var playbook = Write("undefined.yml", """
            - name: Bad
              hosts: all
              tasks:
                - name: Undefined
                  copy: { dest: "/tmp/{{ nowhere }}", content: "x" }
                  notify: missing handler
            """);

        await AssertRejectedAsync(["validate", "-i", inventory, playbook], "nowhere", "missing handler", $"{playbook}:5:");
    }

    [Fact]
    public async Task Apply_UnknownLimitPattern_ExitsOne()
    {
        var inventory = GoodInventory();
        var playbook = GoodPlaybook();

        await AssertRejectedAsync(["apply", "-i", inventory, playbook, "--limit", "nosuchgroup", "--no-progress"], "nosuchgroup");
    }

    [Theory]
    [InlineData("--bogus", "Unknown option 'bogus'")]
    [InlineData("--forks=0", "--forks must be at least 1")]
    [InlineData("--connect-timeout=0", "--connect-timeout must be at least 1 second")]
    [InlineData("--serial=0", "--serial must be")]
    [InlineData("--host-key-policy=maybe", "--host-key-policy must be")]
    [InlineData("--extra-vars=novalue", "-e expects key=value")]
    [InlineData("--ssh-kex=fast", "--ssh-kex must be pq or classic")]
    [InlineData("--json=/proc/fleet-test/report.json", "--json /proc/fleet-test/report.json: cannot write there")]
    [InlineData("--junit=/proc", "--junit /proc: cannot write there")]
    [InlineData("--limit=zz*", "matches no host")]
    public async Task Apply_BadOption_ExitsOne(string option, string expected)
    {
        await AssertRejectedAsync(["apply", "-i", GoodInventory(), GoodPlaybook(), "--no-progress", option], expected);
    }

    [Fact]
    public async Task Apply_FifoAsPlaybook_ExitsOneWithoutOpeningIt()
    {
        var fifo = Path.Combine(_dir.FullName, "fifo.yml");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
        }

        await AssertRejectedAsync(["apply", "-i", GoodInventory(), fifo, "--no-progress"], "is not a regular file", fifo);
    }

    [Theory]
    [InlineData("when: 99999999999999999999 > 1", "is too large")]
    [InlineData("timeout: 99999999999999", "timeout must be a whole number of seconds from 0 to")]
    public async Task Apply_NumberTooLarge_ExitsOneWithLocation(string taskKey, string expected)
    {
        var playbook = Write("big-number.yml", $"- hosts: all\n  tasks:\n    - command: echo\n      {taskKey}\n");

        await AssertRejectedAsync(["apply", "-i", GoodInventory(), playbook, "--no-progress"], $"{playbook}:4:", expected);
    }

    [Fact]
    public async Task Inventory_LimitWithUnclosedBracket_ExitsOne()
    {
        await AssertRejectedAsync(["inventory", "-i", GoodInventory(), "--limit", "target["], "--limit: bad host pattern 'target['");
    }

    [Fact]
    public async Task Inventory_UndefinedTemplateInPort_ExitsOneWithLocation()
    {
        var inventory = Write("templated.yml", "all:\n  hosts:\n    target: { port: \"{{ nosuch }}\" }\n");

        await AssertRejectedAsync(["inventory", "-i", inventory], $"{inventory}:3:21", "undefined variable 'nosuch'");
    }

    [Fact]
    public async Task Ping_MissingIdentityFile_ExitsOneBeforeContacting()
    {
        var inventory = Write("no-key.yml", $$"""
            all:
              hosts:
                target: { address: 127.0.0.1, port: {{Port}}, user: root, identity_file: /nonexistent/fleet-key }
            """);

        await AssertRejectedAsync(["ping", "-i", inventory, "--no-progress"], $"{inventory}:3:", "identity file not found: /nonexistent/fleet-key");
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Dispose();
        _dir.Delete(recursive: true);
    }
}
