using Fleet.Core.Modules;
using Fleet.Core.Playbooks;

namespace Fleet.Core.Tests.Playbooks;

/// <summary><c>async</c> and <c>poll</c> as the loader reads them: numbers or templates, and a located error where a task cannot run as a job.</summary>
public sealed class AsyncKeywordTests : IDisposable
{
    private readonly TempFiles _files = new();

    private (Playbook? Playbook, IReadOnlyList<InputError> Errors) Load(string tasks)
    {
        var path = _files.Write("play.yml", "- hosts: all\n  tasks:\n" + tasks);
        try
        {
            var loaded = PlaybookLoader.Load(path, ModuleCatalog.Default);
            return (loaded, PlaybookValidator.Validate([loaded], null, new Dictionary<string, object?>(), ModuleCatalog.Default));
        }
        catch (FleetInputException ex)
        {
            return (null, ex.Errors);
        }
    }

    [Fact]
    public void Load_AsyncAndPoll_AreTheTasksKeywords_PollDefaultsToAnsibles15()
    {
        var (playbook, errors) = Load("    - command: aide --init\n      async: 3600\n      poll: 10\n    - shell: sleep 1\n      async: 5\n    - command: 'true'\n");

        Assert.Empty(errors);
        var tasks = playbook!.Plays[0].Tasks;
        Assert.Equal((3600L, 10L), (tasks[0].Keywords.Async, tasks[0].Keywords.Poll));
        Assert.Equal((5L, 15L), (tasks[1].Keywords.Async, tasks[1].Keywords.Poll));
        Assert.Equal((0L, 15L), (tasks[2].Keywords.Async, tasks[2].Keywords.Poll));
    }

    [Fact]
    public void Load_TemplatedAsyncAndPoll_AreRenderedPerHost()
    {
        var (playbook, errors) = Load("    - command: aide --init\n      async: \"{{ aide_limit }}\"\n      poll: \"{{ aide_poll }}\"\n");

        Assert.Empty(errors);
        Assert.Equal(["async", "poll"], playbook!.Plays[0].Tasks[0].Keywords.Templates.Select(t => t.Keyword));
    }

    [Theory]
    [InlineData("debug: { msg: hi }", "async is not supported for debug: it runs on the controller, not as a job on the host (Ansible refuses it too)")]
    [InlineData("set_fact: { x: 1 }", "async is not supported for set_fact: it runs on the controller, not as a job on the host (Ansible refuses it too)")]
    [InlineData("copy: { dest: /tmp/x, content: x }", "async is not supported for copy: Ansible's copy action does not run async either")]
    [InlineData("template: { src: a.j2, dest: /tmp/x }", "async is not supported for template: Ansible's template action does not run async either")]
    [InlineData("ufw: { rule: allow, port: '22' }", "async is not supported for ufw: its change is confirmed over a fresh connection and rolled back on failure, which needs the controller attached")]
    [InlineData("async_status: { jid: j1.1 }", "async is not supported for async_status: it reads a job and cannot be one (as in Ansible)")]
    public void Load_AsyncOnATaskThatCannotBeAJob_IsALocatedErrorNamingTheModule(string task, string message)
    {
        var (_, errors) = Load($"    - {task}\n      async: 60\n");

        var error = Assert.Single(errors, e => e.Message.StartsWith("async", StringComparison.Ordinal));
        Assert.Equal(message, error.Message);
        Assert.Equal((4, 14), (error.Location!.Value.Line, error.Location.Value.Column));
    }

    [Theory]
    [InlineData("async: soon", "async")]
    [InlineData("poll: -1", "poll")]
    public void Load_AsyncOrPollNotANumber_IsALocatedError(string keyword, string name)
    {
        var (_, errors) = Load($"    - command: 'true'\n      {keyword}\n");

        Assert.Contains(errors, e => e.Message.Contains(name, StringComparison.Ordinal) && e.Location!.Value.Line == 4);
    }

    [Fact]
    public void Load_AsyncOnABlock_IsAnErrorAsInAnsible()
    {
        var (_, errors) = Load("    - block:\n        - command: 'true'\n      async: 10\n");

        Assert.Contains(errors, e => e.Message.Contains("'async'", StringComparison.Ordinal));
    }

    public void Dispose() => _files.Dispose();
}
