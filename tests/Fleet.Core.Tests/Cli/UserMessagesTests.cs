using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Fleet.Core.Reports;
using Fleet.Core.Results;
using Fleet.Core.Tests.Fuzz;
using Fleet.Core.Tests.Playbooks;

namespace Fleet.Core.Tests.Cli;

/// <summary>
/// Every bad input a person can cause, through the built CLI: exit 1 with each stderr line one located message of Fleet's own
/// (the file or option it concerns), and no .NET type name or runtime message on stderr or stdout.
/// </summary>
public sealed partial class UserMessagesTests : IDisposable
{
    private const string Playbook = "- hosts: all\n  tasks:\n    - command: echo hi\n";

    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>Each case: files to write (name → text) and the command line, {dir} standing for the test directory.</summary>
    private static readonly Dictionary<string, (Dictionary<string, string> Files, string[] Args)> Cases = new()
    {
        ["report merge: not JSON"] = (new() { ["r.json"] = "{n: 1}" }, ["report", "merge", "-o", "{dir}/out.json", "{dir}/r.json"]),
        ["report merge: no facts"] = (new() { ["r.json"] = WithoutFacts() }, ["report", "merge", "-o", "{dir}/out.json", "{dir}/r.json"]),
        ["report merge: a number as text"] = (new() { ["r.json"] = ValidReport().Replace("\"durationMs\": 1,", "\"durationMs\": \"1\",", StringComparison.Ordinal) }, ["report", "merge", "-o", "{dir}/out.json", "{dir}/r.json"]),
        ["report merge: empty file"] = (new() { ["r.json"] = "" }, ["report", "merge", "-o", "{dir}/out.json", "{dir}/r.json"]),
        ["report merge: unwritable output"] = (new() { ["r.json"] = ValidReport() }, ["report", "merge", "-o", "/proc/x.json", "{dir}/r.json"]),
        ["check: unwritable --json"] = (new() { ["pb.yml"] = Playbook, ["inv.yml"] = "all:\n  hosts:\n    h1: { ansible_host: 127.0.0.1, ansible_password: x }\n" }, ["check", "-i", "{dir}/inv.yml", "{dir}/pb.yml", "--json", "/proc/x.json", "--no-progress"]),
        ["when with {{ }}"] = (new() { ["pb.yml"] = "- hosts: all\n  tasks:\n    - command: echo hi\n      when: '{{ foo }} == 1'\n" }, ["validate", "{dir}/pb.yml"]),
        ["YAML syntax"] = (new() { ["pb.yml"] = "- hosts: all\n  tasks: [\n" }, ["validate", "{dir}/pb.yml"]),
        ["unknown module"] = (new() { ["pb.yml"] = "- hosts: all\n  tasks:\n    - frobnicate: { x: 1 }\n" }, ["validate", "{dir}/pb.yml"]),
        ["missing playbook"] = (new(), ["validate", "{dir}/missing.yml"]),
        ["playbook is a directory"] = (new() { ["dir.yml/x"] = "" }, ["validate", "{dir}/dir.yml"]),
        ["missing inventory"] = (new() { ["pb.yml"] = Playbook }, ["validate", "-i", "{dir}/missing.yml", "{dir}/pb.yml"]),
        ["inventory not YAML"] = (new() { ["pb.yml"] = Playbook, ["inv.yml"] = "all: [\n" }, ["inventory", "-i", "{dir}/inv.yml"]),
        ["vaulted without password"] = (new() { ["inv.yml"] = "$ANSIBLE_VAULT;1.1;AES256\n6162\n" }, ["inventory", "-i", "{dir}/inv.yml"]),
        ["bad extra vars"] = (new() { ["pb.yml"] = Playbook }, ["validate", "{dir}/pb.yml", "-e", "{bad"]),
        ["missing extra vars file"] = (new() { ["pb.yml"] = Playbook }, ["validate", "{dir}/pb.yml", "-e", "@{dir}/missing.json"]),
        ["forks not a number"] = (new() { ["pb.yml"] = Playbook }, ["check", "{dir}/pb.yml", "-f", "abc"]),
        ["timeout not a number"] = (new() { ["pb.yml"] = Playbook }, ["check", "{dir}/pb.yml", "-T", "1.5.5"]),
        ["bad shard"] = (new() { ["pb.yml"] = Playbook }, ["check", "{dir}/pb.yml", "--shard", "x"]),
        ["unknown option"] = (new(), ["check", "--frobnicate"]),
        ["unknown command"] = (new(), ["frobnicate"]),
        ["ansible-playbook's option"] = (new(), ["check", "--step"]),
        ["undefined handler"] = (new() { ["pb.yml"] = "- hosts: all\n  tasks:\n    - command: echo hi\n      notify: nothing listens\n" }, ["validate", "{dir}/pb.yml"]),
        ["serial not a number"] = (new() { ["pb.yml"] = Playbook }, ["check", "{dir}/pb.yml", "--serial", "x"]),
        ["max fail percent not a number"] = (new() { ["pb.yml"] = Playbook }, ["check", "{dir}/pb.yml", "--max-fail-percent", "1e400"]),
        ["integer overflow"] = (new() { ["pb.yml"] = "- hosts: all\n  tasks:\n    - command: echo\n      when: 99999999999999999999 > 1\n" }, ["validate", "{dir}/pb.yml"]),
        ["bad regex"] = (new() { ["pb.yml"] = "- hosts: all\n  tasks:\n    - command: \"echo {{ 'a' | regex_replace('(', 'b') }}\"\n" }, ["validate", "{dir}/pb.yml"]),
        ["bad host pattern"] = (new() { ["pb.yml"] = Playbook, ["inv.yml"] = "all:\n  hosts:\n    h[0:x]:\n" }, ["inventory", "-i", "{dir}/inv.yml"]),
        ["missing identity file"] = (new() { ["pb.yml"] = Playbook, ["inv.yml"] = "all:\n  hosts:\n    h1: { ansible_host: 127.0.0.1, identity_file: /nonexistent/key }\n" }, ["check", "-i", "{dir}/inv.yml", "{dir}/pb.yml", "--no-progress"]),
        ["bad vault password file"] = (new() { ["inv.yml"] = "all:\n  hosts:\n    h1:\n" }, ["inventory", "-i", "{dir}/inv.yml", "--vault-password-file", "{dir}/missing"]),
        ["bad become method"] = (new() { ["pb.yml"] = Playbook }, ["check", "{dir}/pb.yml", "--become-method", "su"]),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public async Task BadInput_IsOneLocatedLineOfFleetsOwn(string name)
    {
        var (files, args) = Cases[name];
        foreach (var (file, text) in files)
        {
            _files.Write(file, text);
        }

        var (exit, stdout, stderr) = await RunAsync(args.Select(a => a.Replace("{dir}", _files.Dir, StringComparison.Ordinal)).ToArray());

        AssertRefused(exit, stdout, stderr);
    }

    /// <summary>Exit 1; each stderr line one "error: " or "warning: " message, errors located; no .NET text on either stream.</summary>
    private static void AssertRefused(int exit, string stdout, string stderr)
    {
        Assert.True(exit == 1, $"exit {exit}\n{stdout}\n{stderr}");
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, line =>
        {
            Assert.Matches(MessageLine(), line);
            Assert.True(FuzzContract.CheckLine(line) is null && Denied().Match(line) is { Success: false }, $".NET text on stderr: {line}");
        });
        Assert.All(lines.Where(l => l.StartsWith("error: ", StringComparison.Ordinal)), line => Assert.Matches(Located(), line["error: ".Length..]));
        Assert.False(Denied().IsMatch(stdout), $".NET text on stdout: {stdout}");
    }

