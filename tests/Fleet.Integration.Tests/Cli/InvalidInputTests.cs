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

    private string GoodInventory() => Write("inventory.yml", $$"""
        all:
          hosts:
            target: { address: 127.0.0.1, port: {{Port}}, user: root }
        """);

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

        var (exit, _, stderr) = await FleetProcess.RunAsync("apply", "-i", inventory, playbook, "--no-progress");

        Assert.Equal(1, exit);
        Assert.Contains($"{playbook}:5:7", stderr, StringComparison.Ordinal);
        Assert.Contains("copyy", stderr, StringComparison.Ordinal);
        Assert.False(_listener.Pending(), "a host was contacted despite invalid input");
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

        var (exit, _, stderr) = await FleetProcess.RunAsync("check", "-i", inventory, playbook, "--no-progress");

        Assert.Equal(1, exit);
        Assert.Contains($"{playbook}:5:", stderr, StringComparison.Ordinal);
        Assert.Contains("create", stderr, StringComparison.Ordinal);
        Assert.False(_listener.Pending(), "a host was contacted despite invalid input");
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
        var playbook = Write("ok.yml", """
            - name: Fine
              hosts: all
              tasks:
                - name: Hello
                  command: echo hello
            """);

        var (exit, _, stderr) = await FleetProcess.RunAsync("apply", "-i", inventory, playbook, "--no-progress");

        Assert.Equal(1, exit);
        Assert.Contains($"{inventory}:4:", stderr, StringComparison.Ordinal);
        Assert.Contains("port", stderr, StringComparison.Ordinal);
        Assert.False(_listener.Pending(), "a host was contacted despite invalid input");
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

        var (exit, _, stderr) = await FleetProcess.RunAsync("validate", "-i", inventory, playbook);

        Assert.Equal(1, exit);
        Assert.Contains("nowhere", stderr, StringComparison.Ordinal);
        Assert.Contains("missing handler", stderr, StringComparison.Ordinal);
        Assert.Contains($"{playbook}:5:", stderr, StringComparison.Ordinal);
        Assert.False(_listener.Pending());
    }

    [Fact]
    public async Task Apply_UnknownLimitPattern_ExitsOne()
    {
        var inventory = GoodInventory();
        var playbook = Write("ok.yml", """
            - name: Fine
              hosts: all
              tasks:
                - name: Hello
                  command: echo hello
            """);

        var (exit, _, stderr) = await FleetProcess.RunAsync("apply", "-i", inventory, playbook, "--limit", "nosuchgroup", "--no-progress");

        Assert.Equal(1, exit);
        Assert.Contains("nosuchgroup", stderr, StringComparison.Ordinal);
        Assert.False(_listener.Pending());
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Dispose();
        _dir.Delete(recursive: true);
    }
}
