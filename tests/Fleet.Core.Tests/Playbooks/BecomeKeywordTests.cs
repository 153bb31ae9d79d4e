using Fleet.Core.Execution;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Templating;

namespace Fleet.Core.Tests.Playbooks;

/// <summary>
/// <c>become_user</c> and its kin on plays, blocks, tasks and role entries, and whom a task becomes: the variable
/// <c>ansible_become_user</c> over the innermost keyword over <c>--become-user</c>, as in Ansible.
/// </summary>
public sealed class BecomeKeywordTests : IDisposable
{
    private readonly TempFiles _files = new();

    private (Playbook? Playbook, IReadOnlyList<InputError> Errors) Load(string playbook)
    {
        var path = _files.Write("play.yml", playbook);
        try
        {
            return (PlaybookLoader.Load(path, ModuleCatalog.Default), []);
        }
        catch (FleetInputException ex)
        {
            return (null, ex.Errors);
        }
    }

    private const string Layered = """
        - hosts: all
          become: true
          become_user: app
          tasks:
            - command: id -un
            - block:
                - command: id -un
                - command: id -un
                  become_user: "{{ db_user }}"
              become_user: backup
              become_method: sudo
        """;

    private static string? Whom(TaskDefinition task, Frame frame, Dictionary<string, object?> vars, string? commandLine = null) =>
        BecomeUser.For(task, frame, VariableScope.Of(vars), commandLine);

    [Fact]
    public void For_InnermostKeyword_WinsOverOuterOnes()
    {
        var (playbook, errors) = Load(Layered);
        Assert.Empty(errors);
        var play = playbook!.Plays[0];
        var root = Frame.Root(play);
        var block = play.Tasks[1];
        var inner = root.Enter(block);
        var vars = new Dictionary<string, object?> { ["db_user"] = "postgres" };

        Assert.Equal("app", Whom(play.Tasks[0], root, vars));
        Assert.Equal("backup", Whom(block.Keywords.Block!.Tasks[0], inner, vars));
        Assert.Equal("postgres", Whom(block.Keywords.Block!.Tasks[1], inner, vars));
    }

    [Fact]
    public void For_AnsibleBecomeUserVariable_WinsOverEveryKeyword()
    {
        var play = Load(Layered).Playbook!.Plays[0];
        var inner = Frame.Root(play).Enter(play.Tasks[1]);

        Assert.Equal("www-data", Whom(play.Tasks[1].Keywords.Block!.Tasks[1], inner, new() { ["ansible_become_user"] = "www-data", ["db_user"] = "x" }));
    }

    [Fact]
    public void For_NoKeyword_IsTheCommandLineOrRoot()
    {
        var play = Load("- hosts: all\n  tasks:\n    - command: id -un\n    - command: id -un\n      become_user: root\n").Playbook!.Plays[0];
        var root = Frame.Root(play);

        Assert.Equal("ops", Whom(play.Tasks[0], root, new(), "ops"));
        Assert.Null(Whom(play.Tasks[0], root, new()));
        Assert.Null(Whom(play.Tasks[1], root, new(), "ops"));
    }