    [Theory]
    [MemberData(nameof(BadInputTests.Cases), MemberType = typeof(BadInputTests))]
    public async Task FuzzFoundBadInput_IsOneLocatedLineOfFleetsOwnThroughTheCli(string name)
    {
        var input = BadInputTests.CasesByName[name];
        BadInputTests.WriteFiles(input, _files.Dir);

        string[] inventory = input.Inventory is null ? [] : ["-i", Path.Combine(_files.Dir, input.Inventory)];
        var (exit, stdout, stderr) = await RunAsync(["validate", .. inventory, Path.Combine(_files.Dir, input.Playbook)]);

        AssertRefused(exit, stdout, stderr);
    }

    [Fact]
    public async Task WhenWithTemplateDelimiters_GetsAnsiblesHint()
    {
        var playbook = _files.Write("pb.yml", "- hosts: all\n  tasks:\n    - command: echo hi\n      when: '{{ foo }} == 1'\n");

        var (_, _, stderr) = await RunAsync("validate", playbook);

        Assert.Contains($"{playbook}:4:", stderr, StringComparison.Ordinal);
        Assert.Contains("should not include jinja2 templating delimiters", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionClosedByTheServer_IsSaidInFleetsWords()
    {
        // A server that sends its banner and hangs up, as an overloaded sshd (MaxStartups) does.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var server = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(stop.Token);
                await client.GetStream().WriteAsync("SSH-2.0-OpenSSH_9.2p1\r\n"u8.ToArray(), stop.Token);
            }
        });
        var inventory = _files.Write("inv.yml", $"all:\n  hosts:\n    h1: {{ ansible_host: 127.0.0.1, ansible_port: {port}, ansible_user: root, ansible_password: x }}\n");

