using Fleet.Core.Execution;
using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Command;
using Fleet.Core.Results;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

public sealed class CommandModuleTests : IDisposable
{
    private readonly TempFiles _files = new();

    [Theory]
    [InlineData("echo hi", new[] { "echo", "hi" })]
    [InlineData("echo 'a b' \"c d\" e\\ f", new[] { "echo", "a b", "c d", "e f" })]
    [InlineData("printf '%s' \"x\\\"y\"", new[] { "printf", "%s", "x\"y" })]
    [InlineData("ls | wc > out", new[] { "ls", "|", "wc", ">", "out" })]
    public void ShellWords_Split_LikeShlex(string text, string[] expected) => Assert.Equal(expected, ShellWords.Split(text));

    [Fact]
    public void Command_ShellSyntax_IsPassedLiterally()
    {
        var canary = Path.Combine(_files.Dir, "CANARY");
        var plan = Assert.IsType<Change>(Apply(new CommandModule(), Args(("cmd", $"echo $(touch {canary}) `touch {canary}` ; touch {canary}")), checkMode: false));

        var (_, stdout, _) = Sh(plan.Script);

        Assert.False(File.Exists(canary), "the command module ran shell syntax");
        Assert.Equal($"$(touch {canary}) `touch {canary}` ; touch {canary}\n", stdout);
    }

    [Fact]
    public void Shell_RunsShellSyntax_CreatesMakesItIdempotent()
    {
        var marker = Path.Combine(_files.Dir, "marker");
        var args = Args(("cmd", $"echo one > {marker} && echo done"), ("creates", marker));

        var first = Assert.IsType<Change>(Apply(new ShellModule(), args));
        var second = Apply(new ShellModule(), args);

        Assert.Equal("one\n", File.ReadAllText(marker));
        Assert.Equal(new NoChange($"{marker} exists"), second);
        Assert.Equal(["ran: " + args.GetString("cmd")], first.Changes);
    }

    [Fact]
    public void Command_CheckMode_IsSkipped() =>
        Assert.IsType<Skip>(Apply(new CommandModule(), Args(("cmd", "touch /should/not/run")), checkMode: true));

    [Fact]
    public void Command_CheckModeWithCreates_WouldRunAndPredictsThePath()
    {
        var marker = Path.Combine(_files.Dir, "made-by-command");

        var plan = Assert.IsType<Change>(Apply(new CommandModule(), Args(("cmd", $"touch {marker}"), ("creates", marker)), checkMode: true));

        Assert.False(File.Exists(marker), "check mode ran the command");
        Assert.Equal([$"would run: touch {marker}"], plan.Changes);
        Assert.Contains(Subject.Path(marker), plan.Touches!);
        Assert.Null(Assert.IsType<Change>(Apply(new CommandModule(), Args(("cmd", $"touch {marker}"), ("creates", marker)), checkMode: false)).Touches);
    }

    [Fact]
    public void Command_RemovesMissing_IsNoChange() =>
        Assert.IsType<NoChange>(Apply(new CommandModule(), Args(("cmd", "rm x"), ("removes", "/nonexistent/fleet"))));

    [Fact]
    public void Command_Complete_NonZeroExitIsFailedWithStderr()
    {
        var outcome = new CommandModule().Complete(new Change([], ""), new CommandResult(3, "", "boom\n", TimeSpan.Zero), Args(("cmd", "x")));

        Assert.Equal(TaskOutcome.Failed, outcome.Status);
        Assert.Equal("exit 3: boom", outcome.Message);
    }

    public void Dispose() => _files.Dispose();
}
