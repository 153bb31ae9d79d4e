using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.ListeningPorts;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>listening_ports: ss's output as data, the allowed list, warn or fail; never a change.</summary>
public sealed class ListeningPortsModuleTests
{
    private const string Ss = """
        ok
        udp   UNCONN 0      0          127.0.0.1:323        0.0.0.0:*    users:(("chronyd",pid=610,fd=5))
        tcp   LISTEN 0      128          0.0.0.0:22         0.0.0.0:*    users:(("sshd",pid=700,fd=3))
        tcp   LISTEN 0      5            0.0.0.0:8000       0.0.0.0:*    users:(("python3",pid=900,fd=3))
        tcp   LISTEN 0      128             [::]:22            [::]:*    users:(("sshd",pid=700,fd=4))
        tcp   LISTEN 0      4096   127.0.0.53%lo:53         0.0.0.0:*
        """;

    private static readonly ModuleContext Context = new("h", CheckMode: false, ".");

    private static TaskPlan PlanOn(string ss, params (string Key, object? Value)[] args)
    {
        var facts = new FactCache();
        facts.Set(new ListenersFact(), new ListenersFact().Parse(ss, 0));
        return new ListeningPortsModule().Plan(Args(args), facts, Context);
    }

    [Fact]
    public void Parse_SsOutput_ProtoAddressPortProcess()
    {
        var listeners = new ListenersFact().Parse(Ss, 0).Listeners!;

        Assert.Equal(
            [
                new Listener("udp", "127.0.0.1", 323, "chronyd"),
                new Listener("tcp", "0.0.0.0", 22, "sshd"),
                new Listener("tcp", "0.0.0.0", 8000, "python3"),
                new Listener("tcp", "::", 22, "sshd"),
                new Listener("tcp", "127.0.0.53%lo", 53, null),
            ],
            listeners);
    }

    [Fact]
    public void Plan_AllAllowed_IsOkWithThePortsInTheResult()
    {
        var plan = Assert.IsType<NoChange>(PlanOn(Ss, ("allowed", new List<string> { "22/tcp", "323/udp", "8000", "53" })));

        Assert.Empty(plan.Warnings);
        var ports = Assert.IsAssignableFrom<IReadOnlyList<object?>>(plan.Data["ports"]);
        Assert.Equal(5, ports.Count);
        var first = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(ports[0]);
        Assert.Equal(("udp", "127.0.0.1", 323L, "chronyd"), ((string)first["proto"]!, (string)first["address"]!, (long)first["port"]!, (string)first["process"]!));
    }

    [Fact]
    public void Plan_Unexpected_WarnsNamingEach()
    {
        var plan = Assert.IsType<NoChange>(PlanOn(Ss, ("allowed", new List<string> { "22/tcp", "323/tcp" }), ("allow_loopback", false)));

        Assert.Equal(
            ["unexpected listener 323/udp on 127.0.0.1 (chronyd)", "unexpected listener 8000/tcp on 0.0.0.0 (python3)", "unexpected listener 53/tcp on 127.0.0.53%lo (process unknown)"],
            plan.Warnings);
    }

    [Fact]
    public void Plan_LoopbackAndSshdByDefault_AreExpected()
    {
        // chronyd on 127.0.0.1 and the resolver on 127.0.0.53%lo are unreachable from outside; sshd is the way in, on any port.
        var plan = Assert.IsType<NoChange>(PlanOn(Ss, ("allowed", new List<string>())));

        Assert.Equal(["unexpected listener 8000/tcp on 0.0.0.0 (python3)"], plan.Warnings);
    }

    [Fact]
    public void Plan_AllowSshdFalse_SshdMustBeListed()
    {
        var plan = Assert.IsType<NoChange>(PlanOn(Ss, ("allowed", new List<string> { "8000" }), ("allow_sshd", false)));

        Assert.Equal(["unexpected listener 22/tcp on 0.0.0.0, :: (sshd)"], plan.Warnings);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.0.0.53%lo", true)]
    [InlineData("::1", true)]
    [InlineData("[::1]", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("*", false)]
    [InlineData("10.213.1.10", false)]
    public void IsLoopback_OnlyLoopbackAddresses(string address, bool loopback) =>
        Assert.Equal(loopback, ListeningPortsModule.IsLoopback(address));

    [Fact]
    public void Plan_UnexpectedFail_FailsNamingEachAndKeepsTheData()
    {
        var plan = Assert.IsType<PlanFailure>(PlanOn(Ss, ("allowed", new List<string> { "22", "323/udp", "53/tcp" }), ("unexpected", "fail")));

        Assert.Equal("unexpected listeners: 8000/tcp on 0.0.0.0 (python3)", plan.Message);
        Assert.NotNull(plan.Data["ports"]);
    }

    [Fact]
    public void Plan_NoAllowedList_ReportsOnly() =>
        Assert.Empty(Assert.IsType<NoChange>(PlanOn(Ss)).Warnings);

    [Theory]
    [InlineData("22/sctp")]
    [InlineData("x'; touch /tmp/pwned; '")]
    [InlineData("70000")]
    public void Plan_InvalidAllowedEntry_Fails(string entry) =>
        Assert.Contains("is not a port or port/proto", Assert.IsType<PlanFailure>(PlanOn(Ss, ("allowed", new List<string> { entry }))).Message, StringComparison.Ordinal);

    [Fact]
    public void Plan_NoSs_Fails() =>
        Assert.Equal("ss is not installed (package iproute2)", Assert.IsType<PlanFailure>(PlanOn("noss\n")).Message);

    [Fact]
    public void Fact_OnThisMachine_ParsesWhatSsPrints() =>
        Assert.NotNull(Gather([new ListenersFact()]).Get(new ListenersFact()).Listeners);
}