        var (exit, stdout, stderr) = await RunAsync("ping", "-i", inventory, "--no-progress", "--host-key-policy", "off", "-T", "5");
        await stop.CancelAsync();

        Assert.True(exit == 3, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains("the server closed the connection", stdout, StringComparison.Ordinal);
        Assert.False(Denied().IsMatch(stdout + stderr), $".NET text:\n{stdout}\n{stderr}");
        _ = server;
    }

    private static string ValidReport()
    {
        var host = new HostResult("h1", "127.0.0.1") { Facts = new Dictionary<string, string> { ["ansible_os_family"] = "Debian" } };
        return JsonReportWriter.ToJson(new RunReport("check", DateTimeOffset.UnixEpoch, 1, [host]) { Playbooks = ["site.yml"] });
    }

    private static string WithoutFacts() => FactsProperty().Replace(ValidReport(), "");

    [Fact]
    public async Task NoInventory_BesideAnAnsibleCfg_SaysFleetDoesNotReadIt()
    {
        // A newcomer's ansible.cfg names their inventory; Fleet reads no ansible.cfg, and the message must say so.
        _files.Write("ansible.cfg", "[defaults]\ninventory = hosts.ini\n");
        _files.Write("pb.yml", Playbook);

        var (exit, stdout, stderr) = await RunInAsync(_files.Dir, "check", "pb.yml", "--no-progress");

        AssertRefused(exit, stdout, stderr);
        Assert.Contains("Fleet reads no ansible.cfg", stderr, StringComparison.Ordinal);
    }

    private static Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args) => RunInAsync(null, args);

    private static async Task<(int Exit, string Stdout, string Stderr)> RunInAsync(string? directory, params string[] args)
    {
        var cli = FuzzContract.CliPath();
        Assert.True(cli is not null, "the CLI is not built: build Fleet.sln first");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory ?? "" };
        start.ArgumentList.Add(cli);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment.Remove("ANSIBLE_VAULT_PASSWORD_FILE");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The issue's examples beyond the fuzz contract's list: dictionary lookups, aborted connections, probe files, crash banners.</summary>
    [GeneratedRegex(@"System\.|\w+Exception\b| at Fleet\.|BytePositionInLine|LineNumber:|The given key|Object reference|Unhandled|An established connection was aborted|\.probe\b|is an invalid start of|The requested operation requires an element of type|\b(Int16|Int32|Int64|UInt32|UInt64|Double|Single|Decimal|Boolean|Nullable)\b")]
    private static partial Regex Denied();

    [GeneratedRegex(@"^(error|warning): \S")]
    private static partial Regex MessageLine();

    /// <summary>An error names its place: file:line:column, or the file, option or command it concerns.</summary>
    [GeneratedRegex(@"^\S+:\d+:\d+: |(^|\s)/\S|(^|\s)--?[A-Za-z]|^Unknown (option|command) |^host '|^report merge: ")]
    private static partial Regex Located();

    [GeneratedRegex("\"facts\": \\{[^}]*\\},?")]
    private static partial Regex FactsProperty();
}
