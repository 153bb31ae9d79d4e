using Fleet.Core.Modules;
using Fleet.Core.Modules.Sysctl;
using Fleet.Core.Results;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>
/// sysctl: planner and scripts run for real with /bin/sh, against a temporary /proc/sys stand-in (never the machine's kernel)
/// and a temporary sysctl file.
/// </summary>
public sealed class SysctlModuleTests : IDisposable
{
    private readonly TempFiles _files = new();
    private readonly SysctlModule _module;

    public SysctlModuleTests() => _module = new SysctlModule(Path.Combine(_files.Dir, "proc"));

    private string File(string name) => Path.Combine(_files.Dir, name);

    private void Kernel(string key, string value)
    {
        var path = KernelParameterFact.PathOf(key, Path.Combine(_files.Dir, "proc"));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, value + "\n");
    }

    private string Running(string key) => System.IO.File.ReadAllText(KernelParameterFact.PathOf(key, Path.Combine(_files.Dir, "proc"))).Trim();

    [Fact]
    public void Present_NewKey_PersistsAndApplies_ThenIsNoOp()
    {
        Kernel("net.ipv4.ip_forward", "0");
        var conf = File("sysctl.d/99-fleet.conf");
        var args = Args(("name", "net.ipv4.ip_forward"), ("value", "1"), ("sysctl_file", conf));

        var first = Assert.IsType<Change>(Apply(_module, args));
        var second = Apply(_module, args);

        Assert.Equal([$"{conf} created", "net.ipv4.ip_forward: 0 → 1"], first.Changes);
        Assert.Equal("net.ipv4.ip_forward=1\n", System.IO.File.ReadAllText(conf));
        Assert.Equal("1", Running("net.ipv4.ip_forward"));
        Assert.IsType<NoChange>(second);
    }

    [Fact]
    public void Present_FileRightButRunningDiffers_AppliesOnlyTheKey()
    {
        Kernel("net.ipv4.conf.all.accept_redirects", "1");
        var conf = _files.Write("a.conf", "# keep me\nnet.ipv4.conf.all.accept_redirects = 0\nother.key=5\n");

        var plan = Assert.IsType<Change>(Apply(_module, Args(("name", "net.ipv4.conf.all.accept_redirects"), ("value", "0"), ("sysctl_file", conf))));

        Assert.Equal(["net.ipv4.conf.all.accept_redirects: 1 → 0"], plan.Changes);
        Assert.Equal("# keep me\nnet.ipv4.conf.all.accept_redirects = 0\nother.key=5\n", System.IO.File.ReadAllText(conf));
        Assert.Equal("0", Running("net.ipv4.conf.all.accept_redirects"));
    }

    [Fact]
    public void Present_ReloadFalse_OnlyPersists()
    {
        Kernel("vm.swappiness", "60");
        var conf = File("b.conf");

        var plan = Assert.IsType<Change>(Apply(_module, Args(("name", "vm.swappiness"), ("value", "10"), ("sysctl_file", conf), ("reload", false))));

        Assert.Equal([$"{conf} created"], plan.Changes);
        Assert.Equal("60", Running("vm.swappiness"));
    }

    [Fact]
    public void Present_ReadOnlyKernelEntry_PersistedWithWarning_SecondRunOkWithWarning()
    {
        // Root may write a 0400 file, so the read-only /proc/sys entry (a container, the lab's kernel.*) is given as a fact.
        Kernel("kernel.kptr_restrict", "0");
        var conf = File("c.conf");
        var args = Args(("name", "kernel.kptr_restrict"), ("value", "2"), ("sysctl_file", conf));
        TaskPlan ApplyReadOnly()
        {
            var context = new ModuleContext("local", false, "/tmp");
            var facts = Gather(_module.Facts(args, context));
            facts.Set(new KernelParameterFact("kernel.kptr_restrict", Path.Combine(_files.Dir, "proc")), new KernelParameter(true, false, "0"));
            var plan = _module.Plan(args, facts, context);
            if (plan is Change change)
            {
                Assert.Equal(0, Sh(change.Script).Exit);
            }

            return plan;
        }

        var first = Assert.IsType<Change>(ApplyReadOnly());
        var second = Assert.IsType<NoChange>(ApplyReadOnly());

        Assert.Equal([$"{conf} created"], first.Changes);
        Assert.Contains("read-only", Assert.Single(first.Warnings), StringComparison.Ordinal);
        Assert.Single(second.Warnings);
        Assert.Equal("kernel.kptr_restrict=2\n", System.IO.File.ReadAllText(conf));
        Assert.Equal("0", Running("kernel.kptr_restrict"));
    }

    [Fact]
    public void Complete_WriteRefusedByTheKernel_ReadOnlyIsWarning_InvalidIsFailure()
    {
        var args = Args(("name", "kernel.x"), ("value", "2"), ("sysctl_file", "/etc/sysctl.d/99-fleet.conf"));
        var change = new Change(["/etc/sysctl.d/99-fleet.conf created", "kernel.x: 0 → 2"], "true");
        CommandResult Output(string error) => new(0, $"@@fleet-sysctl-unapplied {error}\n", "", TimeSpan.Zero);

        var readOnly = _module.Complete(change, Output("sh: 1: cannot create /proc/sys/kernel/x: Read-only file system"), args);
        var invalid = _module.Complete(change, Output("sh: 1: printf: I/O error: Invalid argument"), args);

        Assert.Equal(TaskOutcome.Changed, readOnly.Status);
        Assert.Single(readOnly.Warnings);
        Assert.Equal(TaskOutcome.Failed, invalid.Status);
    }

    [Fact]
    public void Present_UnknownKey_FailsUnlessIgnoreErrors()
    {
        var conf = File("d.conf");

        Assert.IsType<PlanFailure>(Apply(_module, Args(("name", "net.nope"), ("value", "1"), ("sysctl_file", conf))));
        var ignored = Assert.IsType<Change>(Apply(_module, Args(("name", "net.nope"), ("value", "1"), ("sysctl_file", conf), ("ignoreerrors", true))));

        Assert.Single(ignored.Warnings);
        Assert.Equal("net.nope=1\n", System.IO.File.ReadAllText(conf));
    }

    [Fact]
    public void Absent_RemovesEveryLineOfTheKey_LeavesRunningValue()
    {
        Kernel("net.ipv4.ip_forward", "1");
        var conf = _files.Write("e.conf", "net.ipv4.ip_forward=1\n# c\n-net.ipv4.ip_forward = 1\n");

        Assert.IsType<Change>(Apply(_module, Args(("name", "net.ipv4.ip_forward"), ("state", "absent"), ("sysctl_file", conf))));

        Assert.Equal("# c\n", System.IO.File.ReadAllText(conf));
        Assert.Equal("1", Running("net.ipv4.ip_forward"));
        Assert.IsType<NoChange>(Apply(_module, Args(("name", "net.ipv4.ip_forward"), ("state", "absent"), ("sysctl_file", conf))));
    }

    [Theory]
    [InlineData("yes", "1")]
    [InlineData("False", "0")]
    [InlineData("4096\t87380   6291456", "4096\t87380   6291456")]
    public void Value_AnsibleBooleansAndWhitespace(string value, string written)
    {
        Kernel("net.ipv4.tcp_rmem", "4096 87380 6291456");
        var conf = File("f.conf");

        Apply(_module, Args(("name", "net.ipv4.tcp_rmem"), ("value", value), ("sysctl_file", conf)));

        Assert.Equal($"net.ipv4.tcp_rmem={written}\n", System.IO.File.ReadAllText(conf));
        Assert.IsType<NoChange>(Apply(_module, Args(("name", "net.ipv4.tcp_rmem"), ("value", value), ("sysctl_file", conf))));
    }

    [Theory]
    [InlineData("a=b")]
    [InlineData("net..x")]
    [InlineData("net.x y")]
    public void BadName_IsFailure(string name) =>
        Assert.IsType<PlanFailure>(Apply(_module, Args(("name", name), ("value", "1"), ("sysctl_file", File("g.conf")))));

    [Fact]
    public void ShellInjection_InValueAndFile_IsQuoted()
    {
        var canary = File("PWNED");
        var evil = $"x'; touch {canary}; '";
        Kernel("net.core.somaxconn", "128");
        var conf = File($"dir-$(touch {canary})/h.conf");

        var plan = Assert.IsType<Change>(Apply(_module, Args(("name", "net.core.somaxconn"), ("value", evil), ("sysctl_file", conf))));

        Assert.Contains("'x'\\''; touch ", plan.Script, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(canary), "a value was run as a command");
        Assert.Equal(evil, Running("net.core.somaxconn"));
        Assert.Equal($"net.core.somaxconn={evil}\n", System.IO.File.ReadAllText(conf));
    }

    [Fact]
    public void CheckMode_ReportsDiffOfTheFile_ChangesNothing()
    {
        Kernel("net.ipv4.ip_forward", "0");
        var conf = _files.Write("i.conf", "net.ipv4.ip_forward=0\n");

        var plan = Assert.IsType<Change>(Apply(_module, Args(("name", "net.ipv4.ip_forward"), ("value", "1"), ("sysctl_file", conf)), checkMode: true));

        Assert.Contains("-net.ipv4.ip_forward=0\n+net.ipv4.ip_forward=1\n", plan.Diff, StringComparison.Ordinal);
        Assert.Equal("0", Running("net.ipv4.ip_forward"));
    }

    public void Dispose() => _files.Dispose();
}
