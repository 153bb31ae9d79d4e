using Fleet.Core.Modules;
using Fleet.Core.Modules.IniFile;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules.IniFile;

/// <summary>ini_file: the planner against the case table recorded from Ansible, and the write run for real with /bin/sh.</summary>
public sealed class IniFileModuleTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Plan_EveryRecordedCase_WritesWhatAnsibleWrote()
    {
        var cases = IniFileCases.Load();

        var differences = cases.Select(c => IniFileCases.Difference(c!, c!["expected"]!)).OfType<string>().ToList();

        Assert.True(cases.Count >= 60, "the table covers the module's behaviour");
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    [Fact]
    public void Apply_NewOption_WritesFileThenIsNoOp()
    {
        var path = _files.Write("app.ini", "[db]\nhost = localhost\n");
        var args = Args(("path", path), ("section", "db"), ("option", "port"), ("value", "5432"), ("mode", "0600"));

        var first = Assert.IsType<Change>(Apply(new IniFileModule(), args));
        var second = Apply(new IniFileModule(), args);

        Assert.Equal("[db]\nhost = localhost\nport = 5432\n", File.ReadAllText(path));
        Assert.Contains(first.Changes, c => c.Contains("content changed", StringComparison.Ordinal));
        Assert.Equal(path, first.Data["path"]);
        Assert.IsType<NoChange>(second);
    }

    [Fact]
    public void Apply_MissingDirectory_IsCreated()
    {
        var path = Path.Combine(_files.Dir, "sub", "dir", "new.ini");

        Apply(new IniFileModule(), Args(("path", path), ("section", "s"), ("option", "k"), ("value", "v")));

        Assert.Equal("\n[s]\nk = v\n", File.ReadAllText(path));
    }

    [Fact]
    public void Apply_AbsentInMissingDirectory_MakesTheDirectoryAndIsOk()
    {
        var path = Path.Combine(_files.Dir, "made", "gone.ini");
        var args = Args(("path", path), ("section", "s"), ("option", "k"), ("state", "absent"));

        var check = Apply(new IniFileModule(), args, checkMode: true);
        var plan = Assert.IsType<Change>(Apply(new IniFileModule(), args));
        var outcome = new IniFileModule().Complete(plan, new CommandResult(0, "", "", TimeSpan.Zero), args);

        Assert.IsType<NoChange>(check);
        Assert.True(Directory.Exists(Path.GetDirectoryName(path)));
        Assert.False(File.Exists(path));
        Assert.Equal(Fleet.Core.Results.TaskOutcome.Ok, outcome.Status);
        Assert.IsType<NoChange>(Apply(new IniFileModule(), args));
    }

    [Fact]
    public void Plan_CheckMode_ShowsDiffAndWritesNothing()
    {
        var path = _files.Write("c.ini", "[a]\nx = 1\n");

        var plan = Assert.IsType<Change>(Apply(new IniFileModule(), Args(("path", path), ("section", "a"), ("option", "x"), ("value", "2")), checkMode: true));

        Assert.Contains("+x = 2", plan.Diff, StringComparison.Ordinal);
        Assert.Equal("[a]\nx = 1\n", File.ReadAllText(path));
    }

    [Fact]
    public void Plan_OptionWithoutValueOnExistingSection_FailsInWords()
    {
        var result = IniFileEdit.Apply("[a]\nx = 1\n", new IniRequest("a", null, ["1"], Absent: false));

        Assert.Equal("option is required when value is given and the section exists", result.Error);
    }

    [Theory]
    [InlineData("seuser")]
    [InlineData("unsafe_writes")]
    [InlineData("attributes")]
    public void CheckCombination_UnimplementedFileParameter_NamesIt(string name)
    {
        var problems = new IniFileModule().CheckCombination(new HashSet<string> { "path", name });

        Assert.Equal([$"parameter '{name}' is not implemented by Fleet"], problems);
    }

    [Fact]
    public void CheckCombination_ValueAndValues_AreExclusive() =>
        Assert.Equal(["value and values are mutually exclusive"], new IniFileModule().CheckCombination(new HashSet<string> { "path", "value", "values" }));
}
