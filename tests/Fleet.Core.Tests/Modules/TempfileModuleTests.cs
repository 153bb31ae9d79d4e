using Fleet.Core.Modules;
using Fleet.Core.Modules.Tempfile;
using Fleet.Core.Results;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>tempfile: mktemp run for real with /bin/sh in a temporary directory; check mode skips as Ansible does.</summary>
public sealed class TempfileModuleTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private (ChangeOutcome Outcome, string Path) Create(params (string Key, object? Value)[] args)
    {
        var arguments = Args([("path", _files.Dir), .. args]);
        var plan = Assert.IsType<Change>(new TempfileModule().Plan(arguments, new Fleet.Core.Facts.FactCache(), new ModuleContext("local", false, "/tmp")));
        var (exit, stdout, stderr) = Sh(plan.Script);
        var outcome = new TempfileModule().Complete(plan, new CommandResult(exit, stdout, stderr, TimeSpan.Zero), arguments);
        return (outcome, (string)outcome.Data!["path"]!);
    }

    [Fact]
    public void Apply_File_CreatesPrivateFileWithPrefixAndSuffix()
    {
        var (outcome, path) = Create(("prefix", "fleet."), ("suffix", ".conf"));

        Assert.Equal(TaskOutcome.Changed, outcome.Status);
        Assert.Matches(@"/fleet\.[A-Za-z0-9]{8}\.conf$", path);
        Assert.True(File.Exists(path));
        Assert.Equal("600\n", Sh($"stat -c %a '{path}'").Stdout);
    }

    [Fact]
    public void Apply_Directory_CreatesPrivateDirectoryWithAnsiblePrefix()
    {
        var (_, path) = Create(("state", "directory"));

        Assert.StartsWith(System.IO.Path.Combine(_files.Dir, "ansible."), path, StringComparison.Ordinal);
        Assert.True(Directory.Exists(path));
        Assert.Equal("700\n", Sh($"stat -c %a '{path}'").Stdout);
    }

    [Fact]
    public void Plan_CheckMode_Skips() =>
        Assert.IsType<Skip>(new TempfileModule().Plan(Args(("state", "file")), new Fleet.Core.Facts.FactCache(), new ModuleContext("local", true, "/tmp")));

    [Fact]
    public void Script_QuotesEveryValue() =>
        Assert.Equal("mktemp '--tmpdir=/a b' '--suffix=;x' -- '$(id)XXXXXXXX'\n", TempfileModule.Script(false, "/a b", "$(id)", ";x"));
}