    [Fact]
    public void For_TemplateRenderingEmpty_IsTheTasksError()
    {
        var play = Load("- hosts: all\n  tasks:\n    - command: id -un\n      become_user: \"{{ nobody }}\"\n").Playbook!.Plays[0];

        var ex = Assert.Throws<FleetInputException>(() => Whom(play.Tasks[0], Frame.Root(play), new() { ["nobody"] = "" }));
        Assert.Contains("become_user renders to an empty name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RoleEntryBecomeUser_IsTheRoleBlocks()
    {
        _files.Write("roles/db/tasks/main.yml", "- command: id -un\n");
        var (playbook, errors) = Load("- hosts: all\n  roles:\n    - role: db\n      become: true\n      become_user: postgres\n");

        Assert.Empty(errors);
        Assert.Equal("postgres", playbook!.Plays[0].Tasks[0].Keywords.BecomeUser);
    }

    [Theory]
    [InlineData("- hosts: all\n  become_method: su\n  tasks: []\n", "become_method 'su' is not supported", 2, 18)]
    [InlineData("- hosts: all\n  tasks:\n    - command: id\n      become_method: doas\n", "become_method 'doas' is not supported", 4, 22)]
    [InlineData("- hosts: all\n  tasks:\n    - command: id\n      become_flags: \"-E -p 'x\"\n", "become_flags: unterminated quote", 4, 21)]
    [InlineData("- hosts: all\n  tasks:\n    - block: [{ command: id }]\n      become_exe: /opt/sudo\n", "become_exe is not supported", 4, 19)]
    [InlineData("- hosts: all\n  tasks:\n    - command: id\n      become_method: \"{{ m }}\"\n", "become_method: a template is not supported here", 4, 22)]
    [InlineData("- hosts: all\n  vars:\n    ansible_become_password: x\n  tasks: []\n", "set it in the inventory", 3, 5)]
    [InlineData("- hosts: all\n  tasks:\n    - command: id\n      vars: { ansible_user: deploy }\n", "ansible_user in play, block or task vars is not supported", 4, 15)]
    [InlineData("- hosts: all\n  vars:\n    ansible_pipelining: true\n  tasks: []\n", "set connection settings in the inventory", 3, 5)]
    public void Load_PrivilegeSettingFleetDoesNotRun_IsLocatedError(string playbook, string message, int line, int column)
    {
        var error = Assert.Single(Load(playbook).Errors);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal((line, column), (error.Location!.Value.Line, error.Location.Value.Column));
    }

    [Fact]
    public void Load_BecomeFlags_AreTheInnermostWritten_VariablesAboveThem()
    {
        _files.Write("roles/db/tasks/main.yml", "- command: id -un\n");
        var (playbook, errors) = Load("""
            - hosts: all
              become_flags: -H -S
              roles:
                - role: db
                  become_flags: -i
              tasks:
                - command: id
                  become_flags: "-E -u 'a b'"
                - block: [{ command: id }]
                - command: id
                  become_flags: "{{ flags }}"
            """);
        Assert.Empty(errors);
        var play = playbook!.Plays[0];
        var root = Frame.Root(play);

        Assert.Equal("-i", play.Tasks[0].Keywords.BecomeFlags);
        Assert.Equal(["-E", "-u", "a b"], BecomeFlags.For(play.Tasks[1], root, VariableScope.Of(new Dictionary<string, object?>())));
        Assert.Equal(["-H", "-S"], BecomeFlags.For(play.Tasks[2].Keywords.Block!.Tasks[0], root.Enter(play.Tasks[2]), VariableScope.Of(new Dictionary<string, object?>())));
        Assert.Equal(["-n", "-H"], BecomeFlags.For(play.Tasks[3], root, VariableScope.Of(new Dictionary<string, object?> { ["flags"] = "-n -H" })));
        Assert.Throws<FleetInputException>(() => BecomeFlags.For(play.Tasks[3], root, VariableScope.Of(new Dictionary<string, object?> { ["flags"] = "-p 'x" })));
        Assert.Equal(["-s"], BecomeFlags.For(play.Tasks[1], root, VariableScope.Of(new Dictionary<string, object?> { ["ansible_become_flags"] = "-n", ["ansible_sudo_flags"] = "-s" })));
    }

    [Fact]
    public void Load_PlayRemoteUser_IsThePlays_TaskRemoteUserIsLocatedError()
    {
        Assert.Equal("deploy", Load("- hosts: all\n  remote_user: deploy\n  tasks: []\n").Playbook!.Plays[0].RemoteUser);

        var error = Assert.Single(Load("- hosts: all\n  tasks:\n    - command: id\n      remote_user: deploy\n").Errors);
        Assert.Contains("set remote_user on the play", error.Message, StringComparison.Ordinal);
        Assert.Equal((4, 7), (error.Location!.Value.Line, error.Location.Value.Column));
    }

    public void Dispose() => _files.Dispose();
}
